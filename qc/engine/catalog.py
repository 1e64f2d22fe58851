"""The exportable catalogue of the rule language (business-rules style): operators with their
parameter JSON schemas, combinators, categories, severities, metrics, and the rule/scheme schemas,
so that an editor or the API can show what is allowed."""

from __future__ import annotations

import typing
from typing import Any

from qc.engine.conditions import COMBINATORS
from qc.engine.operators import OPERATORS
from qc.engine.operators.metric import MetricName
from qc.engine.schema import CATEGORIES, SEVERITIES, Case, PackSpec, RuleSpec
from qc.engine.scheme import Scheme

COMBINATOR_HELP = {
    "all": "a list of conditions; matches when every one matches",
    "any": "a list of conditions; matches when at least one matches",
    "not": "one condition; matches when it does not match",
}


def _summary(cls: type) -> str:
    return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


def catalog() -> dict[str, Any]:
    """Everything a rule author (or a rule editor) may use, as JSON-ready data."""
    return {
        "operators": {
            name: {
                "summary": _summary(op),
                "nested_conditions": list(op.conditions),
                "params": op.params_model.model_json_schema(),
            }
            for name, op in OPERATORS.items()
        },
        "combinators": {name: COMBINATOR_HELP[name] for name in COMBINATORS},
        "categories": list(CATEGORIES),
        "severities": list(SEVERITIES),
        "metrics": list(typing.get_args(MetricName)),
        "views": ["text", "digits"],
        "roles": ["agent", "customer", "any"],
        "schemas": {
            "pack": PackSpec.model_json_schema(),
            "rule": RuleSpec.model_json_schema(),
            "case": Case.model_json_schema(),
            "scheme": Scheme.model_json_schema(),
        },
    }
