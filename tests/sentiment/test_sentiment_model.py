"""The shipped models: held-out accuracy (a real check), freshness against the data."""

from __future__ import annotations

import pytest

from qc.sentiment.dataset import read_examples
from qc.sentiment.model import CLASSES, data_fingerprint, load_model
from qc.sentiment.utterance import score

MIN_HELDOUT_ACCURACY = 0.85  # issue 4


@pytest.mark.parametrize("role", list(CLASSES))
def test_heldout_accuracy(role: str) -> None:
    examples = read_examples(role, "heldout")
    assert len(examples) >= 100
    correct = sum(score(text, role).sentiment.label == label for label, text in examples)
    accuracy = correct / len(examples)
    assert accuracy >= MIN_HELDOUT_ACCURACY, f"{role} held-out accuracy {accuracy:.3f}"


@pytest.mark.parametrize("role", list(CLASSES))
def test_shipped_model_matches_training_data(role: str) -> None:
    assert load_model(role).data_sha256 == data_fingerprint(role), (
        f"model_{role}.json is stale: run python -m qc.sentiment.train"
    )


@pytest.mark.parametrize("role", list(CLASSES))
def test_training_and_heldout_do_not_overlap(role: str) -> None:
    train = {text for _, text in read_examples(role, "train")}
    heldout = {text for _, text in read_examples(role, "heldout")}
    assert not train & heldout
    assert len(train) >= 300


@pytest.mark.parametrize("role", list(CLASSES))
def test_probabilities_are_a_distribution(role: str) -> None:
    s = score("我想问一下还款日", role)
    assert set(s.probabilities) == set(CLASSES[role])
    assert sum(s.probabilities.values()) == pytest.approx(1.0)
    assert s.sentiment.score == pytest.approx(max(s.probabilities.values()), abs=1e-4)


@pytest.mark.slow
def test_training_reproduces_the_shipped_models() -> None:
    from qc.sentiment.train import main

    assert main(["--check"]) == 0
