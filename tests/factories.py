"""Factories for stage objects, so tests state only what matters to them."""

from __future__ import annotations

from qc.types import Role, Segment, Utterance, Word


def words_for(
    text: str, start_s: float, end_s: float, probability: float = 0.9
) -> tuple[Word, ...]:
    """Spread ``text`` evenly over [start_s, end_s], one Word per character."""
    if not text:
        return ()
    step = (end_s - start_s) / len(text)
    return tuple(
        Word(start_s + i * step, start_s + (i + 1) * step, ch, probability)
        for i, ch in enumerate(text)
    )


def segment(channel: int, start_s: float, end_s: float, text: str, **kw: object) -> Segment:
    return Segment(channel, start_s, end_s, text, text, words_for(text, start_s, end_s), **kw)  # type: ignore[arg-type]


def utt(index: int, role: Role, start_s: float, end_s: float, text: str = "好的") -> Utterance:
    return Utterance(
        index=index,
        role=role,
        channel=0 if role == "agent" else 1,
        start_s=start_s,
        end_s=end_s,
        text=text,
        raw_text=text,
        words=words_for(text, start_s, end_s),
    )
