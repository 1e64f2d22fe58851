"""``empathy_gap``: the customer shows a negative emotion and the agent does not acknowledge it.

Reads ``Features.call_sentiment.empathy_gaps`` (qc.sentiment's call analysis) when present; else
derives gaps from per-utterance sentiment: a negative customer utterance whose next
``within_turns`` agent utterances contain no empathetic one. Without either it cannot fire.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import MAX_FOUND, Operator, OpParams
from qc.engine.operators.sentiment import NO_SENTIMENT
from qc.engine.outcome import NO_MATCH, Outcome

Gap = tuple[int, tuple[int, ...]]  # customer utterance index, agent utterance indices


class EmpathyGapParams(OpParams):
    within_turns: int = Field(
        default=2, ge=1, description="agent utterances after the customer's to look at"
    )
    min_score: float = Field(
        default=0.5, ge=0.0, le=1.0, description="minimum negative score (derived gaps)"
    )


def _ints(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, int):
        return (value,)
    return tuple(int(v) for v in value) if isinstance(value, Iterable) else ()


def parse_gap(gap: Any) -> Gap | None:
    """Accept ``(customer, agent|agents)`` tuples or objects with customer/agent attributes."""
    if isinstance(gap, tuple | list) and gap:
        return int(gap[0]), _ints(gap[1] if len(gap) > 1 else None)
    for c_name in ("customer", "customer_utterance", "customer_index", "utterance"):
        if isinstance(getattr(gap, c_name, None), int):
            agents = next(
                (
                    getattr(gap, a)
                    for a in ("agent", "agent_utterances", "agent_utterance", "agents")
                    if hasattr(gap, a)
                ),
                None,
            )
            return getattr(gap, c_name), _ints(agents)
    return None


class EmpathyGap(Operator):
    """Customer emotion not acknowledged by the agent."""

    name = "empathy_gap"
    params_model = EmpathyGapParams

    def describe(self) -> str:
        return "客户情绪未被安抚"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        gaps = self._gaps(ctx)
        if gaps is None:
            return Outcome(False, missing=(NO_SENTIMENT,))
        found = []
        for customer, agents in gaps[:MAX_FOUND]:
            pos = ctx.position(customer)
            if pos is None:
                continue
            replies = "、".join(f"#{a}" for a in agents)
            note = "客户表达负面情绪，坐席未回应" + (f"（坐席 {replies}）" if replies else "")
            found.append(ctx.found(pos, matched="empathy_gap", note=note))
        return Outcome(True, tuple(found)) if found else NO_MATCH

    def _gaps(self, ctx: EvalContext) -> list[Gap] | None:
        call = ctx.features.call_sentiment
        given = getattr(call, "empathy_gaps", None) if call is not None else None
        if given is not None:
            return [g for g in map(parse_gap, given) if g is not None]
        values = ctx.sentiments()
        if values is None:
            return None
        agents = ctx.role_indices("agent")
        gaps = []
        for i in ctx.role_indices("customer"):
            s = values[i]
            if s.label != "negative" or s.score < self.params.min_score:
                continue
            after = [a for a in agents if a > i][: self.params.within_turns]
            if after and not any(values[a].label == "empathetic" for a in after):
                gaps.append(
                    (ctx.utterances[i].index, tuple(ctx.utterances[a].index for a in after))
                )
        return gaps
