"""From rule results to a score: points, section weights and caps, veto, bands, flags, review.

Confidence-aware: a hit whose evidence was all heard below ``review.min_confidence`` (or an
absence over such a region) is kept with ``needs_review`` and deducts nothing until a reviewer
confirms it; the flag reasons say why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qc.engine.scheme import Scheme
from qc.types import RuleHit

if TYPE_CHECKING:
    from qc.engine.evaluate import RuleResult

MAX_EVIDENCE = 10


@dataclass(frozen=True, slots=True)
class Scorecard:
    hits: tuple[RuleHit, ...]
    score: float
    flagged: bool
    flag_reasons: tuple[str, ...] = ()
    band: str | None = None
    vetoed: bool = False
    errored_rules: tuple[str, ...] = ()
    needs_review: bool = False
    not_evaluated: tuple[str, ...] = ()  # "rule_id: reason" — data absent or not scorable
    rules_version: str = ""
    section_points: dict[str, float] = field(default_factory=dict)  # after caps


def rule_points(result: RuleResult, scheme: Scheme) -> float:
    """Signed points of a confirmed hit: negative deducts."""
    spec = result.rule.spec
    if spec.points is not None:
        base = spec.points
    elif spec.category in scheme.observations:
        base = 0.0
    else:
        base = getattr(scheme.severity_points, spec.severity)
    section = scheme.sections.get(result.rule.section or "")
    weight = section.weight if section else 1.0
    return base * weight * (1 if spec.effect == "add" else -1)


def make_hit(result: RuleResult, scheme: Scheme) -> RuleHit:
    spec, rule = result.rule.spec, result.rule
    found = sorted(result.found, key=lambda f: f.order)
    reasons = list(result.unscored)
    best = max((f.confidence for f in found), default=1.0)
    if best < scheme.review.min_confidence:
        reasons.append(f"证据的识别置信度低（{best:.2f} < {scheme.review.min_confidence:g}）")
    points = rule_points(result, scheme) + 0.0
    if reasons and points:
        reasons.append(f"确认后计 {points:+g} 分")
    return RuleHit(
        rule_id=rule.id,
        title=spec.title,
        category=spec.category,
        severity=spec.severity,
        points=0.0 if reasons else points,
        evidence=tuple(f.evidence for f in found[:MAX_EVIDENCE]),
        section=rule.section,
        needs_review=bool(reasons),
        review_reason="；".join(reasons) if reasons else None,
    )


def _total(hits: list[RuleHit], scheme: Scheme) -> tuple[float, dict[str, float]]:
    by_section: dict[str, list[float]] = defaultdict(list)
    for hit in hits:
        by_section[hit.section or ""].append(hit.points)
    totals: dict[str, float] = {}
    for name, points in by_section.items():
        deducted = -sum(p for p in points if p < 0)
        cap = scheme.sections[name].cap if name in scheme.sections else None
        if cap is not None:
            deducted = min(deducted, cap)
        totals[name] = sum(p for p in points if p > 0) - deducted
    ceiling = scheme.ceiling if scheme.ceiling is not None else scheme.start
    score = min(ceiling, max(scheme.floor, scheme.start + sum(totals.values())))
    return round(score, 2), totals


def _flags(
    results: list[RuleResult],
    hits: list[RuleHit],
    score: float,
    scheme: Scheme,
    veto: list[RuleHit],
) -> list[str]:
    f, out = scheme.flag, []
    out += [f"veto: {h.rule_id} {h.title}" for h in veto]
    if score < f.below:
        out.append(f"score_below: {score:g} < {f.below:g}")
    out += [
        f"severity: {h.severity} {h.rule_id} {h.title}" for h in hits if h.severity in f.severities
    ]
    out += [
        f"category: {h.category} {h.rule_id} {h.title}" for h in hits if h.category in f.categories
    ]
    if f.on_review:
        out += [f"needs_review: {h.rule_id}（{h.review_reason}）" for h in hits if h.needs_review]
        out += [
            f"not_scored: {r.rule.id}（{'；'.join(r.unscored)}）"
            for r in results
            if not r.matched and r.unscored
        ]
    if f.on_error:
        out += [f"rule_error: {r.rule.id}（{r.error}）" for r in results if r.error]
    return list(dict.fromkeys(out))


def score_call(results: list[RuleResult], scheme: Scheme, version: str = "") -> Scorecard:
    """The scorecard of one call from its rule results."""
    hits = [make_hit(r, scheme) for r in results if r.matched]
    score, sections = _total(hits, scheme)
    veto = [
        h
        for h in hits
        if not h.needs_review
        and (h.severity in scheme.veto.severities or h.category in scheme.veto.categories)
    ]
    if veto:
        score = scheme.veto.score
    reasons = _flags(results, hits, score, scheme, veto)
    errored = tuple(r.rule.id for r in results if r.error)
    unscored = [r for r in results if not r.matched and r.unscored]
    review = any(h.needs_review for h in hits) or bool(unscored) or bool(errored)
    not_evaluated = tuple(
        f"{r.rule.id}: {'；'.join(r.missing + r.unscored)}"
        for r in results
        if not r.matched and (r.missing or r.unscored)
    )
    return Scorecard(
        hits=tuple(hits),
        score=score,
        flagged=bool(reasons),
        flag_reasons=tuple(reasons),
        band=scheme.band(score),
        vetoed=bool(veto),
        errored_rules=errored,
        needs_review=review,
        not_evaluated=not_evaluated,
        rules_version=version,
        section_points=sections,
    )
