"""``repetition``: the same (or nearly the same) utterance said again and again.

Greedy clustering by character-bigram cosine; an agent reading the same script line for the
third time is usually a sign of impatience or a stuck conversation.
"""

from __future__ import annotations

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import MAX_FOUND, Operator, ScopeParams
from qc.engine.operators.similar import features, similarity
from qc.engine.outcome import NO_MATCH, Found, Outcome


class RepetitionParams(ScopeParams):
    min_repeats: int = Field(
        default=3, ge=2, description="hit when one utterance is said at least N times"
    )
    threshold: float = Field(
        default=0.8, gt=0.0, le=1.0, description="bigram cosine that counts as the same"
    )
    min_chars: int = Field(
        default=4, ge=1, description="ignore shorter utterances (嗯, 好的, 对对)"
    )


class Repetition(Operator):
    """Repeated utterances by one role."""

    name = "repetition"
    params_model = RepetitionParams

    def describe(self) -> str:
        return f"重复 ≥{self.params.min_repeats} 次"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        p = self.params
        idx = ctx.role_indices(p.role)
        clusters: list[tuple[frozenset[str], list[int]]] = []
        for pos in ctx.span(p.scope):
            text = ctx.view("text", idx[pos])
            if len(text) < p.min_chars:
                continue
            feats = features(text, "char_ngram", 2)
            home = next(
                (c for c in clusters if similarity(c[0], feats, "cosine") >= p.threshold), None
            )
            if home is None:
                clusters.append((feats, [idx[pos]]))
            else:
                home[1].append(idx[pos])
        found: list[Found] = []
        for _, members in clusters:
            if len(members) >= p.min_repeats:
                first = ctx.view("text", members[0])
                for i in members:
                    found.append(
                        ctx.found(
                            i,
                            matched=first,
                            value=len(members),
                            threshold=p.min_repeats,
                            note=f"重复 {len(members)} 次",
                        )
                    )
        return Outcome(True, tuple(found[:MAX_FOUND])) if found else NO_MATCH
