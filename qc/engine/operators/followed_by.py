"""``followed_by``: what follows each match of ``target`` within a window of turns or seconds.

With ``negate: true`` (the default) it hits on each target match NOT followed by ``required``:
a customer complaint without an apology within two turns, a hold without thanks afterwards.
"""

from __future__ import annotations

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import ConditionData, Operator, OpParams
from qc.engine.operators.before import turns_apart, with_note
from qc.engine.outcome import NO_MATCH, Found, Outcome, undecided


class FollowedByParams(OpParams):
    target: ConditionData = Field(description="the condition whose matches are checked")
    required: ConditionData = Field(description="what should follow each target match")
    within_turns: int | None = Field(default=None, ge=1, description="at most N utterances later")
    within_s: float | None = Field(
        default=None, gt=0, description="starting at most S seconds after the target ends"
    )
    negate: bool = Field(
        default=True, description="true: hit when NOT followed; false: hit when followed"
    )


class FollowedBy(Operator):
    """Target matches (not) followed by the required condition."""

    name = "followed_by"
    params_model = FollowedByParams
    conditions = ("target", "required")

    def describe(self) -> str:
        return f"{self.child('target').describe()}之后{self.child('required').describe()}"

    def _follows(self, t: Found, r: Found) -> bool:
        p = self.params
        if r.order <= t.order:
            return False
        if p.within_turns is not None and (turns_apart(t, r) or 0) > p.within_turns:
            return False
        return p.within_s is None or r.evidence.start_s - t.evidence.end_s <= p.within_s

    def evaluate(self, ctx: EvalContext) -> Outcome:
        target = self.child("target").evaluate(ctx)
        if not target.matched:
            return NO_MATCH if target.decided else undecided([target])
        required = self.child("required").evaluate(ctx)
        if not required.matched and not required.decided:
            return undecided([required])
        what = self.child("required").describe()
        out: list[Found] = []
        for t in target.found:
            follower = next((r for r in required.found if self._follows(t, r)), None)
            if self.params.negate and follower is None:
                out.append(with_note(t, f"之后未出现：{what}"))
            elif not self.params.negate and follower is not None:
                out += [t, follower]
        return Outcome(True, tuple(out)) if out else NO_MATCH
