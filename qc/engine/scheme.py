"""The scoring scheme (rules/schemes/*.yaml): points, sections, veto, bands, flags, review."""

from __future__ import annotations

from pydantic import Field, model_validator

from qc.engine.schema import Category, Severity, Strict


class SeverityPoints(Strict):
    """Points of a rule that gives none, by severity."""

    minor: float = Field(default=5, ge=0, description="default points of a minor rule")
    major: float = Field(default=10, ge=0, description="default points of a major rule")
    fatal: float = Field(
        default=20, ge=0, description="default points of a fatal rule (it also vetoes)"
    )


class SectionSpec(Strict):
    weight: float = Field(
        default=1.0, ge=0, description="multiplies the points of the section's rules"
    )
    cap: float | None = Field(
        default=None, ge=0, description="at most this many points deducted in the section"
    )


class Band(Strict):
    name: str = Field(min_length=1, description="band name, e.g. 优秀")
    min: float = Field(description="lowest score in the band")


class VetoSpec(Strict):
    severities: list[Severity] = Field(
        default=["fatal"], description="a confirmed hit of these fails the call"
    )
    categories: list[Category] = Field(default_factory=list, description="… or of these categories")
    score: float = Field(default=0, description="the score of a vetoed call")


class FlagSpec(Strict):
    below: float = Field(default=60, description="flag calls scoring below this")
    severities: list[Severity] = Field(
        default=["major", "fatal"], description="flag calls with a hit of these"
    )
    categories: list[Category] = Field(
        default=["customer_negative", "complaint_risk"],
        description="flag calls with a hit in these categories",
    )
    on_review: bool = Field(default=True, description="flag calls with anything that needs review")
    on_error: bool = Field(default=True, description="flag calls where a rule errored")


class ReviewSpec(Strict):
    min_confidence: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="evidence on words below this ASR confidence is not deducted automatically",
    )


def _default_bands() -> list[Band]:
    return [
        Band(name=n, min=m) for n, m in (("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0))
    ]


class Scheme(Strict):
    """How hits become a score, a band and a flag."""

    name: str = Field(default="default", description="scheme name")
    description: str = Field(default="", description="notes")
    start: float = Field(default=100, description="score before any deduction")
    floor: float = Field(default=0, description="lowest possible score")
    ceiling: float | None = Field(
        default=None, description="highest possible score; default: start"
    )
    severity_points: SeverityPoints = Field(
        default_factory=SeverityPoints, description="default points"
    )
    observations: list[Category] = Field(
        default=["customer_negative", "complaint_risk"],
        description="categories that deduct nothing unless a rule sets its points",
    )
    sections: dict[str, SectionSpec] = Field(
        default_factory=dict, description="weights and caps by section"
    )
    veto: VetoSpec = Field(default_factory=VetoSpec, description="一票否决")
    bands: list[Band] = Field(
        default_factory=_default_bands, min_length=1, description="highest first"
    )
    flag: FlagSpec = Field(
        default_factory=FlagSpec, description="when a call goes to the review queue"
    )
    review: ReviewSpec = Field(default_factory=ReviewSpec, description="confidence-aware review")

    @model_validator(mode="after")
    def _check(self) -> Scheme:
        mins = [b.min for b in self.bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("bands must be listed highest first, with distinct min")
        if self.floor > self.start:
            raise ValueError("floor must not exceed start")
        return self

    def band(self, score: float) -> str | None:
        return next((b.name for b in self.bands if score >= b.min), None)
