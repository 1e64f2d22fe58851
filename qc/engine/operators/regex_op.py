"""``regex``: a regular expression on the scoped utterances, with a time limit.

Uses the ``regex`` module because it takes ``timeout=``: user-written patterns such as
``(嗯|嗯嗯)+$`` backtrack for seconds on a looped transcript (RELIABILITY B8). A timeout raises
``RuleTimeout``; the evaluator marks the rule errored and routes the call to review.
"""

from __future__ import annotations

from typing import Literal

import regex
from pydantic import Field

from qc.engine.context import EvalContext
from qc.engine.operators.base import MAX_FOUND, Operator, ParamError, RuleTimeout, ScopeParams
from qc.engine.outcome import NO_MATCH, Found, Outcome
from qc.engine.views import SEP

_LONG_DIGITS = regex.compile(r"\d{6,}")


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


class Regex(Operator):
    """A regular expression matched in the scope."""

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
            self.re = regex.compile(params.pattern, regex.MULTILINE | regex.IGNORECASE)
        except regex.error as err:
            raise ParamError("pattern", f"invalid regular expression: {err}") from None

    def describe(self) -> str:
        return f"/{self.p.pattern}/"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        rng = ctx.span(self.p.scope)
        if not rng:
            return NO_MATCH
        jt = ctx.joined(self.p.view, self.p.role)
        pos, end = jt.bounds(rng.start, rng.stop)
        found: list[Found] = []
        while pos <= end and len(found) < MAX_FOUND:
            try:
                m = self.re.search(jt.text, pos, end, timeout=ctx.remaining_s())
            except TimeoutError:
                raise RuleTimeout(f"regex /{self.p.pattern}/ timed out") from None
            if m is None:
                break
            pos = m.end() + (m.end() == m.start())
            if not m.group() or SEP in m.group():
                continue
            p = jt.position(m.start())
            char = m.start() - jt.starts[p]
            found.append(
                ctx.found(
                    jt.indices[p],
                    char=char,
                    length=len(m.group()),
                    view=self.p.view,
                    matched=mask_digits(m.group()),
                    note=f"/{self.p.pattern}/",
                )
            )
        return Outcome(True, tuple(found)) if found else NO_MATCH
