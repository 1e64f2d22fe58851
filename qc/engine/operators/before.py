"""``before``: each match of ``target`` that is NOT preceded by a match of ``required``.

Example: a balance read out before the caller's identity was verified (identity_verification).
"""

from __future__ import annotations

import dataclasses

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import ConditionData, Operator, OpParams
from qc.engine.outcome import NO_MATCH, Found, Outcome, undecided


class BeforeParams(OpParams):
    target: ConditionData = Field(description="the condition whose matches are checked")
    required: ConditionData = Field(description="what must have happened before each target match")
    within_turns: int | None = Field(
        default=None,
        ge=1,
        description="required must be at most N utterances earlier (default: anywhere before)",
    )
    min_turns: int = Field(
        default=0,
        ge=0,
        description="required must be at least N utterances earlier (1: not in the same one, "
        "e.g. a verification question the customer has not answered yet)",
    )


def turns_apart(first: Found, second: Found) -> int | None:
    """Utterances from ``first`` to ``second`` (None when one has no utterance)."""
    if first.utterance is None or second.utterance is None:
        return None
    return second.utterance - first.utterance


def with_note(found: Found, note: str) -> Found:
    ev = found.evidence
    joined = f"{ev.note}；{note}" if ev.note else note
    return dataclasses.replace(found, evidence=dataclasses.replace(ev, note=joined))


class Before(Operator):
    """Target matches without the required step before them."""

    name = "before"
    params_model = BeforeParams
    conditions = ("target", "required")

    def describe(self) -> str:
        return f"{self.child('target').describe()}之前缺少{self.child('required').describe()}"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        target = self.child("target").evaluate(ctx)
        if not target.matched:
            return NO_MATCH if target.decided else undecided([target])
        required = self.child("required").evaluate(ctx)
        if not required.matched and not required.decided:
            return undecided([required])
        note = f"此前未出现：{self.child('required').describe()}"
        bad = [
            with_note(t, note)
            for t in target.found
            if not any(self._precedes(r, t) for r in required.found)
        ]
        return Outcome(True, tuple(bad)) if bad else NO_MATCH

    def _precedes(self, required: Found, target: Found) -> bool:
        if required.order >= target.order:
            return False
        apart = turns_apart(required, target) or 0
        limit = self.params.within_turns
        return apart >= self.params.min_turns and (limit is None or apart <= limit)
