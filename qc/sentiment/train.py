"""Fit the customer and agent models and write ``data/model_<role>.json``.

Run ``python -m qc.sentiment.train`` after editing ``data/<role>.tsv`` or ``data/lexicon.tsv``
(a test fails while a model is stale). ``--check`` refits and compares with the shipped files.

Deterministic: fixed folds, lbfgs, no sampling. Chooses C, the class weighting and the weight of
the dense (lexicon + snownlp) block by 5-fold cross-validation on the training split only, then
fits a temperature on the out-of-fold logits so that the score is a calibrated probability.
The held-out split is never read here.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from qc.sentiment.dataset import read_examples
from qc.sentiment.features import DENSE_NAMES, Extracted, extract
from qc.sentiment.model import BLOCKS, CLASSES, data_fingerprint, model_from_dict

GRID: dict[str, tuple[Any, ...]] = {
    "C": (3.0, 10.0, 30.0),
    "dense_scale": (0.3, 1.0),
    "class_weight": (None, "balanced"),
}
FOLDS = 5


@dataclass
class Fitted:
    vectorizers: dict[str, TfidfVectorizer]
    lr: LogisticRegression
    dense_scale: float


def _identity(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tokens


def _matrix(fitted: Fitted, rows: list[Extracted], fit: bool = False) -> Any:
    parts = []
    for name in BLOCKS:
        docs = [getattr(r, name) for r in rows]
        vec = fitted.vectorizers[name]
        parts.append(vec.fit_transform(docs) if fit else vec.transform(docs))
    dense = np.array([[r.dense[n] for n in DENSE_NAMES] for r in rows]) * fitted.dense_scale
    parts.append(sparse.csr_matrix(dense))
    return sparse.hstack(parts).tocsr()


def fit(rows: list[Extracted], labels: list[str], params: dict[str, Any]) -> Fitted:
    vectorizers = {
        name: TfidfVectorizer(analyzer=_identity, sublinear_tf=True, lowercase=False)
        for name in BLOCKS
    }
    # newton-cg: 7 iterations where lbfgs needs 30+, and deterministic.
    lr = LogisticRegression(
        C=params["C"], class_weight=params["class_weight"], solver="newton-cg", max_iter=1000
    )
    fitted = Fitted(vectorizers, lr, params["dense_scale"])
    lr.fit(_matrix(fitted, rows, fit=True), labels)
    return fitted


def out_of_fold(rows: list[Extracted], labels: list[str], params: dict[str, Any]) -> Any:
    """Out-of-fold logits, columns in sorted class order (scikit-learn's ``classes_``)."""
    logits = np.zeros((len(rows), len(set(labels))))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    for train_idx, test_idx in folds.split(rows, labels):
        fitted = fit([rows[i] for i in train_idx], [labels[i] for i in train_idx], params)
        logits[test_idx] = fitted.lr.decision_function(_matrix(fitted, [rows[i] for i in test_idx]))
    return logits


def _nll(logits: Any, y: Any, temperature: float) -> float:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(y)), y].mean())


def select(rows: list[Extracted], labels: list[str]) -> tuple[dict[str, Any], float, float]:
    """Best parameters by CV accuracy (NLL breaks ties), their accuracy, and the temperature."""
    classes = sorted(set(labels))
    y = np.array([classes.index(lab) for lab in labels])
    best: tuple[float, float, dict[str, Any], Any] | None = None
    for values in itertools.product(*GRID.values()):
        params = dict(zip(GRID, values, strict=True))
        logits = out_of_fold(rows, labels, params)
        acc = float((logits.argmax(axis=1) == y).mean())
        key = (acc, -_nll(logits, y, 1.0))
        print(f"  {params} cv_acc={acc:.3f}", file=sys.stderr)
        if best is None or key > best[:2]:
            best = (*key, params, logits)
    assert best is not None  # GRID is not empty
    acc, _, params, logits = best
    res = minimize_scalar(lambda t: _nll(logits, y, math.exp(t)), bounds=(-3, 3), method="bounded")
    return params, acc, math.exp(float(res.x))


