"""snownlp's bundled sentiment model (naive Bayes, shopping reviews), without its segmenter.

Why: ``import snownlp`` loads its 11 MB segmentation model and takes 3-5 s on this machine, and
``SnowNLP(text).sentiments`` costs about 7 ms per short utterance. The naive-Bayes tables
themselves are 300 kB. Here they are read directly and the text is segmented by forward maximum
matching against the model's own vocabulary, which is enough for a *feature*: the learned model
decides how much to trust it. ``bench/sentiment.py`` runs the real snownlp as the baseline.
"""

from __future__ import annotations

import gzip
import marshal
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

_MAX_WORD_CHARS = 4


@dataclass(frozen=True, slots=True)
class _ClassTable:
    counts: dict[str, float]
    total: float
    unseen: float  # count used for a word the class never saw (snownlp's AddOneProb.none)


@dataclass(frozen=True, slots=True)
class SnowTables:
    classes: dict[str, _ClassTable]  # "neg", "pos"
    prior_log: dict[str, float]
    vocabulary: frozenset[str]
    stopwords: frozenset[str]


def _snownlp_dir() -> Path | None:
    spec = find_spec("snownlp")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


@lru_cache(maxsize=1)
def load_tables() -> SnowTables | None:
    """The bundled tables, or None when snownlp is not installed (the feature is then 0.5)."""
    base = _snownlp_dir()
    if base is None:
        return None
    with gzip.open(base / "sentiment" / "sentiment.marshal.3", "rb") as f:
        raw = marshal.loads(f.read())
    classes = {
        name: _ClassTable(dict(d["d"]), float(d["total"]), float(d["none"]))
        for name, d in raw["d"].items()
    }
    total = float(raw["total"])
    prior = {name: math.log(t.total) - math.log(total) for name, t in classes.items()}
    vocabulary = frozenset(w for t in classes.values() for w in t.counts if len(w) > 1)
    stop_text = (base / "normal" / "stopwords.txt").read_text("utf-8")
    stopwords = frozenset(w.strip() for w in stop_text.splitlines() if w.strip())
    return SnowTables(classes, prior, vocabulary, stopwords)


def _segment(text: str, vocabulary: frozenset[str]) -> list[str]:
    words: list[str] = []
    i = 0
    while i < len(text):
        for n in range(min(_MAX_WORD_CHARS, len(text) - i), 0, -1):
            if n == 1 or text[i : i + n] in vocabulary:
                words.append(text[i : i + n])
                i += n
                break
    return words


def snow_positive(clean: str) -> float:
    """P(positive) under snownlp's shopping-review model, for cleaned text."""
    tables = load_tables()
    if tables is None or not clean:
        return 0.5
    words = [w for w in _segment(clean, tables.vocabulary) if w not in tables.stopwords]
    logp = dict(tables.prior_log)
    for name, table in tables.classes.items():
        for word in words:
            logp[name] += math.log(table.counts.get(word, table.unseen) / table.total)
    diff = max(-50.0, min(50.0, logp["neg"] - logp["pos"]))
    return 1.0 / (1.0 + math.exp(diff))
