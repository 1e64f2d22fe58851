"""Sentiment, emotion and empathy per utterance and per call (issue 4).

- ``analyse_utterance(text, role)`` → ``qc.types.UtteranceSentiment``: customer (and unknown)
  utterances get negative/neutral/positive, agent utterances empathetic/neutral/rude, each with
  the calibrated probability of the label and the lexicon cues that fired.
- ``analyse_call(utterances)`` → ``CallSentiment``: per-utterance labels plus trajectory, peak
  negativity, empathy gaps, complaint risk and rude agent turns, all with utterance indices.

Why not snownlp alone: its model (shopping reviews) gets about 0.56 on three classes for
call-centre customer utterances and calls neutral questions negative (DESIGN.md). Here a
logistic model over character and pinyin n-grams, a domain cue lexicon and snownlp's score is
trained on hand-written call-centre utterances (``data/README.md``). Models load once per
process; ``python -m qc.sentiment.train`` rebuilds them.
"""

from __future__ import annotations

from qc.sentiment.call import (
    CallSentiment,
    ComplaintRisk,
    EmpathyGap,
    NegativityPeak,
    RudeUtterance,
    Trajectory,
    analyse_call,
)
from qc.sentiment.utterance import analyse_utterance

__all__ = [
    "CallSentiment",
    "ComplaintRisk",
    "EmpathyGap",
    "NegativityPeak",
    "RudeUtterance",
    "Trajectory",
    "analyse_call",
    "analyse_utterance",
]
