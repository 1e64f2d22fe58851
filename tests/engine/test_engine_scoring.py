"""Scoring: deductions, sections, veto, bands, flags, confidence-aware review, unless."""

from __future__ import annotations

from typing import Any

import pytest

from qc.engine import evaluate
from qc.types import Transcript, Utterance, Word
from tests.engine.conftest import make_call, rule_yaml

A, C = "agent", "customer"
CALL = make_call(
    (A, "喂，什么事？"),
    (C, "我要投诉你们！"),
    (A, "我保证您的贷款百分之百能批下来。"),
    (A, "行了，挂了。"),
)
HAS_PROMISE = "{phrase: {any: [保证]}}"
NO_GREETING = "{absence: {of: {phrase: {any: [您好], first: 1}}}}"


def pack(*rules: str) -> str:
    body = "".join(r.split("rules:\n", 1)[1] for r in rules)
    return "pack: t\nsection: 服务\nrules:\n" + body


def rule(rule_id: str, when: str, **fields: Any) -> str:
    return rule_yaml(when, rule_id=f"t.{rule_id}", **fields)


@pytest.mark.parametrize(
    ("rules", "scheme", "score", "band", "vetoed"),
    [
        pytest.param([rule("a", NO_GREETING, points=5)], None, 95, "优秀", False, id="minor"),
        pytest.param(
            [rule("a", NO_GREETING), rule("b", HAS_PROMISE, severity="major")],
            None,
            85,
            "良好",
            False,
            id="default-points",
        ),
        pytest.param(
            [rule("a", NO_GREETING, points=30), rule("b", HAS_PROMISE, points=30)],
            "sections: {服务: {cap: 40}}\n",
            60,
            "合格",
            False,
            id="section-cap",
        ),
        pytest.param(
            [rule("a", NO_GREETING, points=10)],
            "sections: {服务: {weight: 2}}\n",
            80,
            "良好",
            False,
            id="section-weight",
        ),
        pytest.param(
            [rule("a", HAS_PROMISE, severity="fatal", points=1)], None, 0, "不合格", True, id="veto"
        ),
        pytest.param(
            [rule("a", NO_GREETING, points=80), rule("b", NO_GREETING, points=80)],
            None,
            0,
            "不合格",
            False,
            id="floor",
        ),
        pytest.param(
            [rule("a", NO_GREETING, points=5), rule("b", HAS_PROMISE, points=3, effect="add")],
            None,
            98,
            "优秀",
            False,
            id="addition",
        ),
        pytest.param(
            [rule("a", "{phrase: {any: [投诉], role: customer}}", category="complaint_risk")],
            None,
            100,
            "优秀",
            False,
            id="observation-deducts-nothing",
        ),
        pytest.param(
            [rule("a", NO_GREETING, points=5, enabled="false")],
            None,
            100,
            "优秀",
            False,
            id="disabled",
        ),
    ],
)
def test_score(
    ruleset_of: Any, rules: list[str], scheme: str | None, score: float, band: str, vetoed: bool
) -> None:
    card = evaluate(ruleset_of({"t.yaml": pack(*rules)}, scheme), CALL)
    assert (card.score, card.band, card.vetoed) == (score, band, vetoed)
    assert card.rules_version.startswith("sha256:")


def test_hit_carries_signed_points_and_evidence(ruleset_of: Any) -> None:
    card = evaluate(ruleset_of({"t.yaml": pack(rule("b", HAS_PROMISE, severity="major"))}), CALL)
    (hit,) = card.hits
    assert (hit.rule_id, hit.points, hit.section, hit.needs_review) == ("t.b", -10, "服务", False)
    assert hit.evidence[0].utterance == 2 and hit.evidence[0].matched == "保证"


@pytest.mark.parametrize(
    ("rules", "flagged", "reason"),
    [
        pytest.param([rule("a", NO_GREETING, points=5)], False, None, id="minor-not-flagged"),
        pytest.param(
            [rule("a", NO_GREETING, points=45)], True, "score_below: 55 < 60", id="low-score"
        ),
        pytest.param(
            [rule("a", HAS_PROMISE, severity="major")], True, "severity: major t.a", id="major"
        ),
        pytest.param(
            [rule("a", "{phrase: {any: [投诉], role: customer}}", category="complaint_risk")],
            True,
            "category: complaint_risk t.a",
            id="observation",
        ),
        pytest.param([rule("a", HAS_PROMISE, severity="fatal")], True, "veto: t.a", id="veto"),
    ],
)
def test_flags(ruleset_of: Any, rules: list[str], flagged: bool, reason: str | None) -> None:
    card = evaluate(ruleset_of({"t.yaml": pack(*rules)}), CALL)
    assert card.flagged is flagged
    if reason:
        assert any(r.startswith(reason) for r in card.flag_reasons), card.flag_reasons


