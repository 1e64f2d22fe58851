"""qc.asr.guard on fake segments: phantom lines, loops, repeats, no-speech (RELIABILITY.md B6)."""

from __future__ import annotations

import pytest

from qc.asr.guard import GuardOptions, guard_segments, loop_phrase
from qc.types import Segment
from tests.factories import segment


def seg(text: str, start_s: float = 0.0, **kw: object) -> Segment:
    return segment(0, start_s, start_s + 2.0, text, **kw)


DROPPED = [
    ("subtitle-credits", "字幕由Amara.org社区提供", "phantom"),
    ("like-subscribe", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目", "phantom"),
    ("mingjing", "明镜与点点栏目", "phantom"),
    ("thanks-watching", "谢谢观看", "phantom"),
    ("thanks-watching-traditional", "謝謝觀看!", "phantom"),
    ("thanks-everyone-watching", "感谢大家的收看", "phantom"),
    ("subtitle-volunteer", "中文字幕志愿者 李宗盛", "phantom"),
    ("loop", "我们的产品我们的产品我们的产品我们的产品我们的产品", "loop"),
    ("loop-with-punct", "好的，谢谢。好的，谢谢。好的，谢谢。好的，谢谢。好的，谢谢。", "loop"),
    ("loop-after-prefix", "您好请问请问请问请问请问请问请问请问", "loop"),
    ("long-char-run", "啊啊啊啊啊啊啊啊啊啊啊啊", "loop"),
    ("empty", "  ", "no_speech"),
]


@pytest.mark.parametrize(("text", "reason"), [d[1:] for d in DROPPED], ids=[d[0] for d in DROPPED])
def test_hallucinations_are_dropped_with_a_reason(text: str, reason: str) -> None:
    result = guard_segments([seg(text)])
    assert result.kept == ()
    assert [d.reason for d in result.dropped] == [reason]
    assert not result.has_speech


KEPT = [
    ("greeting", "您好，工号1024为您服务"),
    ("yes-yes-yes", "对对对，好好好"),
    ("hello-hello", "喂喂喂，您好"),
    ("real-repetition", "我说的是逾期，逾期不是分期"),
    ("thanks", "好的谢谢您，再见"),
    ("numbers", "一一一二二二三三三"),
    ("follow", "请您关注一下还款日"),
]


@pytest.mark.parametrize("text", [k[1] for k in KEPT], ids=[k[0] for k in KEPT])
def test_real_speech_is_kept(text: str) -> None:
    result = guard_segments([seg(text)])
    assert result.dropped == ()
    assert result.has_speech


def test_same_text_in_a_row_keeps_the_first_only() -> None:
    segs = [
        seg("请您核实一下信息", 0.0),
        seg("请您核实一下信息", 2.0),
        seg("请您核实一下信息", 4.0),
    ]
    result = guard_segments(segs)
    assert [s.start_s for s in result.kept] == [0.0]
    assert [d.reason for d in result.dropped] == ["repeat", "repeat"]


def test_short_answers_may_repeat() -> None:
    # A customer saying 好的 twice, in separate segments, is real.
    result = guard_segments([seg("好的", 0.0), seg("好的", 3.0)])
    assert len(result.kept) == 2


def test_no_speech_needs_both_signals() -> None:
    quiet = seg("嗯", no_speech_prob=0.9, avg_logprob=-1.5)
    confident = seg("您好", 2.0, no_speech_prob=0.9, avg_logprob=-0.2)
    result = guard_segments([quiet, confident])
    assert [d.reason for d in result.dropped] == ["no_speech"]
    assert "no_speech_prob 0.90" in result.dropped[0].detail
    assert result.kept == (confident,)


def test_channel_with_only_phantoms_has_no_speech() -> None:
    result = guard_segments([seg("谢谢观看", 0.0), seg("字幕由Amara.org社区提供", 5.0)])
    assert not result.has_speech
    assert result.speech_s == 0.0
    assert len(result.dropped) == 2


def test_options_are_respected() -> None:
    text = "对对对对对对"
    assert loop_phrase(text) is None
    assert loop_phrase(text, GuardOptions(loop_max_single_char_run=3)) == "对"


def test_speech_seconds_count_kept_segments_only() -> None:
    result = guard_segments([seg("您好请问有什么可以帮您", 0.0), seg("谢谢观看", 10.0)])
    assert result.speech_s == pytest.approx(2.0)
    assert result.has_speech
