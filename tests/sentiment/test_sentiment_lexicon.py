"""Lexicon cues: negation, intensity, homophones, and what never counts as a cue."""

from __future__ import annotations

import pytest

from qc.sentiment.features import extract


def labels(text: str) -> list[str]:
    return [c.label for c in extract(text).cues]


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("我对处理结果非常不满意", ["complaint:不满意"], ["satisfaction:满意", "empathy:理解"]),
        ("我一点也不放心", ["negated_relief:放心"], ["relief:放心"]),
        ("我不着急你慢慢查", [], ["anxiety:着急"]),
        ("我没生气 就是问问", ["negated_anger:生气"], ["anger:生气"]),
        ("我不是要投诉 就想了解一下", ["negated_escalation:投诉"], ["escalation:投诉"]),
        ("你们这不是骗人吗", ["anger:骗人"], ["negated_anger:骗人"]),
        ("你们有没有良心啊", ["anger:良心"], ["negated_anger:良心"]),
        ("我特别理解您的感受", ["empathy:理解"], ["negated_empathy:理解"]),
        ("实在不好意思让您久等了", ["apology:不好意思"], ["blame:好意思", "negated_blame:好意思"]),
        ("别浪费我时间了", ["impatience:浪费我时间"], ["negated_impatience:浪费我时间"]),
    ],
    ids=["not-satisfied", "not-reassured", "not-anxious", "not-angry", "not-complaining",
         "rhetorical-bushi", "youmeiyou-asks", "tebie-not-bie", "apology-hides-blame",
         "rude-stays-rude"],
)  # fmt: skip
def test_negation(text: str, present: list[str], absent: list[str]) -> None:
    found = labels(text)
    for cue in present:
        assert cue in found
    for cue in absent:
        assert cue not in found


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("头诉电话是多少 我要头诉你们", "escalation:投诉~头诉"),
        ("再不还就让你做牢", "threat:坐牢~做牢"),
        ("我这个月真的还不尚了", "hardship:还不上~还不尚"),
        ("我要打幺二三七八", "escalation:12378"),
        ("非常报歉给您添麻烦了", "apology:抱歉~报歉"),
    ],
    ids=["tousu", "zuolao", "huanbushang", "spoken-12378", "baoqian"],
)
def test_homophones_and_spoken_numbers(text: str, cue: str) -> None:
    assert cue in labels(text)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("我对处理结果不太清楚", "empathy:理解~理结"),
        ("我在事业单位上班", "hardship:失业~事业"),
        ("祝愿您生活愉快", "hardship:住院~祝愿"),
        ("这几天都在外地", "anxiety:着急~这几"),
    ],
    ids=["chuli-jieguo", "shiye-danwei", "zhuyuan", "zhe-ji-tian"],
)
def test_two_character_cues_do_not_match_across_words(text: str, wrong: str) -> None:
    assert wrong not in labels(text)


def test_intensified_negative_cue() -> None:
    cues = extract("你们这样真的太过分了").cues
    assert any(c.category == "anger" and c.intensified for c in cues)


def test_traditional_script_is_normalised() -> None:
    assert "escalation:投诉" in labels("我要投訴你們")
