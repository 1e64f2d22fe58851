"""Frozen dataclasses that form the contracts between pipeline stages.

Times are seconds from the start of the recording, and every name carries its unit.
Stages: audio → asr (``Segment``) → roles/utterances (``Utterance``) → metrics (``Metrics``)
→ ``Transcript`` → features (``Features``) → engine (``RuleHit``) → ``Inspection``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["agent", "customer", "unknown"]
ROLES: tuple[Role, ...] = ("agent", "customer", "unknown")


@dataclass(frozen=True, slots=True)
class Word:
    """One ASR word (for Chinese usually one or two characters) with its timing and probability."""

    start_s: float
    end_s: float
    text: str
    probability: float


@dataclass(frozen=True, slots=True)
class Segment:
    """One ASR segment of one channel, or of one separated speaker of a mono recording."""

    channel: int
    start_s: float
    end_s: float
    text: str  # normalised: simplified Chinese, half-width
    raw_text: str  # as the model wrote it
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


@dataclass(frozen=True, slots=True)
class Utterance:
    """One speaker turn: consecutive segments of one channel/speaker merged together."""

    index: int
    role: Role
    channel: int  # audio channel (stereo) or speaker cluster (mono)
    start_s: float
    end_s: float
    text: str  # normalised display text; never rewritten by number conversion
    raw_text: str
    words: tuple[Word, ...] = ()
    confidence: float = 1.0  # mean word probability

    @property
    def duration_s(self) -> float:
        return max(0.0, self.end_s - self.start_s)


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """What the pipeline learned about one channel (or one mono speaker cluster)."""

    index: int
    role: Role
    has_speech: bool
    speech_s: float = 0.0
    dropped_segments: int = 0  # hallucinations removed by the guard
    mean_confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class Silence:
    """A span where nobody speaks, between utterances ``before`` and ``after`` (indices)."""

    start_s: float
    end_s: float
    before: int | None
    after: int | None
    hold_notice: bool = False  # the agent's preceding utterance announced a hold or a check

    @property
    def duration_s(self) -> float:
        return max(0.0, self.end_s - self.start_s)


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two speakers talking at once: ``interrupter`` started while ``interrupted`` was speaking."""

    start_s: float
    end_s: float
    interrupter: Role
    interrupted: Role
    interrupter_utterance: int
    interrupted_utterance: int
    backchannel: bool = False  # a short 嗯/对/好的 that does not count as an interruption

    @property
    def duration_s(self) -> float:
        return max(0.0, self.end_s - self.start_s)


@dataclass(frozen=True, slots=True)
class UtteranceRate:
    """The agent's speech rate on one utterance (short utterances are excluded)."""

    utterance: int
    chars_per_min: float


@dataclass(frozen=True, slots=True)
class Metrics:
    """Conversation metrics of one call, with positions so that rules can point at them."""

    duration_s: float
    turns: int
    silences: tuple[Silence, ...] = ()
    max_silence_s: float = 0.0
    overlaps: tuple[Overlap, ...] = ()
    interruptions: int = 0  # the agent talking over the customer, back-channels excluded
    agent_chars_per_min: float = 0.0
    agent_rates: tuple[UtteranceRate, ...] = ()
    agent_talk_s: float = 0.0
    customer_talk_s: float = 0.0
    agent_talk_ratio: float = 0.0  # agent talk time / all talk time


@dataclass(frozen=True, slots=True)
class Transcript:
    """A recording turned into role-labelled, normalised utterances plus conversation metrics."""

    source: str
    duration_s: float
    channels: int
    utterances: tuple[Utterance, ...]
    metrics: Metrics
    channel_info: tuple[ChannelInfo, ...] = ()
    asr_model: str = ""
    role_method: str = ""  # "configured", "content_cues", "diarized"
    role_confidence: float = 0.0
    incomplete: bool = False  # the file decoded shorter than its header declared
    decoded_ratio: float = 1.0
    sha256: str = ""

    def has_speech(self, role: Role) -> bool:
        """Whether any channel assigned to ``role`` carries speech (absence rules need it)."""
        return any(c.role == role and c.has_speech for c in self.channel_info) or any(
            u.role == role for u in self.utterances
        )


# --- features consumed by the rule engine ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UtteranceSentiment:
    """Per-utterance label. Customer: negative/neutral/positive; agent: empathetic/neutral/rude."""

    label: str
    score: float  # calibrated probability of ``label``
    cues: tuple[str, ...] = ()  # lexicon cues that fired, for the explanation


@dataclass(frozen=True, slots=True)
class Entity:
    """A typed span found in an utterance (PII, amounts, dates), supplied by an entity detector."""

    kind: str  # e.g. "card_number", "id_number", "phone_number", "sms_code", "amount"
    utterance: int
    start_char: int
    end_char: int
    value: str  # normalised value (digits); never logged for secrets
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Features:
    """Everything beyond the transcript that rules can test."""

    sentiment: tuple[UtteranceSentiment, ...] = ()  # aligned with Transcript.utterances
    call_sentiment: object | None = None  # qc.sentiment.CallSentiment when computed
    entities: tuple[Entity, ...] = ()


# --- engine output -----------------------------------------------------------------------------

Severity = Literal["minor", "major", "fatal"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a rule fired: where, the quoted words, and what matched or was measured."""

    utterance: int | None
    start_s: float
    end_s: float
    quote: str
    matched: str | None = None  # the phrase or pattern that matched
    value: float | None = None  # the measured value, for metric conditions
    threshold: float | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule_id: str
    title: str
    category: str
    severity: Severity
    points: float  # applied to the score: negative for a deduction, 0 when only observed
    evidence: tuple[Evidence, ...]
    section: str | None = None
    needs_review: bool = False
    review_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Inspection:
    """A scored, explained inspection of one call."""

    call_id: str
    transcript: Transcript
    features: Features
    hits: tuple[RuleHit, ...]
    score: float
    flagged: bool
    flag_reasons: tuple[str, ...] = ()
    band: str | None = None
    vetoed: bool = False
    errored_rules: tuple[str, ...] = ()
    rules_version: str = ""
    pipeline_version: str = ""