def export(role: str, fitted: Fitted, temperature: float) -> dict[str, Any]:
    """The JSON form read by ``qc.sentiment.model`` (classes in the role's order)."""
    order = [list(fitted.lr.classes_).index(c) for c in CLASSES[role]]
    coef, offset = fitted.lr.coef_[order], 0
    blocks: dict[str, dict[str, list[float]]] = {}
    for name in BLOCKS:
        vec = fitted.vectorizers[name]
        vocab, idf = vec.vocabulary_, vec.idf_
        blocks[name] = {
            g: [round(float(idf[i]), 5), *(round(float(w), 5) for w in coef[:, offset + i])]
            for g, i in sorted(vocab.items())
        }
        offset += len(vocab)
    dense = {
        n: [round(float(w), 5) for w in coef[:, offset + i]] for i, n in enumerate(DENSE_NAMES)
    }
    return {
        "role": role, "classes": list(CLASSES[role]), "blocks": blocks, "dense": dense,
        "dense_scale": fitted.dense_scale,
        "intercept": [round(float(b), 5) for b in fitted.lr.intercept_[order]],
        "temperature": round(temperature, 4), "data_sha256": data_fingerprint(role),
    }  # fmt: skip


def _verify(role: str, raw: dict[str, Any], fitted: Fitted, rows: list[Extracted]) -> float:
    """Largest difference between scikit-learn's and the shipped inference's probabilities."""
    model = model_from_dict(raw)
    z = fitted.lr.decision_function(_matrix(fitted, rows)) / model.temperature
    ref = np.exp(z - z.max(axis=1, keepdims=True))
    ref /= ref.sum(axis=1, keepdims=True)
    order = [list(fitted.lr.classes_).index(c) for c in CLASSES[role]]
    ours = np.array([[model.probabilities(r)[c] for c in CLASSES[role]] for r in rows])
    return float(np.abs(ours - ref[:, order]).max())


def train_role(role: str) -> dict[str, Any]:
    examples = read_examples(role, "train")
    labels = [label for label, _ in examples]
    rows = [extract(text) for _, text in examples]
    params, acc, temperature = select(rows, labels)
    fitted = fit(rows, labels, params)
    raw = export(role, fitted, temperature)
    diff = _verify(role, raw, fitted, rows)
    print(f"{role}: {params} cv_acc={acc:.3f} T={temperature:.3f} max|Δp|={diff:.1e}")
    if diff > 1e-3:
        raise RuntimeError(f"shipped inference differs from scikit-learn by {diff}")
    return raw


def same_model(a: Any, b: Any, tolerance: float = 1e-3) -> bool:
    """Equal structure and keys, numbers within ``tolerance`` (BLAS builds differ in the last
    digits, and weights are rounded to five decimals)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_model(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            same_model(x, y, tolerance) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= tolerance
    return bool(a == b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=[*CLASSES, "all"], default="all")
    parser.add_argument("--check", action="store_true", help="refit and compare, write nothing")
    args = parser.parse_args(argv)
    data_dir = Path(str(resources.files("qc.sentiment").joinpath("data")))
    stale = []
    for role in CLASSES if args.role == "all" else (args.role,):
        # One BLAS thread: on a shared 2-core machine more threads made each fit 20x slower.
        with threadpool_limits(1):
            raw = train_role(role)
        text = json.dumps(raw, ensure_ascii=False, separators=(",", ":")) + "\n"
        path = data_dir / f"model_{role}.json"
        if args.check:
            if not path.exists() or not same_model(json.loads(path.read_text("utf-8")), raw):
                stale.append(path.name)
        else:
            path.write_text(text, "utf-8")
    if stale:
        print(f"stale: {', '.join(stale)}; run python -m qc.sentiment.train", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
