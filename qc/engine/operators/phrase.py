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
from qc.engine.literals import LiteralIndex, alternation
from qc.engine.operators.base import MAX_FOUND, ParamError, ScopeParams, SearchOperator
from qc.engine.outcome import NO_MATCH, Found, Outcome
from qc.engine.views import compact, pinyin
from qc.text.normalize import normalize

NEGATORS = frozenset("不没别未无")
#: Words that hold a negator character without negating what follows: 特别焦虑 is not "别 焦虑",
#: 不过/不管/不然 are conjunctions (再不还不然就坐牢 is a threat), 不错/没错/没问题 affirm, and
#: 不还/不接/不交 negate their own verb, not the clause after it (今天不还后果自负 is a threat).
#: A word counts only when it ends at or before the match, so 不过分 still negates 过分.
NON_NEGATING = frozenset(
    [
        "特别",
        "区别",
        "分别",
        "个别",
        "级别",
        "类别",
        "性别",
        "识别",
        "差别",
        "辨别",
        "鉴别",
        "派别",
        "告别",
        "离别",
        "送别",
        "道别",
        "诀别",
        "惜别",
        "辞别",
        "判别",
        "甄别",
        "有别",
        "别人",
        "别的",
        "别处",
        "别家",
        "别墅",
        "别名",
        "别称",
        "别致",
        "不错",
        "不过",
        "不少",
        "不久",
        "不断",
        "不仅",
        "不但",
        "不管",
        "不论",
        "不然",
        "要不",
        "对不起",
        "了不起",
        "差不多",
        "不好意思",
        "不客气",
        "不止",
        "没错",
        "没事",
        "没问题",
        "无论",
        "无疑",
        "无比",
        "未来",
        "不还",
        "不接",
        "不交",
    ]
)
_NON_NEGATING_BY_CHAR: dict[str, tuple[tuple[str, int], ...]] = {
    ch: tuple((w, w.index(ch)) for w in sorted(NON_NEGATING, key=len, reverse=True) if ch in w)
    for ch in NEGATORS
}
NEGATION_WINDOW = 2
#: Characters of spoken numbers. A fuzzy match that reads a run of two or more of them where its
#: phrase has other characters heard a number, not a homophone error: 我都七十了 is not 气死了,
#: while 于七 is still 逾期. Narrower than the digits view's numerals: 点, 洞, 拐 and 叉 are
#: words here.
_NUMBER_RUN = re.compile("[零〇一二两三四五六七八九十百千万亿幺0-9]{2,}")


def negated_at(text: str, char: int, window: int = NEGATION_WINDOW) -> bool:
    """Whether a match starting at ``char`` of ``text`` is preceded by a negation.

    A negator (不/没/别/未/无) within ``window`` characters before the match counts, unless it is
    part of a non-negating word (:data:`NON_NEGATING`) that lies wholly before the match.
    """
    for k in range(max(0, char - window), char):
        ch = text[k]
        if ch not in NEGATORS:
            continue
        inside_word = any(
            k - j >= 0 and k - j + len(w) <= char and text.startswith(w, k - j)
            for w, j in _NON_NEGATING_BY_CHAR[ch]
        )
        if not inside_word:
            return True
    return False


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
        description=(
            "skip: a match preceded by 不/没/别/未/无 within 2 chars does not count "
            "(word-aware: 特别/不过/不错… do not negate)"
        ),
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


