"""Per-channel voice activity from frame energy, to check overlaps against the audio itself.

Whisper's word timestamps can be wrong by seconds where faster-whisper joins VAD chunks: on
samples/01 the customer's 没有 (said at 75.6 s) was stamped 69.1–70.3 s, inside the agent's next
turn, which read as an interruption. In a stereo call each side has its own channel, so an
overlap is real only where both channels carry energy at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from qc.types import Overlap, Utterance

FRAME_S = 0.02


@dataclass(frozen=True, slots=True)
class ActivityOptions:
    above_floor_db: float = 15.0  # a frame is speech this far above the channel's noise floor
    floor_percentile: float = 10.0
    min_level_db: float = -50.0  # never call quieter frames speech (dBFS)


@dataclass(frozen=True, slots=True)
class Activity:
    """Boolean speech mask per channel, one value per ``FRAME_S`` frame."""

    masks: tuple[npt.NDArray[np.bool_], ...]

    def both_active_s(self, a: int, b: int, start_s: float, end_s: float) -> float:
        """Seconds within [start_s, end_s] where channels ``a`` and ``b`` both carry speech."""
        lo, hi = int(start_s / FRAME_S), int(np.ceil(end_s / FRAME_S))
        both = self.masks[a][lo:hi] & self.masks[b][lo:hi]
        return float(np.count_nonzero(both)) * FRAME_S


def channel_activity(
    channels: Sequence[npt.NDArray[np.float32]],
    rate_hz: int,
    options: ActivityOptions | None = None,
) -> Activity:
    options = options or ActivityOptions()
    frame = int(FRAME_S * rate_hz)
    masks = []
    for samples in channels:
        n = len(samples) // frame
        if n == 0:
            masks.append(np.zeros(0, dtype=bool))
            continue
        power = np.mean(samples[: n * frame].reshape(n, frame).astype(np.float64) ** 2, axis=1)
        level_db = 10 * np.log10(power + 1e-12)
        floor_db = float(np.percentile(level_db, options.floor_percentile))
        threshold_db = max(floor_db + options.above_floor_db, options.min_level_db)
        masks.append(level_db > threshold_db)
    return Activity(tuple(masks))


def confirm_overlaps(
    overlaps: Sequence[Overlap],
    utterances: Sequence[Utterance],
    activity: Activity,
    min_overlap_s: float,
) -> tuple[Overlap, ...]:
    """Drop overlaps the audio does not show; trim the rest to the time both sides spoke.

    An overlap with less than ``min_overlap_s`` of simultaneous speech is kept as a back-channel
    only when it was one already; otherwise it is removed as a timestamp artefact.
    """
    confirmed = []
    for o in overlaps:
        a = utterances[o.interrupter_utterance].channel
        b = utterances[o.interrupted_utterance].channel
        if a == b or max(a, b) >= len(activity.masks):
            confirmed.append(o)
            continue
        both_s = activity.both_active_s(a, b, o.start_s, o.end_s)
        if both_s >= min_overlap_s:
            confirmed.append(replace(o, end_s=round(o.start_s + both_s, 3)))
        elif o.backchannel:
            confirmed.append(o)
    return tuple(confirmed)
