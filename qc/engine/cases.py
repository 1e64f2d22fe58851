"""Inline rule test cases: a synthetic call from the case's lines, then that one rule on it.

Times are synthesised when a line gives none: 0.3 s between turns and 4 characters per second
(240 per minute, well under any speech-rate threshold). Metrics are computed by ``qc.metrics``
like on a real call; ``metrics: {max_silence_s: 12}`` stretches the longest gap to 12 s so that
per-silence rules see it too. Sentiment comes from the lines' ``sentiment:`` labels, else from
``qc.sentiment`` when it is available, else there is none (sentiment rules are then skipped).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from qc.engine.context import EvalContext
from qc.engine.evaluate import RuleResult, run_rule
from qc.engine.ruleset import CompiledRule, RuleSet
from qc.engine.schema import Case, CaseLine
from qc.engine.views import compact
from qc.metrics import compute_metrics
from qc.text.normalize import normalize
from qc.types import ChannelInfo, Features, Transcript, Utterance, UtteranceSentiment

log = logging.getLogger(__name__)
CHARS_PER_S = 4.0
GAP_S = 0.3
MIN_UTTERANCE_S = 0.8
LEAD_S = 0.5
FeaturesFn = Callable[[Transcript], Features]


def _utterances(lines: list[CaseLine]) -> list[Utterance]:
    out: list[Utterance] = []
    clock = LEAD_S
    for i, line in enumerate(lines):
        text = normalize(line.text)
        start = line.start_s if line.start_s is not None else clock
        length = max(MIN_UTTERANCE_S, len(compact(text)) / CHARS_PER_S)
        end = line.end_s if line.end_s is not None else start + length
        channel = 0 if line.role == "agent" else 1
        out.append(
            Utterance(i, line.role, channel, start, end, text, line.text, (), line.confidence)
        )
        clock = end + GAP_S
    return out


def _stretch_longest_gap(utts: list[Utterance], silence_s: float) -> list[Utterance]:
    """Make the longest gap between turns ``silence_s`` long by shifting what follows it."""
    if len(utts) < 2:
        return utts
    gaps = [(utts[k + 1].start_s - utts[k].end_s, k) for k in range(len(utts) - 1)]
    gap, k = max(gaps)
    shift = silence_s - gap
    return utts[: k + 1] + [
        dataclasses.replace(u, start_s=u.start_s + shift, end_s=u.end_s + shift)
        for u in utts[k + 1 :]
    ]


def case_transcript(case: Case, source: str = "case") -> Transcript:
    """The synthetic call of a case."""
    utts = _utterances(case.transcript)
    overrides = case.metrics.model_dump(exclude_none=True) if case.metrics else {}
    if "max_silence_s" in overrides:
        utts = _stretch_longest_gap(utts, overrides["max_silence_s"])
    duration = overrides.get("duration_s", max(u.end_s for u in utts) + LEAD_S)
    metrics = dataclasses.replace(compute_metrics(utts, duration), **overrides)
    info = tuple(
        ChannelInfo(ch, role, has_speech=any(u.role == role for u in utts))  # type: ignore[arg-type]
        for ch, role in enumerate(("agent", "customer"))
    )
    return Transcript(
        source,
        duration,
        2,
        tuple(utts),
        metrics,
        info,
        role_method="configured",
        role_confidence=1.0,
    )


def default_features(transcript: Transcript) -> Features:
    """Sentiment from ``qc.sentiment`` when it is installed and works; else no features."""
    try:
        from qc.sentiment import analyse_call  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return Features()
    try:
        call = analyse_call(transcript.utterances)
    except Exception:  # a broken sentiment model must not stop rule tests
        log.warning("qc.sentiment.analyse_call failed; rules run without sentiment", exc_info=True)
        return Features()
    return Features(sentiment=tuple(getattr(call, "per_utterance", ())), call_sentiment=call)


def case_features(case: Case, transcript: Transcript, fallback: FeaturesFn) -> Features:
    if not any(line.sentiment for line in case.transcript):
        return fallback(transcript)
    labels = [
        UtteranceSentiment(line.sentiment, line.sentiment_score)
        if line.sentiment
        else UtteranceSentiment("neutral", 0.5)
        for line in case.transcript
    ]
    return Features(sentiment=tuple(labels))


@dataclass(frozen=True, slots=True)
class CaseResult:
    rule_id: str
    case: str
    expect: str
    got: str  # hit | pass | skip (data missing) | error
    ok: bool | None  # None: skipped
    detail: str = ""


def _judge(rule: CompiledRule, case: Case, result: RuleResult) -> CaseResult:
    if result.error:
        return CaseResult(rule.id, case.name, case.expect, "error", False, result.error)
    if result.matched:
        ev = result.found[0].evidence if result.found else None
        detail = (ev.note or ev.quote) if ev else ""
        return CaseResult(rule.id, case.name, case.expect, "hit", case.expect == "hit", detail)
    if result.missing:
        return CaseResult(rule.id, case.name, case.expect, "skip", None, "；".join(result.missing))
    return CaseResult(
        rule.id, case.name, case.expect, "pass", case.expect == "pass", "；".join(result.unscored)
    )


def run_case(rule: CompiledRule, case: Case, fallback: FeaturesFn = default_features) -> CaseResult:
    transcript = case_transcript(case, f"{rule.source}#{case.name}")
    ctx = EvalContext(transcript, case_features(case, transcript, fallback))
    return _judge(rule, case, run_rule(rule, ctx))


def run_cases(ruleset: RuleSet, fallback: FeaturesFn = default_features) -> list[CaseResult]:
    """Every inline case of every rule (disabled rules included: they are still tested)."""
    return [run_case(rule, case, fallback) for rule in ruleset.rules for case in rule.spec.cases]
