"""``regex``: a regular expression on the scoped utterances, with a time limit.

Uses the ``regex`` module because it takes ``timeout=``: user-written patterns such as
``(嗯|嗯嗯)+$`` backtrack for seconds on a looped transcript (RELIABILITY B8). A timeout raises
``RuleTimeout``; the evaluator marks the rule errored and routes the call to review.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import regex
from pydantic import Field

from qc.engine.backtracking import steps
from qc.engine.context import EvalContext, Joined
from qc.engine.literals import (
    Branch,
    LiteralIndex,
    branches,
    first_chars,
    lookbehinds_last,
    names_upper_case,
    rejoined,
    requirement,
    uncaptured,
)
from qc.engine.operators.base import (
    MAX_FOUND,
    Node,
    ParamError,
    RuleTimeout,
    ScopeParams,
    SearchOperator,
)
from qc.engine.outcome import NO_MATCH, Found, Outcome
from qc.engine.schema import PIECE_NAME
from qc.engine.views import SEP

if TYPE_CHECKING:
    from qc.engine.conditions import Compiler
    from qc.engine.problems import Path

#: the most alternative subsets one pattern compiles; past it, utterances get the whole pattern
MAX_SUBSETS = 256
_LONG_DIGITS = regex.compile(r"\d{6,}")
_PIECE = regex.compile(r"\{\{(" + PIECE_NAME + r")\}\}")  # {{name}}: a piece of the rule file


class RegexParams(ScopeParams):
    pattern: str = Field(
        min_length=1,
        description="a `regex`-module pattern over the compact view (no punctuation or spaces, "
        "lower-case); ^ and $ anchor at utterance boundaries",
    )
    view: Literal["text", "digits"] = Field(
        default="text", description="text, or digits (spoken numerals as digits)"
    )


def mask_digits(text: str) -> str:
    """Keep only the last 4 digits of long digit runs (evidence must not carry card numbers)."""
    return str(_LONG_DIGITS.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text))


def _guarded(pattern: str) -> str:
    """``pattern`` behind a lookahead for its possible first characters, when they are known."""
    first = first_chars(pattern)
    if not first:
        return pattern
    chars = "".join(c if c == r"\d" else regex.escape(c) for c in sorted(first))
    return f"(?=[{chars}])(?:{pattern})"


class Regex(SearchOperator):
    """A regular expression matched in the scope.

    The literals every match needs (qc/engine/literals.py), found for the whole rule set in one
    pass, pick the utterances the regex runs on, and each alternative's own literals pick the
    alternatives it runs with there: the packs' patterns are long alternations, which ``regex``
    tries one by one at every position (bench/rules.py). The pattern is compiled as an
    equivalent that ``regex`` runs faster: groups non-capturing, case folding only when it names
    an upper-case letter, leading lookbehinds behind a lookahead of the rest of their branch,
    and, when it runs everywhere, a lookahead for the characters a match can start with.
    """

    name = "regex"
    params_model = RegexParams

    def __init__(self, params: RegexParams, children: dict[str, object]) -> None:
        super().__init__(params, {})
        self.p = params
        if r"\b" in params.pattern:
            raise ParamError(
                "pattern",
                r"\b finds no boundary between a digit and a Chinese character",
                r"use digit lookarounds: (?<!\d)…(?!\d)",
            )
        try:
            regex.compile(params.pattern)  # report errors against the pattern as written
            fold = regex.IGNORECASE if names_upper_case(params.pattern) else 0
            self.flags = regex.MULTILINE | fold
            self._split(params.pattern)
            fast = lookbehinds_last(uncaptured(params.pattern))
            # A first-character guard pays off only where the pattern runs everywhere.
            self.re = regex.compile(fast if self.prefilter else _guarded(fast), self.flags)
        except regex.error as err:
            raise ParamError("pattern", f"invalid regular expression: {err}") from None
        self.share(LiteralIndex())

    def _split(self, pattern: str) -> None:
        """The pattern's alternatives (``branches``) and the literals each one requires: an
        utterance is searched with only the alternatives whose literals it holds, so the
        ``regex`` module does not try the others at every position. The whole pattern's
        literals still pick the utterances (an alternative's own can be commoner words)."""
        whole = requirement(pattern)
        split = branches(pattern) or ([Branch("", pattern, "", whole)] if whole else [])
        self.parts = split
        self.every = (1 << len(split)) - 1 or 1  # unsplit and unfiltered: the whole pattern
        self.subsets: dict[int, regex.Pattern[str]] = {}
        #: (mask, line) → step bound of the mask's pattern on lines that long (``_bound``), and
        #: (k, line) → that of alternative k on its own
        self.bounds: dict[tuple[int, int], int | None] = {}
        self.alone: dict[tuple[int, int], int | None] = {}
        #: literal → (bit mask of the alternatives that require it, plus ``gate`` if the whole
        #: pattern requires it; the most characters a match of one of them starts before it,
        #: None: no bound)
        words: dict[str, tuple[int, int | None]] = {}
        for k, (*_, (strings, lead)) in enumerate(split):
            for word in strings:
                mask, most = words.get(word, (0, 0))
                words[word] = (
                    mask | 1 << k,
                    None if most is None or lead is None else max(most, lead),
                )
        gate = self.gate = self.every + 1
        picks = whole[0] if whole and not whole[0] >= words.keys() else words.keys()
        for word in picks:
            mask, most = words.get(word, (0, 0))
            words[word] = (mask | gate, most)
        self.words = words
        #: literals every match contains (None: run everywhere), found by the shared index
        self.prefilter: frozenset[str] | None = frozenset(words) if split else None

    @classmethod
    def build(cls, raw: Any, path: Path, compiler: Compiler) -> Node | None:
        """Expands the rule file's named pieces (``{{name}}``, from its ``patterns:``) first."""
        if isinstance(raw, dict) and isinstance(raw.get("pattern"), str):
            names = {m.group(1) for m in _PIECE.finditer(raw["pattern"])}
            if unknown := sorted(names - compiler.pieces.keys()):
                defined = ", ".join(sorted(compiler.pieces)) or "none"
                compiler.sink.add(
                    (*path, "pattern"),
                    "unknown pattern piece {{" + unknown[0] + "}}",
                    f"pieces defined in this file's patterns: {defined}",
                )
                return None
            expanded = _PIECE.sub(lambda m: compiler.pieces[m.group(1)], raw["pattern"])
            raw = {**raw, "pattern": expanded}
        return super().build(raw, path, compiler)

    def share(self, literals: LiteralIndex) -> None:
        self.index, self.slot = literals, literals.add(self.prefilter or (), self.p.view)

    def describe(self) -> str:
        return f"/{self.p.pattern}/"

    def search(self, ctx: EvalContext) -> Outcome:
        rng = ctx.span(self.p.scope)
        if not rng:
            return NO_MATCH
        jt = ctx.joined(self.p.view, self.p.role)
        found: list[Found] = []
        for lo, hi, mask, line in self._candidates(ctx, jt, rng):
            for m in self._matches(mask, line, jt, lo, hi, ctx):
                p = jt.position(m.start())
                found.append(
                    ctx.found(
                        jt.indices[p],
                        char=m.start() - jt.starts[p],
                        length=len(m.group()),
                        view=self.p.view,
                        matched=mask_digits(m.group()),
                        note=f"/{self.p.pattern}/",
                    )
                )
                if len(found) == MAX_FOUND:
                    return Outcome(True, tuple(found))
        return Outcome(True, tuple(found)) if found else NO_MATCH

    def _candidates(
        self, ctx: EvalContext, jt: Joined, rng: range
    ) -> list[tuple[int, int, int, int]]:
        """Character ranges to search, the alternatives to search them with, and the length of
        the longest utterance the range reads: each utterance holding a required literal, from
        its first one less the lead (lookbehinds still see the start), with the alternatives
        requiring its literals; or the whole span, with all."""
        if self.prefilter is None:
            return [(*jt.bounds(rng.start, rng.stop), self.every, jt.longest)]
        words, gate, every = self.words, self.gate, self.every
        out: list[tuple[int, int, int, int]] = []
        here, first, seen = -1, 0, 0  # the position read, where to start, its alternatives

        def close() -> None:
            if seen & gate and seen & every:
                lo, hi = jt.bounds(here, here + 1)
                out.append((max(lo, first), hi, seen & every, hi - lo))

        for p, s, word in ctx.occurrences(self.index, self.slot, self.p.view, self.p.role):
            if p in rng:
                if p != here:
                    close()
                    here, first, seen = p, len(jt.text), 0
                mask, lead = words[word]
                if mask & every:
                    first = min(first, s - lead if lead is not None else 0)
                seen |= mask
        close()
        return out

    def _compiled(self, mask: int) -> regex.Pattern[str]:
        """The pattern of the alternatives in ``mask``, compiled once (a few hundred at most)."""
        if mask == self.every:
            return self.re
        rx = self.subsets.get(mask)
        if rx is None:
            if len(self.subsets) >= MAX_SUBSETS:
                return self.re
            rx = self.subsets[mask] = regex.compile(self._source(mask), self.flags)
        return rx

    def _bound(self, mask: int, line: int) -> int | None:
        """The most steps the pattern of ``mask`` takes from one position of an utterance of at
        most ``line`` characters (qc/engine/backtracking.py). A subset of the alternatives is
        bounded by the sum of its alternatives' bounds (their alternation, regrouped or not,
        tries each at most once per position), so a new subset needs no analysis of its own."""
        if self._compiled(mask) is self.re:  # all alternatives, or past MAX_SUBSETS
            mask = self.every
        key = (mask, line)
        if key not in self.bounds:
            if mask == self.every:
                self.bounds[key] = steps(self.re.pattern, line)
            else:
                alone = [self._alone(k, line) for k in range(len(self.parts)) if mask >> k & 1]
                self.bounds[key] = None if None in alone else sum(alone)  # type: ignore[arg-type]
        return self.bounds[key]

    def _alone(self, k: int, line: int) -> int | None:
        """The bound of alternative k on its own (not compiled), analysed once per line length."""
        if (k, line) not in self.alone:
            self.alone[k, line] = steps(self._source(1 << k), line)
        return self.alone[k, line]

    def _source(self, mask: int) -> str:
        chosen = rejoined(part for k, part in enumerate(self.parts) if mask >> k & 1)
        return lookbehinds_last(uncaptured(chosen))

    def _matches(
        self, mask: int, line: int, jt: Joined, lo: int, hi: int, ctx: EvalContext
    ) -> Iterator[regex.Match[str]]:
        """The matches of the alternatives in ``mask`` in ``jt.text[lo:hi]`` that stay inside
        one utterance, left to right; ``line``: the longest utterance the search reads.

        One ``finditer`` per range. With a time limit, each ``regex`` call costs about 2 µs
        before it looks at a character, twice a short search; a search whose steps are bounded
        goes without while its rule's budget lasts.
        """
        rx = self._compiled(mask)
        bound = self._bound(mask, 1 << max(line - 1, 0).bit_length())  # a few lines per node
        text = jt.text
        try:
            if bound is not None and ctx.untimed(bound * (hi - lo + 1)):
                found = rx.finditer(text, lo, hi)
            else:
                found = rx.finditer(text, lo, hi, timeout=ctx.remaining_s())
            for m in found:
                if m.group() and SEP not in m.group():
                    yield m
        except TimeoutError:
            raise RuleTimeout(f"regex /{self.p.pattern}/ timed out") from None
