import pytest

from qc.roles import assign_roles
from tests.factories import segment


@pytest.mark.parametrize(
    ("segments", "agent", "method"),
    [
        (
            [
                segment(1, 0, 2, "您好,星海银行客服中心,工号三六九二"),
                segment(0, 2.5, 3, "你好我想问一下还款"),
            ],
            1,
            "content_cues",
        ),
        (
            [segment(0, 0, 2, "您好,克服中心,宫号幺二三"), segment(1, 2.5, 3, "喂")],
            0,
            "content_cues",
        ),  # homophones
        (
            [segment(1, 0, 1, "喂"), segment(0, 1.5, 2, "喂")],
            1,
            "default",
        ),  # no cues: first speaker
    ],
    ids=["greeting-on-ch1", "asr-homophones", "no-cues"],
)
def test_agent_detection(segments: list, agent: int, method: str) -> None:
    decision = assign_roles(segments, [0, 1])
    assert decision.roles[agent] == "agent"
    assert decision.method == method
    assert 0.5 <= decision.confidence <= 1.0


def test_configured_agent_channel_wins() -> None:
    segs = [segment(1, 0, 2, "您好,星海银行客服中心,工号三六九二")]
    decision = assign_roles(segs, [0, 1], agent=0)
    assert decision.roles == {0: "agent", 1: "customer"}
    assert (decision.method, decision.confidence) == ("configured", 1.0)
