"""Two-voice clustering of speaker embeddings and word-level labelling (numpy + scikit-learn only).

Kept free of torch so that the decision logic is unit-tested with fake embeddings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_score

from qc.diarize.options import DiarizeOptions
from qc.diarize.windows import Windows, runs


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


def _starting_splits(emb: np.ndarray) -> list[np.ndarray]:
    """Several 2-way splits to refine; the best silhouette wins.

    One starting point is not enough: on a call with overlapping speech (11_interruption),
    average linkage alone once converged to a split that mixed the voices (turn accuracy 0.67).
    """
    splits = [
        AgglomerativeClustering(n_clusters=2, metric="cosine", linkage=linkage).fit_predict(emb)
        for linkage in ("average", "complete")
    ]
    splits.append(AgglomerativeClustering(n_clusters=2, linkage="ward").fit_predict(emb))
    splits.append(KMeans(n_clusters=2, n_init=4, random_state=0).fit_predict(emb))
    return splits


def _one_voice(emb: np.ndarray, similarity: float = 1.0, silhouette: float = 0.0) -> Clustering:
    centroid = _unit(emb.mean(axis=0, keepdims=True)) if len(emb) else np.zeros((1, 0))
    return Clustering(np.zeros(len(emb), dtype=int), centroid, 1, silhouette, similarity)


def _best_split(emb: np.ndarray, options: DiarizeOptions) -> tuple[float, np.ndarray] | None:
    """The refined 2-way split with the highest cosine silhouette, if any has two real sides.

    The starting splits and the silhouette cost memory quadratic in the number of windows, so a
    long call is split on an evenly spaced sample of its windows (a 2-hour call has about 18,000);
    the refinement then labels every window.
    """
    sample = np.linspace(0, len(emb) - 1, min(len(emb), options.max_clustered_windows))
    sub = emb[sample.astype(int)]
    best: tuple[float, np.ndarray] | None = None
    for start in _starting_splits(sub):
        labels = _refine(sub, start, options.refine_iterations)
        if min(np.sum(labels == 0), np.sum(labels == 1)) < 2:
            continue
        silhouette = float(silhouette_score(sub, labels, metric="cosine"))
        if best is None or silhouette > best[0]:
            best = (silhouette, labels)
    if best is None or len(sub) == len(emb):
        return best
    start = np.argmax(emb @ _centroids(sub, best[1]).T, axis=1)
    labels = _refine(emb, start, options.refine_iterations)
    return (best[0], labels) if min(np.sum(labels == 0), np.sum(labels == 1)) >= 2 else None


def _split_similarity(emb: np.ndarray, options: DiarizeOptions) -> tuple[float, float]:
    """Cosine similarity of the two halves of the best split, and its silhouette (1.0, 0.0 if
    the embeddings cannot be split)."""
    best = _best_split(emb, options) if len(emb) >= options.min_windows_for_two else None
    if best is None:
        return 1.0, 0.0
    centroids = _centroids(emb, best[1])
    return float(centroids[0] @ centroids[1]), best[0]


def cluster_voices(
    embeddings: np.ndarray, options: DiarizeOptions, reliable: np.ndarray | None = None
) -> Clustering:
    """Split the embeddings into two voices, or decide that there is only one.

    Whether there are two voices is judged on the ``reliable`` (full-length) embeddings alone:
    short phrases (tiled, see embed.py) scatter more, and on one voice they form a "second
    voice" of their own (single channels of the sample calls: similarity 0.79-0.97 with them,
    0.85-0.97 without). The split itself uses every embedding, so that a speaker who only
    gives short answers still gets a voice.
    """
    emb = _unit(np.asarray(embeddings, dtype=np.float64))
    if reliable is not None and np.sum(reliable) >= options.min_windows_for_two:
        similarity, silhouette = _split_similarity(emb[reliable], options)
    else:
        similarity, silhouette = _split_similarity(emb, options)
    if similarity > options.max_two_voice_similarity:
        return _one_voice(emb, similarity, silhouette)
    best = _best_split(emb, options)
    if best is None:
        return _one_voice(emb)
    labels = best[1]
    return Clustering(labels, _centroids(emb, labels), 2, best[0], similarity)


def unit_scores(
    spans_s: np.ndarray, phrase_of_unit: np.ndarray, windows: Windows, window_scores: np.ndarray
) -> np.ndarray:
    """Evidence per unit (word or segment): its phrase's window scores, weighted by centrality.

    A window counts with a triangular weight that is highest when the unit sits in its middle,
    because the encoder's view of a window's edges is blurred. A unit whose phrase was too short
    to embed takes the score of the nearest window. Phrase by phrase, so memory stays linear.
    """
    scores = np.zeros(len(spans_s))
    if len(windows) == 0:
        return scores
    mids = spans_s.mean(axis=1)
    centres = windows.starts_s + windows.lengths_s / 2
    by_phrase = {p: (lo, hi) for p, lo, hi in runs(windows.phrase)}
    for p, lo, hi in runs(phrase_of_unit):
        if p not in by_phrase:
            scores[lo:hi] = window_scores[_nearest(centres, mids[lo:hi])]
            continue
        w = slice(*by_phrase[p])
        half = windows.lengths_s[w] / 2
        distance = np.abs(mids[lo:hi, None] - centres[None, w])
        weights = np.clip(1.0 - distance / half[None, :], 0.01, None)
        scores[lo:hi] = (weights @ window_scores[w]) / weights.sum(axis=1)
    return scores


def _nearest(centres: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Index of the window centre closest to each time."""
    order = np.argsort(centres)
    ordered = centres[order]
    pos = np.searchsorted(ordered, times)
    left = np.clip(pos - 1, 0, len(order) - 1)
    right = np.clip(pos, 0, len(order) - 1)
    closer_left = np.abs(times - ordered[left]) <= np.abs(ordered[right] - times)
    return np.asarray(order[np.where(closer_left, left, right)])


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
