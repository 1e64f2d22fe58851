"""ASR segments as a flat list of timed units (words), and back into per-speaker segments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from qc.text import normalize
from qc.types import Segment, Word


@dataclass(frozen=True, slots=True)
class Units:
    """Every word of every segment in time order; a segment without word timestamps is one unit.

    ``segment`` maps each unit to its segment, and ``starts_segment`` marks the first unit of each.
    """

    spans_s: np.ndarray  # (n, 2) start and end of each unit
    segment: np.ndarray
    starts_segment: np.ndarray

    @property
    def durations_s(self) -> np.ndarray:
        return np.asarray(np.maximum(self.spans_s[:, 1] - self.spans_s[:, 0], 0.0))


def _spans(seg: Segment) -> list[tuple[float, float]]:
    if seg.words:
        return [(w.start_s, w.end_s) for w in seg.words]
    return [(seg.start_s, seg.end_s)]


def flatten(segments: Sequence[Segment]) -> Units:
    spans: list[tuple[float, float]] = []
    owner: list[int] = []
    first: list[bool] = []
    for index, seg in enumerate(segments):
        seg_spans = _spans(seg)
        spans.extend(seg_spans)
        owner.extend([index] * len(seg_spans))
        first.extend([True] + [False] * (len(seg_spans) - 1))
    return Units(
        np.asarray(spans, dtype=float).reshape(-1, 2),
        np.asarray(owner, dtype=int),
        np.asarray(first, dtype=bool),
    )


def _part(seg: Segment, words: tuple[Word, ...], channel: int) -> Segment:
    raw = "".join(w.text for w in words).strip()
    return replace(
        seg,
        channel=channel,
        start_s=words[0].start_s,
        end_s=words[-1].end_s,
        text=normalize(raw),
        raw_text=raw,
        words=words,
    )


def _split(seg: Segment, labels: np.ndarray) -> list[Segment]:
    """Cut a segment where the speaker label of its words changes."""
    if not seg.words or np.all(labels == labels[0]):
        return [replace(seg, channel=int(labels[0]))]
    parts: list[Segment] = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            parts.append(_part(seg, seg.words[start:i], int(labels[start])))
            start = i
    return parts


def rebuild(segments: Sequence[Segment], units: Units, labels: np.ndarray) -> tuple[Segment, ...]:
    """Per-speaker segments: ``channel`` is the cluster id, split at word level where needed."""
    out: list[Segment] = []
    for index, seg in enumerate(segments):
        out.extend(_split(seg, labels[units.segment == index]))
    return tuple(out)
