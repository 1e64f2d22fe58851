"""``phrase``: listed words or phrases in the scoped utterances, optionally by pinyin.

Matching runs on the compact view (no punctuation or spaces): 工号，三六九二 matches 工号三六九二.
``fuzzy: pinyin`` compares toneless pinyin, which absorbs the exact-homophone ASR errors that make
most domain errors (克服/客服, 于七/逾期, 做牢/坐牢; DESIGN.md).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from qc.engine.context import EvalContext, Joined
from qc.engine.operators.base import MAX_FOUND, Operator, ParamError, ScopeParams
from qc.engine.outcome import NO_MATCH, Found, Outcome
from qc.engine.views import compact, pinyin
from qc.text.normalize import normalize

NEGATORS = frozenset("不没别未无")


class PhraseParams(ScopeParams):
    any: list[str] | None = Field(
        default=None, min_length=1, description="hit when any (or `min`) of these occur"
    )
    all: list[str] | None = Field(
        default=None, min_length=1, description="hit when all of these occur in the scope"
    )
    min: int | None = Field(
        default=None, ge=1, description="with `any`: at least N different phrases"
    )
    synonyms: dict[str, list[str]] = Field(
        default_factory=dict, description="phrase → alternative wordings that count as it"
    )
    fuzzy: Literal["pinyin"] | None = Field(
        default=None, description="pinyin: match homophones too"
    )
    max_mismatch: int = Field(
        default=0, ge=0, le=1, description="pinyin syllables allowed to differ (phrases ≥3 chars)"
    )
    exclude: list[str] = Field(
        default_factory=list, description="phrases that cancel a match in the same utterance"
    )
    negated: Literal["skip", "ignore"] = Field(
        default="skip",
        description="skip: a match preceded by 不/没/别/未/无 within 2 chars does not count",
    )
    view: Literal["text", "digits"] = Field(
        default="text", description="text, or digits (spoken numerals as digits)"
    )

    @model_validator(mode="after")
    def _check(self) -> PhraseParams:
        if (self.any is None) == (self.all is None):
            raise ValueError("give exactly one of any/all")
        if self.min is not None and (self.any is None or self.min > len(self.any)):
            raise ValueError("min needs `any` and at most as many phrases as listed")
        if self.fuzzy and self.view != "text":
            raise ValueError("fuzzy: pinyin works on view: text only")
        if self.max_mismatch and not self.fuzzy:
            raise ValueError("max_mismatch needs fuzzy: pinyin")
        unknown = set(self.synonyms) - set(self.any or self.all or [])
        if unknown:
            raise ValueError(f"synonyms for unlisted phrases: {', '.join(sorted(unknown))}")
        return self


def _clean(phrase: str, field: str) -> str:
    out = compact(normalize(phrase))
    if not out:
        raise ParamError(field, f"phrase {phrase!r} is empty once punctuation is removed")
    return out


def _alternation(variants: list[str]) -> str:
    return "|".join(re.escape(v) for v in sorted(set(variants), key=len, reverse=True))


class Phrase(Operator):
    """Words or phrases said in the scope."""

    name = "phrase"
    params_model = PhraseParams

    def __init__(self, params: PhraseParams, children: dict[str, object]) -> None:
        super().__init__(params, {})
        self.p = params
        self.terms = params.any or params.all or []
        self.canon: dict[str, str] = {}  # variant in the matching view → its term
        field = "all" if params.all else "any"
        for term in self.terms:
            for variant in (term, *params.synonyms.get(term, [])):
                self.canon[_clean(variant, "synonyms" if variant != term else field)] = term
        self.spelled = set(self.canon)  # the variants as written (text view)
        self.view: str = params.view
        if params.fuzzy:
            self.view = "pinyin"
            self.canon = {pinyin(v): t for v, t in self.canon.items()}
        self.pattern = re.compile(self._alternatives())
        self.exclude_re = (
            re.compile(_alternation([_clean(x, "exclude") for x in params.exclude]))
            if params.exclude
            else None
        )
        self.need = len(self.terms) if params.all else (params.min or 1)

    def _alternatives(self) -> str:
        """Literal variants; with ``max_mismatch: 1`` also each with one syllable wildcarded."""
        alts = [re.escape(v) for v in self.canon]
        if self.p.max_mismatch:
            for v in (v for v in self.canon if len(v) >= 3):
                alts += [re.escape(v[:k]) + "." + re.escape(v[k + 1 :]) for k in range(len(v))]
        return "|".join(sorted(set(alts), key=len, reverse=True))

    def _term(self, said: str) -> str:
        if said in self.canon:
            return self.canon[said]
        # A one-syllable mismatch: the variant of the same length differing in one place.
        return next(
            t
            for v, t in self.canon.items()
            if len(v) == len(said) and sum(a != b for a, b in zip(v, said, strict=True)) <= 1
        )

    def describe(self) -> str:
        joiner = "+" if self.p.all else "/"
        return f"「{joiner.join(self.terms[:5])}{'…' if len(self.terms) > 5 else ''}」"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        rng = ctx.span(self.p.scope)
        if not rng:
            return NO_MATCH
        found: dict[tuple[int, str], Found] = {}
        excluded: dict[int, bool] = {}
        for i, char, said in self._hits(ctx, rng):
            term = self._term(said)
            if (i, term) in found or self._negated(ctx, i, char):
                continue
            if self.exclude_re is not None:
                if i not in excluded:
                    excluded[i] = bool(self.exclude_re.search(ctx.view(self.p.view, i)))
                if excluded[i]:
                    continue
            found[(i, term)] = self._found(ctx, i, char, len(said), term)
        if len({term for _, term in found}) < self.need:
            return NO_MATCH
        return Outcome(True, tuple(found.values())[:MAX_FOUND])

    def _hits(self, ctx: EvalContext, rng: range) -> list[tuple[int, int, str]]:
        """(utterance, char, matched string) for every match in the scope, overlaps included.

        Literal alternations run on the stdlib ``re`` (3× faster than ``regex`` here, and these
        patterns cannot backtrack); restarting one character after each match finds overlaps.
        """
        jt: Joined = ctx.joined(self.view, self.p.role)
        pos, end = jt.bounds(rng.start, rng.stop)
        out = []
        search = self.pattern.search
        while (m := search(jt.text, pos, end)) is not None:
            p = jt.position(m.start())
            out.append((jt.indices[p], m.start() - jt.starts[p], m.group()))
            pos = m.start() + 1
        return out

    def _negated(self, ctx: EvalContext, i: int, char: int) -> bool:
        if self.p.negated != "skip" or char == 0:
            return False
        before = ctx.view(self.p.view, i)[max(0, char - 2) : char]
        return any(ch in NEGATORS for ch in before)

    def _found(self, ctx: EvalContext, i: int, char: int, length: int, term: str) -> Found:
        said = ctx.view(self.p.view, i)[char : char + length]
        note = f"拼音近似：{said}→{term}" if self.p.fuzzy and said not in self.spelled else ""
        return ctx.found(i, char=char, length=length, view=self.p.view, matched=term, note=note)
