"""``entity``: typed spans from ``Features.entities`` (card, ID and phone numbers…; PII issue).

Evidence never carries the value: the quote masks the span but its last four characters.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from qc.engine.context import QUOTE_CHARS, EvalContext
from qc.engine.operators.base import MAX_FOUND, Operator, ScopeParams
from qc.engine.outcome import NO_MATCH, Found, Outcome
from qc.types import Entity as EntitySpan
from qc.types import Evidence


class EntityParams(ScopeParams):
    kind: list[str] = Field(
        min_length=1,
        description="entity kind(s): card_number, id_number, phone_number, sms_code, …",
    )
    min_confidence: float = Field(
        default=0.0, ge=0.0, le=1.0, description="minimum detector confidence"
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


def masked_quote(text: str, span: EntitySpan) -> str:
    start, end = max(0, span.start_char), min(len(text), span.end_char)
    keep = max(start, end - 4)
    text = text[:start] + "*" * (keep - start) + text[keep:]
    lo = max(0, min(start - QUOTE_CHARS // 3, len(text) - QUOTE_CHARS))
    return text[lo : lo + QUOTE_CHARS]


class Entity(Operator):
    """Entities of the given kinds said in the scope."""

    name = "entity"
    params_model = EntityParams

    def describe(self) -> str:
        return "/".join(self.params.kind)

    def evaluate(self, ctx: EvalContext) -> Outcome:
        p = self.params
        idx = ctx.role_indices(p.role)
        allowed = {idx[pos] for pos in ctx.span(p.scope)}
        found: list[Found] = []
        for span in ctx.features.entities:
            pos = ctx.position(span.utterance)
            if pos not in allowed or span.kind not in p.kind or span.confidence < p.min_confidence:
                continue
            utt = ctx.utterances[pos]
            ev = Evidence(
                utt.index,
                utt.start_s,
                utt.end_s,
                masked_quote(utt.text, span),
                matched=span.kind,
                value=round(span.confidence, 3),
            )
            found.append(Found(ev, span.start_char, utt.confidence))
        return Outcome(True, tuple(found[:MAX_FOUND])) if found else NO_MATCH
