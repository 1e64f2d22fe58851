"""Per-utterance sentiment: the customer model (negative/neutral/positive) or the agent model
(empathetic/neutral/rude), with the calibrated probability of the label and the cues that fired.

Role ``unknown`` uses the customer model: an unattributed turn is more often the caller's
complaint than the agent's script, and a customer label is the safer one to route to review.
"""

from __future__ import annotations

from dataclasses import dataclass

from qc.sentiment.features import extract
from qc.sentiment.lexicon import Cue, shown_for
from qc.sentiment.model import load_model
from qc.types import UtteranceSentiment

EMPTY = UtteranceSentiment("neutral", 1.0, ())  # no words, no sentiment


def model_role(role: str) -> str:
    """Which model reads an utterance of ``role``."""
    if role not in ("agent", "customer", "unknown"):
        raise ValueError(f"unknown role {role!r} (known: agent, customer, unknown)")
    return "agent" if role == "agent" else "customer"


@dataclass(frozen=True, slots=True)
class Scored:
    """An utterance's label with everything the call analysis needs beyond it."""

    sentiment: UtteranceSentiment
    probabilities: dict[str, float]  # calibrated, every class of the model
    cues: tuple[Cue, ...]  # all lexicon cues, also the other role's

    def probability(self, label: str) -> float:
        return self.probabilities.get(label, 0.0)


def score(text: str, role: str) -> Scored:
    """Label, probabilities and cues of one utterance (text raw or normalised)."""
    which = model_role(role)
    ex = extract(text)
    if not ex.view.clean:
        return Scored(EMPTY, {EMPTY.label: 1.0}, ())
    probabilities = load_model(which).probabilities(ex)
    label = max(probabilities, key=probabilities.__getitem__)
    sentiment = UtteranceSentiment(label, round(probabilities[label], 4), shown_for(which, ex.cues))
    return Scored(sentiment, probabilities, ex.cues)


def analyse_utterance(text: str, role: str = "customer") -> UtteranceSentiment:
    """Sentiment of one utterance: ``role`` is ``customer``, ``agent`` or ``unknown``.

    Customer (and unknown): ``negative`` / ``neutral`` / ``positive``; agent: ``empathetic`` /
    ``neutral`` / ``rude``. ``score`` is the calibrated probability of ``label``; ``cues`` are the
    lexicon cues of that role that fired (``category:phrase``, ``~heard`` for a homophone).
    """
    return score(text, role).sentiment
