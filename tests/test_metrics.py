import numpy as np
import pytest

from qc.activity import channel_activity
from qc.metrics import MetricsOptions, compute_metrics
from tests.factories import utt


def test_silences_and_hold_notice() -> None:
    utts = [
        utt(0, "agent", 0.0, 3.0, "您好请问有什么可以帮您"),
        utt(1, "customer", 3.5, 6.0, "我想查一下余额"),
        utt(2, "agent", 6.5, 8.0, "好的请您稍等我帮您查一下"),
        utt(3, "agent", 20.0, 22.0, "让您久等了"),  # 12 s after a hold notice
        utt(4, "customer", 22.5, 24.0, "好"),
        utt(5, "agent", 34.0, 36.0, "还有别的问题吗"),  # 10 s with no notice
    ]
    m = compute_metrics(utts, duration_s=40.0)
    assert [(s.before, s.after, round(s.duration_s, 1), s.hold_notice) for s in m.silences] == [
        (2, 3, 12.0, True),
        (4, 5, 10.0, False),
    ]
    assert m.max_silence_s == 12.0
    assert m.turns == 6


def test_overlap_ignores_short_backchannel_and_counts_agent_interruption() -> None:
    utts = [
        utt(0, "customer", 0.0, 6.0, "我上个月明明已经还款了可是你们还在催"),
        utt(1, "agent", 2.0, 2.4, "嗯"),  # back-channel
        utt(2, "agent", 4.5, 8.0, "您听我说这个是系统的问题"),  # talks over the customer 1.5 s
        utt(3, "customer", 9.0, 11.0, "那怎么办"),
        utt(4, "agent", 10.8, 12.0, "我来处理"),  # 0.2 s overlap: turn-taking jitter
    ]
    m = compute_metrics(utts, duration_s=12.0)
    real = [o for o in m.overlaps if not o.backchannel]
    assert [(o.interrupter_utterance, o.interrupted_utterance) for o in real] == [(2, 0)]
    assert real[0].duration_s == pytest.approx(1.5)
    assert m.interruptions == 1


def test_speech_rate_excludes_short_utterances() -> None:
    utts = [
        utt(0, "agent", 0.0, 3.0, "您好这里是星海银行客服中心"),  # 13 chars / 3 s = 260/min
        utt(1, "agent", 4.0, 4.5, "好的"),  # too short
        utt(2, "customer", 5.0, 7.0, "我想问一下这个月什么时候扣款"),
    ]
    m = compute_metrics(utts, duration_s=8.0)
    assert [(r.utterance, r.chars_per_min) for r in m.agent_rates] == [(0, 260.0)]
    assert m.agent_chars_per_min == 260.0


def test_talk_ratio_and_empty_call() -> None:
    m = compute_metrics([utt(0, "agent", 0, 3), utt(1, "customer", 3, 4)], duration_s=5)
    assert m.agent_talk_ratio == 0.75
    empty = compute_metrics([], duration_s=5, options=MetricsOptions())
    assert (empty.turns, empty.max_silence_s, empty.agent_talk_ratio) == (0, 0.0, 0.0)


def test_overlap_not_heard_in_the_audio_is_dropped() -> None:
    # The customer's last word was stamped 1.5 s into the agent's turn, but the customer's channel
    # is silent there: no interruption. The second overlap is real on both channels.
    rate = 1000
    agent = np.zeros(20 * rate, dtype=np.float32)
    customer = np.zeros(20 * rate, dtype=np.float32)
    noise = np.random.default_rng(0).normal(0, 1e-4, 20 * rate).astype(np.float32)
    agent[5 * rate : 9 * rate] = 0.3
    agent[12 * rate : 16 * rate] = 0.3
    customer[0 : 4 * rate] = 0.3
    customer[10 * rate : 14 * rate] = 0.3
    utts = [
        utt(0, "customer", 0.0, 6.5, "好的明白了我今天晚上操作一下没有"),
        utt(1, "agent", 5.0, 9.0, "好的请问还有其他可以帮您的吗"),
        utt(2, "customer", 10.0, 14.0, "我上个月明明已经还款了"),
        utt(3, "agent", 12.0, 16.0, "您听我说这个是系统的问题"),
    ]
    activity = channel_activity([agent + noise, customer + noise], rate)
    m = compute_metrics(utts, 20.0, activity=activity)
    assert [(o.interrupter_utterance, o.duration_s) for o in m.overlaps] == [(3, 2.0)]
    assert m.interruptions == 1


@pytest.mark.parametrize(
    ("agent_text", "customer_answers", "hold"),
    [
        ("好的请您稍等", False, True),
        ("好的请您稍等", True, True),  # a request to wait covers the customer's reply too
        ("好的请您稍候不要挂机", False, True),
        ("好的我帮您查一下", False, False),  # announcing a lookup is not asking to wait
        ("麻烦报一下后四位我核实一下", True, False),
        ("麻烦您稍后骗客,电话不要刮断", False, True),  # ASR homophones of 稍候片刻, 挂断
    ],
    ids=[
        "wait",
        "wait-then-answer",
        "wait-hold-on",
        "lookup-only",
        "lookup-then-answer",
        "asr-homophones",
    ],
)
def test_hold_notice(agent_text: str, customer_answers: bool, hold: bool) -> None:
    utts = [utt(0, "agent", 0.0, 3.0, agent_text)]
    if customer_answers:
        utts.append(utt(1, "customer", 3.5, 5.0, "后四位是六六零三"))
    utts.append(utt(len(utts), "agent", 20.0, 22.0, "让您久等了"))
    (silence,) = compute_metrics(utts, duration_s=25.0).silences
    assert silence.hold_notice is hold
