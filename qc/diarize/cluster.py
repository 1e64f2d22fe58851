"""Two-voice clustering of speaker embeddings and word-level labelling (numpy + scikit-learn only).

Kept free of torch so that the decision logic is unit-tested with fake embeddings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import silhouette_score

from qc.diarize.options import DiarizeOptions


@dataclass(frozen=True, slots=True)
class Clustering:
    """Voices found among the window embeddings.

    ``labels`` gives each embedding its voice; ``centroids`` are L2-normalised, one row per voice.
    ``speakers`` is 1 when the two candidate voices are too alike to be two people.
    """

    labels: np.ndarray
    centroids: np.ndarray
    speakers: int
    silhouette: float  # cosine silhouette of the 2-voice split, 0.0 when it was not computed
    centroid_similarity: float  # cosine similarity of the two candidate voices (1.0: one voice)


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.asarray(rows / np.maximum(norms, 1e-12))


def _centroids(emb: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return _unit(np.stack([emb[labels == k].mean(axis=0) for k in (0, 1)]))


def _refine(emb: np.ndarray, labels: np.ndarray, max_iterations: int) -> np.ndarray:
    """Spherical k-means from the agglomerative split.

    Average linkage alone tends to cut off a handful of outlier windows (laughs, noise) as the
    second "voice"; re-assigning every window to its nearest centroid fixes that.
    """
    for _ in range(max_iterations):
        if min(np.sum(labels == 0), np.sum(labels == 1)) == 0:
            break
        new = np.argmax(emb @ _centroids(emb, labels).T, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


def _one_voice(emb: np.ndarray, similarity: float = 1.0, silhouette: float = 0.0) -> Clustering:
    centroid = _unit(emb.mean(axis=0, keepdims=True)) if len(emb) else np.zeros((1, 0))
    return Clustering(np.zeros(len(emb), dtype=int), centroid, 1, silhouette, similarity)


def cluster_voices(embeddings: np.ndarray, options: DiarizeOptions) -> Clustering:
    """Split the embeddings into two voices, or decide that there is only one."""
    emb = _unit(np.asarray(embeddings, dtype=np.float64))
    if len(emb) < options.min_windows_for_two:
        return _one_voice(emb)
    agglo = AgglomerativeClustering(n_clusters=2, metric="cosine", linkage="average")
    labels = _refine(emb, agglo.fit_predict(emb), options.refine_iterations)
    if min(np.sum(labels == 0), np.sum(labels == 1)) < 2:
        return _one_voice(emb)
    centroids = _centroids(emb, labels)
    similarity = float(centroids[0] @ centroids[1])
    silhouette = float(silhouette_score(emb, labels, metric="cosine"))
    if similarity > options.max_two_voice_similarity:
        return _one_voice(emb, similarity, silhouette)
    return Clustering(labels, centroids, 2, silhouette, similarity)


def unit_scores(
    spans_s: np.ndarray, window_starts_s: np.ndarray, window_scores: np.ndarray, window_s: float
) -> np.ndarray:
    """Evidence per unit (word or segment): window scores weighted by how central the unit is.

    A window counts with a triangular weight that is highest when the unit sits in its middle,
    because the encoder's view of a window's edges is blurred with its neighbours. A unit that no
    kept window covers takes the score of the nearest window.
    """
    if len(window_starts_s) == 0:
        return np.zeros(len(spans_s))
    mids = spans_s.mean(axis=1)[:, None]
    centres = (window_starts_s + window_s / 2)[None, :]
    weights = np.clip(1.0 - np.abs(mids - centres) / (window_s / 2), 0.0, None)
    nearest = np.argmin(np.abs(mids - centres), axis=1)
    total = weights.sum(axis=1)
    weighted = (weights @ window_scores) / np.maximum(total, 1e-12)
    return np.asarray(np.where(total > 0, weighted, window_scores[nearest]))


def switch_penalties(
    spans_s: np.ndarray, boundaries: np.ndarray, options: DiarizeOptions
) -> np.ndarray:
    """Cost of changing speaker before each unit (the first entry is unused).

    People take turns at pauses, and Whisper usually starts a segment there, so a change is cheap
    at a segment boundary or after a pause and expensive inside continuous speech.
    """
    gaps_s = np.concatenate([[np.inf], spans_s[1:, 0] - spans_s[:-1, 1]])
    cheap = boundaries | (gaps_s >= options.pause_for_switch_s)
    return np.where(cheap, options.switch_penalty_at_pause, options.switch_penalty_in_speech)


def smooth_labels(scores: np.ndarray, weights: np.ndarray, penalties: np.ndarray) -> np.ndarray:
    """Two-state Viterbi over the units: label 1 where ``scores`` > 0, unless switching costs more.

    Scores are scaled by their median magnitude so that the penalties read in units of "typical
    evidence of one unit", whatever the spread of the embeddings of this call.
    """
    n = len(scores)
    if n == 0:
        return np.zeros(0, dtype=int)
    scale = float(np.median(np.abs(scores))) or 1.0
    gain = np.stack([-scores, scores], axis=1) / scale * weights[:, None]
    total = gain[0].copy()
    back = np.zeros((n, 2), dtype=int)
    for i in range(1, n):
        stay, switch = total, total[::-1] - penalties[i]
        back[i] = np.where(stay >= switch, [0, 1], [1, 0])
        total = np.maximum(stay, switch) + gain[i]
    labels = np.zeros(n, dtype=int)
    labels[-1] = int(np.argmax(total))
    for i in range(n - 1, 0, -1):
        labels[i - 1] = back[i, labels[i]]
    return labels
