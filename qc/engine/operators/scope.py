"""``scope``: evaluate a condition only inside a window of the call (first/last N utterances or
seconds of a role). Restricts the text operators inside it; metrics stay whole-call."""

from __future__ import annotations

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import ConditionData, Operator, RoleName, ScopeParams
from qc.engine.outcome import Outcome


class ScopeOpParams(ScopeParams):
    of: ConditionData = Field(description="the condition evaluated inside the window")
    role: RoleName = Field(
        default="any", description="whose utterances define the window (default any)"
    )


class Scope(Operator):
    """A condition inside a window of the call."""

    name = "scope"
    params_model = ScopeOpParams
    conditions = ("of",)

    def describe(self) -> str:
        return self.child("of").describe()

    def _window(self, ctx: EvalContext) -> EvalContext:
        idx = ctx.role_indices(self.params.role)
        rng = ctx.span(self.params.scope)
        if not rng:
            return ctx.restricted(0, 0)
        return ctx.restricted(idx[rng.start], idx[rng.stop - 1] + 1)

    def evaluate(self, ctx: EvalContext) -> Outcome:
        return self.child("of").evaluate(self._window(ctx))

    def roles(self) -> frozenset[str]:
        return self.child("of").roles()

    def region(self, ctx: EvalContext) -> list[int]:
        return self.child("of").region(self._window(ctx))
