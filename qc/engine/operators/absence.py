"""``absence``: hits when the inner condition finds nothing in its scope.

Never decided on a channel without speech: a silent or dropped channel would otherwise look like
an agent who never greeted (RELIABILITY B6). Such a rule is not scored and the call needs review.
"""

from __future__ import annotations

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import ConditionData, Node, Operator, OpParams, RoleName
from qc.engine.outcome import NO_MATCH, Found, Outcome, undecided
from qc.types import Evidence

ROLE_NAMES = {"agent": "坐席", "customer": "客户", "any": "通话"}


class AbsenceParams(OpParams):
    of: ConditionData = Field(description="the condition that should have matched")
    role: RoleName | None = Field(
        default=None,
        description="whose speech the absence needs; default: the roles the condition reads",
    )


def has_speech(ctx: EvalContext, role: str) -> bool:
    if role == "any":
        return any(ctx.transcript.has_speech(r) for r in ("agent", "customer", "unknown"))
    return ctx.transcript.has_speech(role)  # type: ignore[arg-type]


class Absence(Operator):
    """Something that should have been said was not."""

    name = "absence"
    params_model = AbsenceParams
    conditions = ("of",)

    def __init__(self, params: AbsenceParams, children: dict[str, Node]) -> None:
        super().__init__(params, children)
        inner = children["of"].roles()
        self.need = sorted({params.role} if params.role else (inner or {"any"}))

    def describe(self) -> str:
        return f"缺少{self.child('of').describe()}"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        inner = self.child("of")
        silent = [r for r in self.need if not has_speech(ctx, r)]
        if silent:
            names = "、".join(ROLE_NAMES.get(r, r) for r in silent)
            return Outcome(False, unscored=(f"{names}声道无语音，缺失类规则未评分",))
        out = inner.evaluate(ctx)
        if not out.decided:
            return undecided([out])
        if out.matched:
            return NO_MATCH
        return Outcome(True, (self._evidence(ctx, inner.region(ctx), inner.describe()),))

    @staticmethod
    def _evidence(ctx: EvalContext, region: list[int], what: str) -> Found:
        """The scope that was searched; its ASR confidence decides whether the hit is trusted."""
        note = f"未出现：{what}"
        if not region:
            return Found(Evidence(None, 0.0, ctx.duration_s(), "", note=note))
        utts = [ctx.utterances[i] for i in region]
        conf = sum(u.confidence for u in utts) / len(utts)
        ev = Evidence(
            utts[0].index, utts[0].start_s, utts[-1].end_s, ctx.quote(region[0]), note=note
        )
        return Found(ev, 0, conf)
