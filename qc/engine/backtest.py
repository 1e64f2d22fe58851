"""Backtesting rules against labelled calls: precision and recall per rule and per category.

Labels are JSON lines: ``{"transcript": {...}, "expected": ["greeting", ...]}`` (a stored
transcript, no re-transcription) or ``{"call": "path.wav", "expected": [...]}`` (transcribed with
the caller's ``transcribe`` function). ``expected`` lists categories and/or rule ids.

Per category: the call's hit categories against its expected categories. Per rule: a call is
positive for a rule when its id or its category is expected; recall of a rule is therefore the
share of such calls it caught on its own.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qc.engine.evaluate import EvalOptions, evaluate
from qc.engine.ruleset import RuleSet
from qc.engine.schema import CATEGORIES
from qc.errors import ConfigError
from qc.types import Features, Transcript

Transcribe = Callable[[Path], Transcript]
FeaturesFn = Callable[[Transcript], Features]


@dataclass(frozen=True, slots=True)
class LabelledCall:
    name: str
    transcript: Transcript
    expected: frozenset[str]


@dataclass(slots=True)
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall}  # fmt: skip


@dataclass(slots=True)
class BacktestReport:
    calls: int = 0
    per_rule: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    per_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    unknown_labels: set[str] = field(default_factory=set)

    @property
    def micro(self) -> Tally:
        """tp/fp/fn summed over every category (micro-averaged precision and recall)."""
        return Tally(
            *(sum(getattr(t, k) for t in self.per_category.values()) for k in ("tp", "fp", "fn"))
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "micro": self.micro.as_dict(),
            "per_rule": {k: v.as_dict() for k, v in sorted(self.per_rule.items())},
            "per_category": {k: v.as_dict() for k, v in sorted(self.per_category.items())},
            "unknown_labels": sorted(self.unknown_labels),
        }


def _line_call(obj: Any, where: str, transcribe: Transcribe | None) -> LabelledCall:
    from qc.serialize import transcript_from_dict

    if not isinstance(obj, dict) or not isinstance(obj.get("expected"), list):
        raise ConfigError(f"{where}: each line needs an `expected` list and `call` or `transcript`")
    expected = frozenset(str(x) for x in obj["expected"])
    if isinstance(obj.get("transcript"), dict):
        transcript = transcript_from_dict(obj["transcript"])
        return LabelledCall(
            str(obj.get("name") or transcript.source or where), transcript, expected
        )
    if isinstance(obj.get("call"), str):
        if transcribe is None:
            raise ConfigError(f"{where}: `call` lines need transcription, which is not available")
        return LabelledCall(obj["call"], transcribe(Path(obj["call"])), expected)
    raise ConfigError(f"{where}: give `call` (a recording) or `transcript` (a stored transcript)")


def read_labels(path: Path, transcribe: Transcribe | None = None) -> list[LabelledCall]:
    """Read a JSONL label file; errors name the file and line."""
    calls = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}:{n}: invalid JSON: {err.msg}") from None
        calls.append(_line_call(obj, f"{path}:{n}", transcribe))
    return calls


def backtest(
    ruleset: RuleSet,
    calls: Iterable[LabelledCall],
    features: FeaturesFn,
    options: EvalOptions | None = None,
) -> BacktestReport:
    report = BacktestReport()
    rule_category = {r.id: r.spec.category for r in ruleset.rules}
    for call in calls:
        report.calls += 1
        card = evaluate(ruleset, call.transcript, features(call.transcript), options=options)
        hit_rules = {h.rule_id for h in card.hits}
        report.unknown_labels |= {
            x for x in call.expected if x not in CATEGORIES and x not in rule_category
        }
        expected_cats = {rule_category.get(x, x) for x in call.expected} & set(CATEGORIES)
        for category in sorted(expected_cats | {h.category for h in card.hits}):
            report.per_category[category].add(
                any(h.category == category for h in card.hits), category in expected_cats
            )
        for rule in ruleset.rules:
            if rule.spec.enabled:
                actual = rule.id in call.expected or rule.spec.category in expected_cats
                report.per_rule[rule.id].add(rule.id in hit_rules, actual)
    return report