class Phrase(SearchOperator):
    """Words or phrases said in the scope."""

    name = "phrase"
    params_model = PhraseParams

    def __init__(self, params: PhraseParams, children: dict[str, object]) -> None:
        super().__init__(params, {})
        self.p = params
        self.terms = params.any or params.all or []
        listed = "all" if params.all else "any"
        variants = [  # (in the text view, as written, its term, the field it is listed in)
            (_clean(variant, field), variant, term, field)
            for term in self.terms
            for variant, field in (
                (term, listed),
                *((synonym, "synonyms") for synonym in params.synonyms.get(term, [])),
            )
        ]
        self.spelled = {clean for clean, *_ in variants}  # the variants as written
        self.view: str = "pinyin" if params.fuzzy else params.view
        key = pinyin if params.fuzzy else str
        self.canon: dict[str, str] = {}  # variant in the matching view → its term
        self.written: dict[str, str] = {}  # variant in the matching view → as written
        for clean, variant, term, field in variants:
            if key(clean) in self.written:
                how = "read as pinyin" if params.fuzzy else "normalised"
                raise ParamError(
                    field,
                    f"{variant} is the same phrase as {self.written[key(clean)]} once {how}",
                    "list it once: fuzzy matching reads 您 as 你, and 著 is normalised to 着",
                )
            self.canon[key(clean)], self.written[key(clean)] = term, clean
        # Literal variants are found by the index shared with the rule set's other operators;
        # one-syllable wildcards (max_mismatch) need a pattern.
        self.share(LiteralIndex())
        self.wildcards = re.compile(self._wildcards()) if params.max_mismatch else None
        # Exclusions are matched in the same view as the phrases: homophones too when fuzzy
        # (ASR's 东部动旧 still cancels like 动不动就).
        excludes = [_clean(x, "exclude") for x in params.exclude]
        if params.fuzzy:
            excludes = [pinyin(x) for x in excludes]
        # An exclusion inside a phrase cancels that phrase wherever it is said (别担心 in 特别担心).
        dead = sorted({v for v in self.canon for x in excludes if x in v})
        if dead:
            raise ParamError(
                "exclude",
                f"an exclusion is part of {', '.join(dead)}, so they can never match",
                "exclude the longer negated form instead (您别担心, 先别担心)",
            )
        self.exclude_re = re.compile(alternation(excludes)) if excludes else None
        self.need = len(self.terms) if params.all else (params.min or 1)

    def share(self, literals: LiteralIndex) -> None:
        self.index, self.slot = literals, literals.add(self.canon, self.view)

    def _wildcards(self) -> str:
        """Each variant, and each of 3 or more characters with one syllable wildcarded."""
        alts = [re.escape(v) for v in self.canon]
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

    def search(self, ctx: EvalContext) -> Outcome:
        rng = ctx.span(self.p.scope)
        if not rng:
            return NO_MATCH
        found: dict[tuple[int, str], Found] = {}
        excluded: dict[int, bool] = {}
        for i, char, said in self._hits(ctx, rng):
            term = self._term(said)
            if (
                (i, term) in found
                or self._negated(ctx, i, char)
                or self._number(ctx, i, char, said)
            ):
                continue
            if self.exclude_re is not None:
                if i not in excluded:
                    excluded[i] = bool(self.exclude_re.search(ctx.view(self.view, i)))
                if excluded[i]:
                    continue
            found[(i, term)] = self._found(ctx, i, char, len(said), term)
        if len({term for _, term in found}) < self.need:
            return NO_MATCH
        return Outcome(True, tuple(found.values())[:MAX_FOUND])

    def _hits(self, ctx: EvalContext, rng: range) -> list[tuple[int, int, str]]:
        """(utterance, char, matched string) for every place in the scope where a variant
        starts, the longest variant there; overlapping places are all kept."""
        jt: Joined = ctx.joined(self.view, self.p.role)
        longest: dict[int, tuple[int, str]] = {}  # start → (position, longest variant there)
        if self.wildcards is None:
            for p, s, variant in ctx.occurrences(self.index, self.slot, self.view, self.p.role):
                if p in rng and len(variant) > len(longest.get(s, (0, ""))[1]):
                    longest[s] = (p, variant)
        else:  # restarting one character after each match finds overlaps
            pos, end = jt.bounds(rng.start, rng.stop)
            while (m := self.wildcards.search(jt.text, pos, end)) is not None:
                longest[m.start()] = (jt.position(m.start()), m.group())
                pos = m.start() + 1
        return [(jt.indices[p], s - jt.starts[p], said) for s, (p, said) in sorted(longest.items())]

    def _negated(self, ctx: EvalContext, i: int, char: int) -> bool:
        if self.p.negated != "skip" or char == 0:
            return False
        # The pinyin view maps 没/别/未/无 to other characters of the same sound; its offsets are
        # those of the text view, so read the negators there.
        view = "text" if self.view == "pinyin" else self.p.view
        return negated_at(ctx.view(view, i), char)

    def _number(self, ctx: EvalContext, i: int, char: int, said: str) -> bool:
        """A fuzzy match that reads part of a spoken number where its phrase has words."""
        if not self.p.fuzzy:
            return False
        text, written = ctx.view("text", i), self.written.get(said, "")
        return any(
            m.start() < char + len(said) and m.end() > char and not set(m.group()) <= set(written)
            for m in _NUMBER_RUN.finditer(text)
        )

    def _found(self, ctx: EvalContext, i: int, char: int, length: int, term: str) -> Found:
        said = ctx.view(self.p.view, i)[char : char + length]
        note = f"拼音近似：{said}→{term}" if self.p.fuzzy and said not in self.spelled else ""
        return ctx.found(i, char=char, length=length, view=self.p.view, matched=term, note=note)
