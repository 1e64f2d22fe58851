"""``count``: the inner condition matched in at least ``min`` different utterances."""

from __future__ import annotations

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import ConditionData, Operator, OpParams
from qc.engine.operators.before import with_note
from qc.engine.outcome import NO_MATCH, Outcome, undecided


class CountParams(OpParams):
    of: ConditionData = Field(description="the condition to count")
    min: int = Field(ge=1, description="hit when it matched in at least N utterances (or items)")


class Count(Operator):
    """How often something happened."""

    name = "count"
    params_model = CountParams
    conditions = ("of",)

    def describe(self) -> str:
        return f"{self.child('of').describe()} ≥{self.params.min}次"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        out = self.child("of").evaluate(ctx)
        if not out.matched:
            return NO_MATCH if out.decided else undecided([out])
        units = {
            f.utterance if f.utterance is not None else ("item", k) for k, f in enumerate(out.found)
        }
        if len(units) < self.params.min:
            return NO_MATCH
        first = with_note(out.found[0], f"共 {len(units)} 次（≥{self.params.min}）")
        return Outcome(True, (first, *out.found[1:]))
