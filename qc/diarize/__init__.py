"""Speaker separation for mono recordings: which of two voices said each ASR word.

A mono call has no channel per role, so the voices are told apart acoustically:

1. resemblyzer's voice encoder embeds 1.6 s windows sliding over the ASR speech;
2. the windows are clustered into two voices (or found to be one);
3. every word takes the voice its windows resemble most, smoothed by a Viterbi pass that makes a
   change of speaker cheap only at a pause or a segment boundary; a segment that spans a change is
   split at that word.

Cluster ids are ordered by who speaks first (cluster 0 = the first voice), the "first speaker is
the agent" prior. Roles themselves are decided afterwards from content cues (qc/roles.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qc.diarize.cluster import (
    Clustering,
    cluster_voices,
    smooth_labels,
    switch_penalties,
    unit_scores,
)
from qc.diarize.embed import embed_windows, load_encoder
from qc.diarize.options import DiarizeOptions
from qc.diarize.units import Units, flatten, rebuild
from qc.diarize.windows import Windows, lay_windows, phrases
from qc.types import Segment

__all__ = [
    "DiarizeOptions",
    "SpeakerSeparation",
    "label_units",
    "load_encoder",
    "separate_speakers",
]


@dataclass(frozen=True, slots=True)
class SpeakerSeparation:
    """Segments with ``channel`` = speaker cluster (0 speaks first), and how sure the split is."""

    segments: tuple[Segment, ...]
    speakers: int  # 1 when only one voice was found (every segment is then cluster 0)
    confidence: float  # 0..1: mean word margin between the two voices; 0.0 for one voice
    silhouette: float  # cosine silhouette of the window clustering (-1..1)
    centroid_similarity: float  # cosine similarity of the two voices (1.0: one voice)
    windows: int  # speech windows embedded


def label_units(
    units: Units, windows: Windows, embeddings: np.ndarray, options: DiarizeOptions
) -> tuple[np.ndarray, Clustering, float]:
    """Voice label (0/1) per unit, the clustering, and the confidence. Pure numpy: no torch.

    Whether there are two voices is judged on the full-length windows (short ones are noisy);
    the two voices are then found from every window, and every unit is scored against them.
    Labels are renumbered so that the first unit's voice is 0.
    """
    full = windows.full if len(windows) else np.zeros(0, dtype=bool)
    clustering = cluster_voices(embeddings, options, reliable=full)
    if clustering.speakers == 1:
        return np.zeros(len(units.spans_s), dtype=int), clustering, 0.0
    emb = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    similarity = emb @ clustering.centroids.T
    window_scores = similarity[:, 1] - similarity[:, 0]
    phrase_of_unit = phrases(units, options)
    scores = unit_scores(units.spans_s, phrase_of_unit, windows, window_scores)
    penalties = switch_penalties(units.spans_s, units.starts_segment, options)
    labels = smooth_labels(scores, np.sqrt(units.durations_s / 0.3), penalties)
    # Confidence: how far the words sit from the decision boundary, relative to the distance
    # between the voices (1 - similarity), averaged over speaking time.
    margin = np.clip(np.abs(scores) / max(1e-6, 1.0 - clustering.centroid_similarity), 0, 1)
    confidence = float(np.average(margin, weights=np.maximum(units.durations_s, 1e-3)))
    if labels[0] == 1:
        labels = 1 - labels
    return labels, clustering, confidence


def separate_speakers(
    samples_16k: np.ndarray,
    segments: Sequence[Segment],
    options: DiarizeOptions | None = None,
) -> SpeakerSeparation:
    """Assign every ASR segment of a mono call (split at word level if needed) to voice 0 or 1.

    ``samples_16k`` is the mono signal at 16 kHz; ``segments`` its ASR segments, ideally with word
    timestamps. Raises ``ModelError`` when the diarize extra is not installed.
    """
    options = options or DiarizeOptions()
    ordered = sorted(segments, key=lambda s: (s.start_s, s.end_s))
    units = flatten(ordered)
    windows = lay_windows(units, phrases(units, options), options)
    embeddings = embed_windows(
        samples_16k, windows.starts_s, windows.lengths_s, options.encoder_threads
    )
    labels, clustering, confidence = label_units(units, windows, embeddings, options)
    return SpeakerSeparation(
        segments=rebuild(ordered, units, labels),
        speakers=clustering.speakers,
        confidence=confidence,
        silhouette=clustering.silhouette,
        centroid_similarity=clustering.centroid_similarity,
        windows=len(windows),
    )
