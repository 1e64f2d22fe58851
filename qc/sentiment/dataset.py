"""The shipped labelled utterances (``data/*.tsv``: ``label<TAB>text`` with a header line).

``customer.tsv`` / ``agent.tsv`` train the models; ``*_heldout.tsv`` are never used for training
or tuning: the tests and ``bench/sentiment.py`` measure on them.
"""

from __future__ import annotations

from importlib import resources

from qc.sentiment.model import CLASSES

SPLITS = ("train", "heldout")


def read_examples(role: str, split: str = "train") -> list[tuple[str, str]]:
    """(label, text) pairs of one role and split, in file order; labels are checked."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")
    name = f"{role}.tsv" if split == "train" else f"{role}_heldout.tsv"
    text = resources.files("qc.sentiment").joinpath("data", name).read_text("utf-8")
    examples: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines()[1:], start=2):
        label, sep, utterance = line.partition("\t")
        if not sep or label not in CLASSES[role] or not utterance.strip():
            raise ValueError(f"{name}:{number}: expected '<label>\\t<text>', got {line!r}")
        examples.append((label, utterance))
    return examples
