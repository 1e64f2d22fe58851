"""What evaluating a condition gives: matched or not, the evidence, and why it may be undecided."""

from __future__ import annotations

from dataclasses import dataclass

from qc.types import Evidence


@dataclass(frozen=True, slots=True)
class Found:
    """One piece of evidence plus what the engine needs to reason about it.

    ``char`` is the offset in the utterance's matching view (to order two matches in one
    utterance); ``confidence`` is the ASR confidence of the words the evidence rests on.
    """

    evidence: Evidence
    char: int = 0
    confidence: float = 1.0

    @property
    def utterance(self) -> int | None:
        return self.evidence.utterance

    @property
    def order(self) -> tuple[float, int, int]:
        ev = self.evidence
        return (ev.start_s, -1 if ev.utterance is None else ev.utterance, self.char)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one condition on one call.

    ``missing``: a data source the condition needs is absent (no sentiment features): it cannot
    fire and is recorded as not evaluated. ``unscored``: the condition must not be decided
    automatically (an absence on a channel without speech): not scored, the call needs review.
    Both are empty when the outcome is decided.
    """

    matched: bool
    found: tuple[Found, ...] = ()
    missing: tuple[str, ...] = ()
    unscored: tuple[str, ...] = ()

    @property
    def decided(self) -> bool:
        return not (self.missing or self.unscored)


NO_MATCH = Outcome(False)


def undecided(outcomes: list[Outcome]) -> Outcome:
    """No match, carrying the union of the reasons why some parts were undecided."""
    missing = tuple(dict.fromkeys(m for o in outcomes for m in o.missing))
    unscored = tuple(dict.fromkeys(u for o in outcomes for u in o.unscored))
    return Outcome(False, (), missing, unscored)
