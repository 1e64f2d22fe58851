import pytest

from qc.utterances import MergeOptions, merge_segments
from tests.factories import segment

ROLES = {0: "agent", 1: "customer"}


def test_consecutive_segments_of_one_channel_merge() -> None:
    utts = merge_segments(
        [
            segment(0, 0.5, 2.0, "您好"),
            segment(0, 2.4, 4.0, "这里是星海银行"),
            segment(1, 4.5, 5.5, "你好"),
        ],
        ROLES,  # type: ignore[arg-type]
    )
    assert [(u.role, u.text) for u in utts] == [
        ("agent", "您好这里是星海银行"),
        ("customer", "你好"),
    ]
    assert (utts[0].start_s, utts[0].end_s) == (0.5, 4.0)
    assert [u.index for u in utts] == [0, 1]


@pytest.mark.parametrize(
    ("segments", "expected_roles"),
    [
        ([segment(0, 0, 1, "甲"), segment(0, 3, 4, "乙")], ["agent", "agent"]),  # pause > 1.5 s
        (
            [segment(0, 0, 1, "甲"), segment(1, 1.2, 2, "丙"), segment(0, 2.1, 3, "乙")],
            ["agent", "customer", "agent"],
        ),  # the other side spoke in between
        ([segment(1, 0, 1, "丙"), segment(0, 0.5, 1.5, "甲")], ["customer", "agent"]),  # overlap
    ],
    ids=["long-pause", "other-side-between", "overlap"],
)
def test_turn_boundaries(segments: list, expected_roles: list[str]) -> None:
    utts = merge_segments(segments, ROLES, MergeOptions(max_gap_s=1.5))  # type: ignore[arg-type]
    assert [u.role for u in utts] == expected_roles


def test_blank_segments_dropped_and_unknown_channel() -> None:
    utts = merge_segments([segment(0, 0, 1, "  "), segment(2, 1, 2, "嗯")], ROLES)  # type: ignore[arg-type]
    assert [(u.role, u.text) for u in utts] == [("unknown", "嗯")]


def test_confidence_is_mean_word_probability() -> None:
    seg = segment(0, 0, 1, "您好")
    low = seg.__class__(
        0,
        1.1,
        2,
        "请问",
        "请问",
        tuple(w.__class__(w.start_s + 1.1, w.end_s + 1.1, w.text, 0.5) for w in seg.words),
    )
    (u,) = merge_segments([seg, low], ROLES)  # type: ignore[arg-type]
    assert u.confidence == pytest.approx((0.9 * 2 + 0.5 * 2) / 4)
