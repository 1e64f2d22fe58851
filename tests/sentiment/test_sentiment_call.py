"""Call-level signals on synthetic calls: empathy gaps, complaint risk, trajectory, rudeness."""

from __future__ import annotations

from qc.sentiment import analyse_call
from qc.types import Role, Utterance


def call(*turns: tuple[Role, str], step_s: float = 5.0) -> list[Utterance]:
    return [
        Utterance(i, role, 0 if role == "agent" else 1, i * step_s, i * step_s + 4.0, text, text)
        for i, (role, text) in enumerate(turns)
    ]


HARDSHIP_IGNORED = call(
    ("agent", "您好 星海金融 请问有什么可以帮您"),
    ("customer", "我想问一下这个月什么时候扣款"),
    ("agent", "您的还款日是二十五号"),
    ("customer", "我失业三个月了 真的还不上了"),
    ("agent", "逾期会上报征信 请您尽快处理"),
    ("agent", "请问您今天能还多少"),
    ("customer", "你们再天天打电话 我就去头诉 打一二三七八"),
    ("agent", "爱投诉投诉去 没钱还借什么钱"),
    ("customer", "好吧"),
)


def test_empathy_gap_carries_both_indices() -> None:
    result = analyse_call(HARDSHIP_IGNORED)
    gaps = {g.customer_utterance: g for g in result.empathy_gaps}
    assert gaps[3].agent_utterances == (4, 5)
    assert gaps[3].reason == "hardship"
    assert "hardship:失业" in gaps[3].cues
    assert gaps[6].agent_utterances == (7,)
    assert 1 not in gaps  # a neutral question needs no acknowledgement


def test_empathetic_reply_closes_the_gap() -> None:
    turns = call(
        ("customer", "我老公住院了 家里钱都花光了"),
        ("agent", "请问您的身份证后四位"),
        ("agent", "听到这个消息真的很难过 我们一起想办法 先帮您申请延期"),
    )
    assert analyse_call(turns).empathy_gaps == ()


def test_consecutive_distress_before_the_same_reply_counts_once() -> None:
    turns = call(
        ("customer", "我生病住院了"),
        ("customer", "真的一分钱都拿不出来"),
        ("agent", "那您什么时候能还"),
    )
    gaps = analyse_call(turns).empathy_gaps
    assert [(g.customer_utterance, g.agent_utterances) for g in gaps] == [(0, (2,))]


def test_no_agent_turn_after_is_not_judged() -> None:
    assert analyse_call(call(("agent", "您好"), ("customer", "我失业了还不上"))).empathy_gaps == ()


def test_complaint_risk_points_at_the_cue() -> None:
    risks = analyse_call(HARDSHIP_IGNORED).complaint_risk
    assert {(r.utterance, r.cue, r.heard) for r in risks} == {
        (6, "投诉", "头诉"),
        (6, "12378", "12378"),
    }
    assert risks[0].start_s == 30.0


def test_agent_mentions_of_complaints_are_not_a_risk() -> None:
    turns = call(("agent", "如果您对处理结果有异议 可以拨打投诉电话"), ("customer", "好的"))
    assert analyse_call(turns).complaint_risk == ()


def test_rude_and_empathetic_agent_turns() -> None:
    result = analyse_call(HARDSHIP_IGNORED)
    assert [r.utterance for r in result.rude_utterances] == [7]
    assert result.empathetic_utterances == ()


def test_alignment_and_roles() -> None:
    result = analyse_call(HARDSHIP_IGNORED)
    assert len(result.per_utterance) == len(HARDSHIP_IGNORED)
    assert result.per_utterance[7].label == "rude"
    assert result.per_utterance[1].label == "neutral"
    assert result.customer_negativity[0] is None  # agent
    assert result.customer_negativity[3] is not None


def test_trajectory_and_peak() -> None:
    turns = call(
        ("customer", "你好 我想问下还款日"),
        ("agent", "您的还款日是十五号"),
        ("customer", "什么 又扣了我两百 你们乱扣钱"),
        ("agent", "非常抱歉 我马上帮您查"),
        ("customer", "我要投诉你们 太过分了"),
        ("agent", "实在抱歉 多扣的钱会退给您"),
        ("customer", "好的 谢谢"),
        ("customer", "那就这样吧 谢谢你"),
    )
    result = analyse_call(turns)
    quarters = result.trajectory.quarters
    assert len(quarters) == 4
    assert quarters[0] is not None and quarters[0] < 0.5
    assert result.trajectory.start == quarters[0]
    assert result.peak is not None and result.peak.utterance in (2, 4)
    assert result.peak.start_s == turns[result.peak.utterance].start_s
    assert result.empathy_gaps == ()


def test_unknown_role_is_read_as_customer() -> None:
    result = analyse_call(call(("unknown", "我要投诉"), ("agent", "好的")))
    assert result.per_utterance[0].label == "negative"
    assert result.complaint_risk[0].utterance == 0


def test_empty_call() -> None:
    result = analyse_call([])
    assert result.per_utterance == ()
    assert result.peak is None
    assert result.trajectory.start is None and result.trajectory.change is None


def test_untimed_utterances_use_positions_for_quarters() -> None:
    turns = call(
        ("customer", "我要投诉"),
        ("customer", "嗯"),
        ("customer", "好"),
        ("customer", "谢谢"),
        step_s=0.0,
    )
    turns = [Utterance(u.index, u.role, u.channel, 0.0, 0.0, u.text, u.raw_text) for u in turns]
    quarters = analyse_call(turns).trajectory.quarters
    assert all(q is not None for q in quarters)
    assert quarters[0] is not None and quarters[3] is not None and quarters[0] > quarters[3]
