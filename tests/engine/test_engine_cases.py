"""Synthetic calls for inline cases: times, rates, metric overrides, sentiment labels."""

from __future__ import annotations

import pytest

from qc.engine.cases import CHARS_PER_S, case_features, case_transcript, run_case
from qc.engine.schema import Case, CaseLine
from qc.types import Features


def case(*lines: dict[str, object], **metrics: float) -> Case:
    return Case(
        name="c",
        expect="pass",
        transcript=[CaseLine(**ln) for ln in lines],  # type: ignore[arg-type]
        metrics=metrics or None,
    )


def test_times_are_synthesised_at_a_calm_rate() -> None:
    t = case_transcript(
        case({"agent": "您好，星海银行客服中心，很高兴为您服务。"}, {"customer": "你好"})
    )
    first, second = t.utterances
    assert first.start_s == 0.5 and second.start_s == pytest.approx(first.end_s + 0.3)
    assert CHARS_PER_S * 60 == 240
    assert all(r.chars_per_min <= 240 for r in t.metrics.agent_rates)
    assert [c.has_speech for c in t.channel_info] == [True, True]


def test_given_times_are_kept() -> None:
    t = case_transcript(case({"agent": "您好", "start_s": 2.0, "end_s": 3.0}))
    assert (t.utterances[0].start_s, t.utterances[0].end_s) == (2.0, 3.0)


def test_max_silence_override_stretches_the_timeline() -> None:
    t = case_transcript(
        case({"agent": "请稍等。"}, {"agent": "好的"}, {"customer": "嗯嗯好的"}, max_silence_s=12)
    )
    assert t.metrics.max_silence_s == 12
    assert max(s.duration_s for s in t.metrics.silences) == pytest.approx(12)


def test_scalar_overrides() -> None:
    t = case_transcript(case({"agent": "您好"}, interruptions=3, agent_talk_ratio=0.9))
    assert (t.metrics.interruptions, t.metrics.agent_talk_ratio) == (3, 0.9)


def test_sentiment_labels_in_lines_become_features() -> None:
    c = case({"customer": "太过分了", "sentiment": "negative"}, {"agent": "规定如此"})
    feats = case_features(c, case_transcript(c), lambda _t: Features())
    assert [(s.label, s.score) for s in feats.sentiment] == [("negative", 0.9), ("neutral", 0.5)]


def test_case_without_data_is_skipped(ruleset_of: object) -> None:
    from tests.engine.conftest import rule_yaml

    rs = ruleset_of({"t.yaml": rule_yaml("{sentiment: {label: negative}}")})  # type: ignore[operator]
    result = run_case(rs.rules[0], case({"customer": "太过分了"}), lambda _t: Features())
    assert (result.got, result.ok) == ("skip", None)
