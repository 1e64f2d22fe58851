"""Split Whisper segments at silences inside them, so one segment never spans two turns.

Why: with ``vad_filter=True`` faster-whisper concatenates the speech chunks, decodes the joined
audio, and maps times back. A segment decoded across a chunk join keeps its text together, so
on a stereo channel it can run from one turn of the speaker to the next across the other
party's turn (measured on samples/01, channel 1: one segment 25.2–50.3 s held three turns that
start at 25.4, 34.1 and 46.3 s). Known upstream: SYSTRAN/faster-whisper#1119 (segment end
stretched to the next chunk) and #125 (the first word after a long silence placed seconds too
early). Word timestamps are mapped chunk by chunk, so gaps between words show where the
silences were: a segment is split wherever the gap exceeds ``max_word_gap_s``.

A lone one- or two-character word left in front of such a gap is #125's misplaced first word:
it is moved to just before the words that follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qc.text.normalize import strip_punct


@dataclass(frozen=True, slots=True)
class RawWord:
    """A word as faster-whisper gives it (text unnormalised, leading space kept)."""

    start_s: float
    end_s: float
    text: str
    probability: float


def split_on_gaps(words: Sequence[RawWord], max_word_gap_s: float) -> list[list[RawWord]]:
    """Group consecutive words; a new group starts after a silence longer than the limit."""
    groups: list[list[RawWord]] = []
    for word in words:
        if groups and word.start_s - groups[-1][-1].end_s <= max_word_gap_s:
            groups[-1].append(word)
        else:
            groups.append([word])
    return _reattach_stray_first_word(groups)


def _reattach_stray_first_word(groups: list[list[RawWord]]) -> list[list[RawWord]]:
    if len(groups) < 2 or len(strip_punct("".join(w.text for w in groups[0]))) > 2:
        return groups
    stray, nxt = groups[0], groups[1]
    span_s = min(0.3, stray[-1].end_s - stray[0].start_s)
    begin = max(0.0, nxt[0].start_s - span_s)
    moved = [RawWord(begin, nxt[0].start_s, "".join(w.text for w in stray), _mean(stray))]
    return [moved + nxt, *groups[2:]]


def _mean(words: Sequence[RawWord]) -> float:
    return sum(w.probability for w in words) / len(words)
