"""Where voices are sampled: embedding windows laid inside pause-free stretches of speech.

A window that straddles a pause usually straddles a change of speaker too (people take turns at
pauses), and a 1.6 s window around a short reply such as 是我 is mostly the other voice. So
windows never cross a pause: long phrases get sliding full-length windows, short phrases one
window of their own length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qc.diarize.options import DiarizeOptions
from qc.diarize.units import Units


@dataclass(frozen=True, slots=True)
class Windows:
    starts_s: np.ndarray
    lengths_s: np.ndarray
    phrase: np.ndarray  # the phrase each window lies in

    def __len__(self) -> int:
        return len(self.starts_s)

    @property
    def full(self) -> np.ndarray:
        """Mask of the full-length windows (the reliable ones, used to find the voices)."""
        return np.asarray(self.lengths_s >= self.lengths_s.max(initial=0.0) - 1e-6)


def phrases(units: Units, options: DiarizeOptions) -> np.ndarray:
    """Phrase id per unit: a new phrase starts at each segment start and after each pause."""
    if len(units.spans_s) == 0:
        return np.zeros(0, dtype=int)
    gaps_s = np.concatenate([[np.inf], units.spans_s[1:, 0] - units.spans_s[:-1, 1]])
    breaks = units.starts_segment | (gaps_s >= options.pause_for_switch_s)
    return np.cumsum(breaks) - 1


def _phrase_starts(start_s: float, end_s: float, options: DiarizeOptions) -> np.ndarray:
    """Full-length window starts covering [start_s, end_s], the last one flush with the end."""
    last_s = end_s - options.window_s
    starts = np.arange(start_s, last_s + 1e-9, options.hop_s)
    if last_s - starts[-1] > 1e-3:
        starts = np.append(starts, last_s)
    return starts


def runs(ids: np.ndarray) -> list[tuple[int, int, int]]:
    """(id, first, end) of each run of equal values in a non-decreasing array, in linear time."""
    if len(ids) == 0:
        return []
    starts = np.flatnonzero(np.diff(ids, prepend=ids[0] - 1))
    ends = np.append(starts[1:], len(ids))
    return [(int(ids[a]), int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def lay_windows(units: Units, phrase_of_unit: np.ndarray, options: DiarizeOptions) -> Windows:
    starts: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    owner: list[np.ndarray] = []
    for p, lo, hi in runs(phrase_of_unit):
        start_s, end_s = float(units.spans_s[lo:hi, 0].min()), float(units.spans_s[lo:hi, 1].max())
        if end_s - start_s >= options.window_s:
            s = _phrase_starts(start_s, end_s, options)
            n = np.full(len(s), options.window_s)
        elif end_s - start_s >= options.min_phrase_s:
            s, n = np.array([start_s]), np.array([end_s - start_s])
        else:
            continue
        starts.append(s)
        lengths.append(n)
        owner.append(np.full(len(s), p))
    if not starts:
        return Windows(np.zeros(0), np.zeros(0), np.zeros(0, dtype=int))
    return Windows(np.concatenate(starts), np.concatenate(lengths), np.concatenate(owner))
