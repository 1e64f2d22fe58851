"""``excluding``: a condition evaluated as if the utterances where another matches were unsaid.

A quality 回访 asks "有没有人跟您说过包您能批下来？", a fraud warning says "谁让您转到个人卡上都别
信": the utterance quotes a violation to ask about it or to warn against it. ``where`` names such
utterances; the text operators inside ``of`` read them as empty, so evidence elsewhere in the call
still counts, and a branch that needs both a phrase and an absence (``all``) fails as a whole.
"""

from __future__ import annotations

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import ConditionData, Operator, OpParams
from qc.engine.outcome import Outcome


class ExcludingParams(OpParams):
    of: ConditionData = Field(description="the condition evaluated without those utterances")
    where: ConditionData = Field(
        description="utterances where this condition matches are left out of `of`"
    )


class Excluding(Operator):
    """``of``, with the utterances where ``where`` matches read as empty."""

    name = "excluding"
    params_model = ExcludingParams
    conditions = ("of", "where")

    def describe(self) -> str:
        return f"{self.child('of').describe()}（不含{self.child('where').describe()}）"

    def _without(self, ctx: EvalContext) -> EvalContext:
        found = self.child("where").evaluate(ctx).found
        positions = frozenset(ctx.position(f.utterance) for f in found) - {None}
        return ctx.hiding(positions) if positions else ctx  # type: ignore[arg-type]

    def evaluate(self, ctx: EvalContext) -> Outcome:
        return self.child("of").evaluate(self._without(ctx))

    def region(self, ctx: EvalContext) -> list[int]:
        return self.child("of").region(self._without(ctx))
