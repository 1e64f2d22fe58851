"""The shipped linear models: loaded once per process from JSON and applied without scikit-learn.

Why JSON and hand-written inference: importing scikit-learn costs about 1.6 s here, which the
``qc text sentiment`` command should not pay; a fitted TF-IDF + logistic-regression model is only
vocabulary, idf and weights. ``qc.sentiment.train`` fits with scikit-learn, writes these files and
checks that this inference reproduces scikit-learn's probabilities.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from qc.sentiment.features import DENSE_NAMES, FEATURE_VERSION, Extracted

CLASSES: dict[str, tuple[str, ...]] = {
    "customer": ("negative", "neutral", "positive"),
    "agent": ("empathetic", "neutral", "rude"),
}
BLOCKS = ("char", "pinyin")


@dataclass(frozen=True, slots=True)
class LinearModel:
    """TF-IDF blocks (each L2-normalised) + scaled dense features → softmax(logits / T)."""

    role: str
    classes: tuple[str, ...]
    blocks: dict[str, dict[str, list[float]]]  # block → gram → [idf, weight per class]
    dense: dict[str, list[float]]  # feature → weight per class
    dense_scale: float
    intercept: list[float]
    temperature: float
    data_sha256: str

    def logits(self, ex: Extracted) -> list[float]:
        out = list(self.intercept)
        for name in BLOCKS:
            _add_tfidf(out, self.blocks[name], getattr(ex, name))
        for feature, value in ex.dense.items():
            weights = self.dense.get(feature)
            if weights and value:
                for k, w in enumerate(weights):
                    out[k] += w * value * self.dense_scale
        return out

    def probabilities(self, ex: Extracted) -> dict[str, float]:
        """Calibrated class probabilities (temperature scaling fitted out of fold)."""
        scaled = [z / self.temperature for z in self.logits(ex)]
        top = max(scaled)
        exps = [math.exp(z - top) for z in scaled]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


def _add_tfidf(out: list[float], table: dict[str, list[float]], grams: Sequence[str]) -> None:
    """Add one block's contribution: sublinear tf × idf, L2-normalised, as scikit-learn does."""
    values: list[tuple[float, list[float]]] = []
    for gram, count in Counter(grams).items():
        row = table.get(gram)
        if row is not None:
            values.append(((1.0 + math.log(count)) * row[0], row))
    norm = math.sqrt(sum(v * v for v, _ in values))
    if norm == 0.0:
        return
    for value, row in values:
        for k in range(len(out)):
            out[k] += value / norm * row[k + 1]


def data_fingerprint(role: str) -> str:
    """Hash of what a model is trained from: its TSV, the lexicon and the feature version."""
    data = resources.files("qc.sentiment").joinpath("data")
    digest = hashlib.sha256(FEATURE_VERSION.encode())
    for name in (f"{role}.tsv", "lexicon.tsv"):
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()


def model_from_dict(raw: dict[str, Any]) -> LinearModel:
    return LinearModel(
        role=raw["role"],
        classes=tuple(raw["classes"]),
        blocks={name: raw["blocks"][name] for name in BLOCKS},
        dense={k: v for k, v in raw["dense"].items() if k in DENSE_NAMES},
        dense_scale=float(raw["dense_scale"]),
        intercept=[float(x) for x in raw["intercept"]],
        temperature=float(raw["temperature"]),
        data_sha256=raw["data_sha256"],
    )


@lru_cache(maxsize=2)
def load_model(role: str) -> LinearModel:
    """The shipped model for ``customer`` or ``agent``, read once per process."""
    if role not in CLASSES:
        raise ValueError(f"unknown sentiment model {role!r} (known: {', '.join(CLASSES)})")
    path = resources.files("qc.sentiment").joinpath(f"data/model_{role}.json")
    return model_from_dict(json.loads(path.read_text("utf-8")))
