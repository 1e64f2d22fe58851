"""Per-utterance labels: neutral questions stay neutral, cues decide the clear cases."""

from __future__ import annotations

import pytest

from qc.sentiment import analyse_utterance

CUSTOMER_CASES = [
    ("我想问一下这个月什么时候扣款", "neutral"),
    ("我想问一下这个月什么时候扣款啊你们那个", "neutral"),
    ("那个 提前还款要怎么操作", "neutral"),
    ("逾期一天罚息是多少", "neutral"),
    ("请问投诉电话是多少 我帮我妈问的", "neutral"),
    ("嗯 好的", "neutral"),
    ("身份证后四位是三五二七", "neutral"),
    ("我下周五之前一定还上", "neutral"),
    ("我失业了 现在真的还不上", "negative"),
    ("我老婆住院了 这个月实在拿不出钱", "negative"),
    ("你们凭什么乱扣我的钱", "negative"),
    ("再这样我就打12378投诉你们", "negative"),
    ("我真的很担心会上征信黑名单", "negative"),
    ("我对你们的服务一点都不满意", "negative"),
    ("好的 谢谢你啊 麻烦你了", "positive"),
    ("那我就放心了 太感谢了", "positive"),
    ("你们处理得很快 我很满意", "positive"),
]
AGENT_CASES = [
    ("理解您的心情 您别着急 我马上帮您查", "empathetic"),
    ("非常抱歉给您带来不便", "empathetic"),
    ("您的情况我了解了 我们一起想办法", "empathetic"),
    ("您的还款日是每月十五号", "neutral"),
    ("请您提供一下身份证后四位", "neutral"),
    ("根据合同约定 逾期会上报征信", "neutral"),
    ("你听不懂吗 我都说了三遍了", "rude"),
    ("爱办不办", "rude"),
    ("跟我说也没用", "rude"),
    ("没钱还借什么钱", "rude"),
    ("再不还我们就上门找你家里人", "rude"),
]


@pytest.mark.parametrize(("text", "label"), CUSTOMER_CASES, ids=[t for t, _ in CUSTOMER_CASES])
def test_customer_labels(text: str, label: str) -> None:
    result = analyse_utterance(text, "customer")
    assert result.label == label, result
    assert 0.0 <= result.score <= 1.0


@pytest.mark.parametrize(("text", "label"), AGENT_CASES, ids=[t for t, _ in AGENT_CASES])
def test_agent_labels(text: str, label: str) -> None:
    assert analyse_utterance(text, "agent").label == label


def test_unknown_role_uses_the_customer_model() -> None:
    assert analyse_utterance("我要投诉你们", "unknown").label == "negative"


@pytest.mark.parametrize("text", ["", "   ", "，。！"], ids=["empty", "spaces", "punctuation"])
def test_empty_text_is_neutral(text: str) -> None:
    assert analyse_utterance(text, "customer").label == "neutral"


def test_unknown_role_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        analyse_utterance("你好", "boss")


def test_cues_explain_the_label() -> None:
    result = analyse_utterance("我失业了还不上", "customer")
    assert "hardship:失业" in result.cues
    agent = analyse_utterance("你就是个老赖", "agent")
    assert "insult:老赖" in agent.cues
