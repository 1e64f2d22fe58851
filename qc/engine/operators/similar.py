"""``similar``: utterances that resemble example sentences (character n-grams or jieba words).

No downloaded model: a set cosine (or Jaccard) between the utterance's features and each
example's, computed at load for the examples and once per call and utterance for the text.
"""

from __future__ import annotations

import logging
import math
import warnings
from functools import lru_cache
from types import ModuleType
from typing import Literal, cast

from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import MAX_FOUND, Operator, ScopeParams
from qc.engine.outcome import NO_MATCH, Outcome
from qc.engine.views import compact
from qc.text.normalize import normalize

Method = Literal["char_ngram", "jieba"]


class SimilarParams(ScopeParams):
    examples: list[str] = Field(min_length=1, description="example sentences")
    threshold: float = Field(
        default=0.6, ge=0.0, le=1.0, description="minimum similarity to an example"
    )
    method: Method = Field(
        default="char_ngram", description="char_ngram (n-gram sets) or jieba (word sets)"
    )
    measure: Literal["cosine", "jaccard"] = Field(
        default="cosine", description="set similarity measure"
    )
    n: int = Field(default=2, ge=1, le=4, description="n-gram size for char_ngram")


@lru_cache(maxsize=1)
def _jieba() -> ModuleType:
    """jieba, loaded once (its dictionary takes about a second; it warns about pkg_resources)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return cast(ModuleType, jieba)


def features(text: str, method: str, n: int) -> frozenset[str]:
    """The feature set of a compact text."""
    if method == "jieba":
        return frozenset(_jieba().lcut(text))
    if len(text) < n:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[k : k + n] for k in range(len(text) - n + 1))


def similarity(a: frozenset[str], b: frozenset[str], measure: str) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    if measure == "jaccard":
        return common / (len(a) + len(b) - common)
    return common / math.sqrt(len(a) * len(b))


class Similar(Operator):
    """Utterances similar to examples."""

    name = "similar"
    params_model = SimilarParams

    def __init__(self, params: SimilarParams, children: dict[str, object]) -> None:
        super().__init__(params, {})
        self.p = params
        if params.method == "jieba":
            _jieba()  # at load rather than on the first call
        self.examples = [
            (ex, features(compact(normalize(ex)), params.method, params.n))
            for ex in params.examples
        ]

    def describe(self) -> str:
        return f"近似「{self.p.examples[0]}」"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        p = self.p
        idx = ctx.role_indices(p.role)
        found = []
        for pos in ctx.span(p.scope):
            i = idx[pos]
            key = ("similar", p.method, p.n, i)
            feats = ctx.cached(key, lambda i=i: features(ctx.view("text", i), p.method, p.n))
            score, example = max((similarity(feats, f, p.measure), ex) for ex, f in self.examples)
            if score >= p.threshold:
                found.append(
                    ctx.found(i, matched=example, value=round(score, 3), threshold=p.threshold)
                )
                if len(found) >= MAX_FOUND:
                    break
        return Outcome(True, tuple(found)) if found else NO_MATCH
