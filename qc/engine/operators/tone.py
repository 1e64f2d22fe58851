"""``tone``: the agent's tone per utterance (empathetic / neutral / rude), from qc.sentiment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from qc.engine.operators.sentiment import Sentiment, SentimentParams


class ToneParams(SentimentParams):
    role: Literal["agent"] = Field(default="agent", description="always the agent")
    label: Literal["empathetic", "neutral", "rude"] = Field(
        description="empathetic, neutral or rude"
    )


class Tone(Sentiment):
    """Agent utterances with a tone label."""

    name = "tone"
    params_model = ToneParams
