"""The operator registry: one explicit dict from YAML name to operator class (STYLE.md 4).

Adding an operator: a module here with a params model (``extra="forbid"``, a description on every
field) and a class with ``name``, ``params_model``, ``describe`` and ``evaluate``; register it
below; add tests in tests/engine/; document it in rules/README.md (CONTRIBUTING.md).
"""

from __future__ import annotations

from qc.engine.operators.absence import Absence
from qc.engine.operators.base import Operator
from qc.engine.operators.before import Before
from qc.engine.operators.count import Count
from qc.engine.operators.empathy_gap import EmpathyGap
from qc.engine.operators.entity import Entity
from qc.engine.operators.excluding import Excluding
from qc.engine.operators.followed_by import FollowedBy
from qc.engine.operators.metric import Metric
from qc.engine.operators.phrase import Phrase
from qc.engine.operators.regex_op import Regex
from qc.engine.operators.repetition import Repetition
from qc.engine.operators.scope import Scope
from qc.engine.operators.sentiment import Sentiment
from qc.engine.operators.similar import Similar
from qc.engine.operators.tone import Tone

OPERATORS: dict[str, type[Operator]] = {
    "phrase": Phrase,
    "regex": Regex,
    "similar": Similar,
    "absence": Absence,
    "before": Before,
    "followed_by": FollowedBy,
    "scope": Scope,
    "excluding": Excluding,
    "metric": Metric,
    "sentiment": Sentiment,
    "tone": Tone,
    "empathy_gap": EmpathyGap,
    "entity": Entity,
    "count": Count,
    "repetition": Repetition,
}

__all__ = ["OPERATORS", "Operator"]
