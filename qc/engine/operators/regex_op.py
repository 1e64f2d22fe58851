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

from qc.engine.context import EvalContext, Joined
from qc.engine.literals import (
    LiteralIndex,
    first_chars,
    lookbehinds_last,
    names_upper_case,
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
    pass, pick the utterances the regex runs on. The pattern is compiled as an equivalent that
    ``regex`` runs faster: groups non-capturing, case folding only when it names an upper-case
    letter, leading lookbehinds behind a lookahead of the rest of their branch, and, when it
    runs everywhere, a lookahead for the characters a match can start with. The packs' patterns
    are long alternations with variable-length lookbehinds (bench/rules.py).
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
            #: literals every match contains (None: run everywhere), found by the shared index,
            #: and the most characters a match can start before one of them (None: no bound)
            needed = requirement(params.pattern)
            self.prefilter: frozenset[str] | None = needed[0] if needed else None
            self.lead: int | None = needed[1] if needed else None
            fast = lookbehinds_last(uncaptured(params.pattern))
            # A first-character guard pays off only where the pattern runs everywhere.
            fast = fast if self.prefilter else _guarded(fast)
            self.re = regex.compile(fast, regex.MULTILINE | fold)
        except regex.error as err:
            raise ParamError("pattern", f"invalid regular expression: {err}") from None
        self.share(LiteralIndex())

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
        for lo, hi in self._candidates(ctx, jt, rng):
            for m in self._matches(jt.text, lo, hi, ctx):
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

    def _candidates(self, ctx: EvalContext, jt: Joined, rng: range) -> list[tuple[int, int]]:
        """Character ranges to search: the utterances holding a required literal, each from
        its first one less the lead (lookbehinds still see the start), or the whole span."""
        pos, end = jt.bounds(rng.start, rng.stop)
        if self.prefilter is None:
            return [(pos, end)]
        first: dict[int, int] = {}  # position → offset of its first literal
        for s, _ in ctx.occurrences(self.index, self.slot, self.p.view, self.p.role):
            if pos <= s < end:
                p = jt.position(s)
                first[p] = min(s, first.get(p, s))
        lead = self.lead
        out = []
        for p in sorted(first):
            lo, hi = jt.bounds(p, p + 1)
            out.append((lo if lead is None else max(lo, first[p] - lead), hi))
        return out

    def _matches(self, text: str, lo: int, hi: int, ctx: EvalContext) -> Iterator[regex.Match[str]]:
        """The matches in ``text[lo:hi]`` that stay inside one utterance, left to right.

        One ``finditer`` per range: with a time limit, each ``regex`` call costs about 2 µs
        before it looks at a character, twice a short search.
        """
        try:
            for m in self.re.finditer(text, lo, hi, timeout=ctx.remaining_s()):
                if m.group() and SEP not in m.group():
                    yield m
        except TimeoutError:
            raise RuleTimeout(f"regex /{self.p.pattern}/ timed out") from None
