"""The strict schema of a rule pack: pack, rule and inline test case (``extra="forbid"``).

Conditions (``when``/``unless``) are validated by the condition compiler against the operator
registry; everything else here. The taxonomy is DESIGN.md's: reports and outside evaluations
group by it, so a rule cannot invent a category.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Category = Literal[
    "greeting", "identity_verification", "closing", "mandatory_disclosure", "prohibited_promise",
    "misleading_statement", "abusive_language", "collection_threat", "sensitive_info_request",
    "privacy_leak", "dead_air", "interruption", "speech_rate", "empathy_gap", "customer_negative",
    "complaint_risk",
]  # fmt: skip
CATEGORIES: tuple[str, ...] = get_args(Category)
Severity = Literal["minor", "major", "fatal"]
SEVERITIES: tuple[str, ...] = get_args(Severity)
Label = Literal["negative", "neutral", "positive", "empathetic", "rude"]
ID_PATTERN = r"^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+$"
PACK_PATTERN = r"^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$"
PIECE_NAME = r"[a-z][a-z0-9_]*"  # a named regex piece of a pack (PackSpec.patterns)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseLine(Strict):
    """One utterance of a test case: exactly one of ``agent`` / ``customer``."""

    agent: str | None = Field(default=None, description="what the agent says")
    customer: str | None = Field(default=None, description="what the customer says")
    start_s: float | None = Field(
        default=None, ge=0, description="start time; default: synthesised"
    )
    end_s: float | None = Field(
        default=None, ge=0, description="end time; default: about 4 chars per second"
    )
    confidence: float = Field(
        default=1.0, ge=0, le=1, description="ASR confidence of the utterance"
    )
    sentiment: Label | None = Field(
        default=None, description="sentiment label to use instead of qc.sentiment"
    )
    sentiment_score: float = Field(default=0.9, ge=0, le=1, description="probability of that label")

    @model_validator(mode="after")
    def _one_speaker(self) -> CaseLine:
        if (self.agent is None) == (self.customer is None):
            raise ValueError("give exactly one of agent/customer")
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError("end_s must be after start_s")
        return self

    @property
    def role(self) -> Literal["agent", "customer"]:
        return "agent" if self.agent is not None else "customer"

    @property
    def text(self) -> str:
        return self.agent if self.agent is not None else (self.customer or "")


class MetricOverrides(Strict):
    """Metric values that replace the ones computed from the case's lines."""

    max_silence_s: float | None = Field(
        default=None, ge=0, description="longest silence (inserted into the timeline)"
    )
    interruptions: int | None = Field(default=None, ge=0, description="agent interruptions")
    agent_chars_per_min: float | None = Field(default=None, ge=0, description="agent speech rate")
    agent_talk_ratio: float | None = Field(
        default=None, ge=0, le=1, description="agent share of talk time"
    )
    duration_s: float | None = Field(default=None, ge=0, description="call duration")
    turns: int | None = Field(default=None, ge=0, description="number of utterances")


class Case(Strict):
    """An inline test of a rule, run by ``qc rules test``."""

    name: str = Field(min_length=1, description="what the case shows")
    expect: Literal["pass", "hit"] = Field(description="hit: the rule must fire; pass: it must not")
    transcript: list[CaseLine] = Field(min_length=1, description="the call, one line per utterance")
    metrics: MetricOverrides | None = Field(default=None, description="metric overrides")
    description: str = Field(default="", description="notes")


class RuleSpec(Strict):
    """One rule."""

    id: str = Field(pattern=ID_PATTERN, description="pack.name; unique across all packs")
    title: str = Field(min_length=1, description="short Chinese title shown to reviewers")
    description: str = Field(default="", description="what the rule checks and why")
    category: Category = Field(description="exactly one category of the DESIGN.md taxonomy")
    severity: Severity = Field(description="minor | major | fatal (fatal vetoes the call)")
    points: float | None = Field(
        default=None, ge=0, description="points deducted (or added); default per severity"
    )
    effect: Literal["deduct", "add"] = Field(
        default="deduct", description="deduct (default) or add the points"
    )
    section: str | None = Field(default=None, description="scoring section; default: the pack's")
    enabled: bool = Field(default=True, description="false: loaded and linted but not evaluated")
    when: dict[str, Any] = Field(description="the condition under which the rule hits")
    unless: dict[str, Any] | None = Field(
        default=None, description="no hit when this condition matches"
    )
    cases: list[Case] = Field(default_factory=list, description="inline tests")
    tags: list[str] = Field(default_factory=list, description="free labels for reports")


class PackSpec(Strict):
    """A rule file."""

    pack: str = Field(pattern=PACK_PATTERN, description="pack name; rule ids start with it")
    section: str | None = Field(default=None, description="default scoring section of the rules")
    description: str = Field(default="", description="what the pack covers")
    key_terms: list[str] = Field(
        default_factory=list, description="domain terms offered to the ASR as vocabulary bias"
    )
    patterns: dict[Annotated[str, StringConstraints(pattern=f"^{PIECE_NAME}$")], str] = Field(
        default_factory=dict,
        description="named regex pieces, used in this file's regex patterns as {{name}}",
    )
    rules: list[Any] = Field(description="the rules (each validated as a rule)")
