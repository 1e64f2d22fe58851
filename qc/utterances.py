"""Merge ASR segments of all channels into utterances: one speaker turn each, in time order.

Consecutive segments of one channel become one utterance unless the other side spoke in between
or the pause is longer than ``max_gap_s``. Times come from the words where the model gave them,
because Whisper's segment boundaries include leading and trailing silence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from qc.types import Role, Segment, Utterance, Word


@dataclass(frozen=True, slots=True)
class MergeOptions:
    max_gap_s: float = 1.5  # a longer pause on one channel starts a new utterance


def _span(segment: Segment) -> tuple[float, float]:
    if segment.words:
        return segment.words[0].start_s, segment.words[-1].end_s
    return segment.start_s, segment.end_s


def _join(texts: Iterable[str]) -> str:
    # Chinese needs no space between segments; keep one between two Latin words.
    out = ""
    for text in texts:
        text = text.strip()
        if out and text and out[-1].isascii() and out[-1].isalnum() and text[0].isascii():
            out += " "
        out += text
    return out


def _confidence(segments: Sequence[Segment]) -> float:
    words: list[Word] = [w for s in segments for w in s.words]
    if words:
        return sum(w.probability for w in words) / len(words)
    return 1.0


def _make(index: int, role: Role, group: Sequence[Segment]) -> Utterance:
    spans = [_span(s) for s in group]
    return Utterance(
        index=index,
        role=role,
        channel=group[0].channel,
        start_s=round(min(s for s, _ in spans), 3),
        end_s=round(max(e for _, e in spans), 3),
        text=_join(s.text for s in group),
        raw_text=_join(s.raw_text for s in group),
        words=tuple(w for s in group for w in s.words),
        confidence=round(_confidence(group), 4),
    )


def merge_segments(
    segments: Iterable[Segment],
    roles: Mapping[int, Role],
    options: MergeOptions | None = None,
) -> tuple[Utterance, ...]:
    """Group time-ordered segments into utterances; ``roles`` maps channel → role."""
    options = options or MergeOptions()
    # Segments never span a long pause: qc.asr.timing splits them where the words are apart.
    ordered = sorted((s for s in segments if s.text.strip()), key=lambda s: _span(s))
    groups: list[list[Segment]] = []
    for segment in ordered:
        if groups:
            last = groups[-1]
            gap_s = _span(segment)[0] - _span(last[-1])[1]
            if last[-1].channel == segment.channel and gap_s <= options.max_gap_s:
                last.append(segment)
                continue
        groups.append([segment])
    return tuple(
        _make(i, roles.get(group[0].channel, "unknown"), group) for i, group in enumerate(groups)
    )