def _mumbled(probability: float) -> Transcript:
    """CALL with the promise utterance heard at ``probability`` (word level)."""
    utts = list(CALL.utterances)
    u = utts[2]
    words = tuple(Word(u.start_s, u.end_s, ch, probability) for ch in u.text)
    utts[2] = Utterance(
        u.index, u.role, u.channel, u.start_s, u.end_s, u.text, u.raw_text, words, probability
    )
    return Transcript(CALL.source, CALL.duration_s, 2, tuple(utts), CALL.metrics, CALL.channel_info)


@pytest.mark.parametrize(("probability", "review"), [(0.3, True), (0.9, False)])
def test_low_confidence_evidence_needs_review_and_does_not_deduct(
    ruleset_of: Any, probability: float, review: bool
) -> None:
    ruleset = ruleset_of({"t.yaml": pack(rule("a", HAS_PROMISE, severity="fatal"))})
    card = evaluate(ruleset, _mumbled(probability))
    (hit,) = card.hits
    assert hit.needs_review is review and card.needs_review is review
    if review:
        assert (hit.points, card.score, card.vetoed) == (0, 100, False)
        assert "置信度低（0.30 < 0.5）" in (hit.review_reason or "")
        assert "确认后计 -20 分" in (hit.review_reason or "")
        assert any(r.startswith("needs_review: t.a") for r in card.flag_reasons)
    else:
        assert card.vetoed and card.score == 0


def test_absence_over_a_low_confidence_region_needs_review(ruleset_of: Any) -> None:
    call = make_call({"agent": "喂，什么事？", "confidence": 0.2}, (C, "你好"))
    card = evaluate(ruleset_of({"t.yaml": pack(rule("a", NO_GREETING, points=5))}), call)
    (hit,) = card.hits
    assert hit.needs_review and hit.points == 0 and card.score == 100


def test_absence_on_a_silent_channel_is_not_scored(ruleset_of: Any) -> None:
    call = make_call((C, "喂？喂？有人吗？"))
    card = evaluate(ruleset_of({"t.yaml": pack(rule("a", NO_GREETING, points=5))}), call)
    assert card.hits == () and card.score == 100
    assert card.needs_review and card.flagged
    assert card.not_evaluated == ("t.a: 坐席声道无语音，缺失类规则未评分",)
    assert card.flag_reasons[0].startswith("not_scored: t.a")


def test_rule_without_its_data_is_not_evaluated_and_not_flagged(ruleset_of: Any) -> None:
    ruleset = ruleset_of({"t.yaml": pack(rule("a", "{sentiment: {label: negative}}"))})
    card = evaluate(ruleset, CALL)
    assert card.hits == () and not card.flagged and not card.needs_review
    assert card.not_evaluated[0].startswith("t.a: 无情感特征")


@pytest.mark.parametrize(
    ("unless", "hit"),
    [
        pytest.param("{phrase: {any: [投诉], role: customer}}", False, id="exempted"),
        pytest.param("{phrase: {any: [拜拜]}}", True, id="not-exempted"),
    ],
)
def test_unless(ruleset_of: Any, unless: str, hit: bool) -> None:
    text = rule("a", HAS_PROMISE, unless=unless)
    card = evaluate(ruleset_of({"t.yaml": pack(text)}), CALL)
    assert bool(card.hits) is hit


def test_undecidable_unless_sends_the_hit_to_review(ruleset_of: Any) -> None:
    text = rule("a", HAS_PROMISE, points=5, unless="{sentiment: {label: negative}}")
    card = evaluate(ruleset_of({"t.yaml": pack(text)}), CALL)
    (hit,) = card.hits
    assert hit.needs_review and hit.points == 0


def test_empty_call_is_not_scored_but_reviewed(ruleset_of: Any) -> None:
    from qc.types import Metrics

    empty = Transcript("empty", 0.0, 2, (), Metrics(0.0, 0))
    card = evaluate(
        ruleset_of({"t.yaml": pack(rule("a", NO_GREETING), rule("b", HAS_PROMISE))}), empty
    )
    assert (card.hits, card.score, card.errored_rules) == ((), 100, ())
    assert card.needs_review and card.not_evaluated[0].startswith("t.a:")
