"""``sentiment``: per-utterance sentiment labels from ``Features.sentiment`` (qc.sentiment).

Without sentiment features the condition cannot fire; the rule is recorded as not evaluated.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import MAX_FOUND, Operator, OpParams, RoleName, ScopeParams
from qc.engine.outcome import NO_MATCH, Outcome

NO_SENTIMENT = "无情感特征（qc.sentiment 未运行）"


class SentimentParams(ScopeParams):
    role: RoleName = Field(
        default="customer", description="whose utterances: customer (default), agent or any"
    )
    label: Literal["negative", "positive", "neutral", "empathetic", "rude"] = Field(
        description="customer: negative/neutral/positive; agent: empathetic/neutral/rude"
    )
    min_score: float = Field(
        default=0.5, ge=0.0, le=1.0, description="minimum probability of the label"
    )
    min_count: int = Field(default=1, ge=1, description="at least N such utterances")
    min_share: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="and at least this share of the role's utterances in scope (a long call "
        "has more chances of three stray high scores)",
    )


class Sentiment(Operator):
    """Utterances with a sentiment label."""

    name = "sentiment"
    params_model: ClassVar[type[OpParams]] = SentimentParams

    def describe(self) -> str:
        return f"{self.params.role}:{self.params.label}"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        values = ctx.sentiments()
        if values is None:
            return Outcome(False, missing=(NO_SENTIMENT,))
        p = self.params
        idx = ctx.role_indices(p.role)
        found = []
        span = ctx.span(p.scope)
        for pos in span:
            s = values[idx[pos]]
            if s.label == p.label and s.score >= p.min_score:
                note = f"线索：{'、'.join(s.cues)}" if s.cues else ""
                found.append(
                    ctx.found(
                        idx[pos],
                        matched=s.label,
                        value=round(s.score, 3),
                        threshold=p.min_score,
                        note=note,
                    )
                )
        if len(found) < p.min_count or len(found) < p.min_share * len(span):
            return NO_MATCH
        return Outcome(True, tuple(found[:MAX_FOUND]))
