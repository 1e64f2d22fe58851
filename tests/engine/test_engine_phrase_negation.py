"""``phrase`` negation: word-aware (特别 is not 别), read on the text view under fuzzy pinyin."""

from __future__ import annotations

import pytest

from qc.engine.operators.phrase import negated_at
from tests.engine.conftest import make_call, run_condition

A, C = "agent", "customer"


@pytest.mark.parametrize(
    ("text", "phrase", "negated"),
    [
        ("不会坐牢", "坐牢", True),
        ("不能保证", "保证", True),
        ("没有利息", "利息", True),
        ("没有任何利息", "利息", False),  # 没 four characters before: outside the window
        ("没利息", "利息", True),
        ("别担心", "担心", True),
        ("未逾期", "逾期", True),
        ("无风险", "风险", True),
        ("我特别焦虑", "焦虑", False),
        ("我特别担心", "担心", False),
        ("没什么区别担心", "担心", False),
        ("别人担心", "担心", False),  # 别人 lies wholly before 担心
        ("不过保证能批", "保证能批", False),
        ("不过分", "过分", True),  # 不过 would overlap the match: 不 negates 过分
        ("挺不错理解您", "理解您", False),
        ("没错保证能批", "保证能批", False),
        ("再不还不然坐牢", "坐牢", False),
        ("无论如何一定批", "一定批", False),
        ("今天不还后果自负", "后果自负", False),  # 不还 negates 还, not the threat
        ("不还款", "还款", True),
    ],
)
def test_negated_at(text: str, phrase: str, negated: bool) -> None:
    assert negated_at(text, text.index(phrase)) is negated


CALL = make_call(
    (C, "我特别焦虑，这个会不会影响征信。"),
    (C, "你们别骚扰我家人。"),
    (A, "您别着急，这个没影响征信。"),
)


@pytest.mark.parametrize(
    ("cond", "utterances"),
    [
        pytest.param("phrase: {any: [焦虑], role: customer}", [0], id="tebie-not-negation"),
        pytest.param("phrase: {any: [骚扰], role: customer}", None, id="bie-negation"),
        # fuzzy: the pinyin view maps 别/没 to other characters; negation is read on the text view
        pytest.param(
            "phrase: {any: [骚扰我家人], role: customer, fuzzy: pinyin}", None, id="fuzzy-bie"
        ),
        pytest.param("phrase: {any: [影响征信], fuzzy: pinyin}", None, id="fuzzy-mei"),
        pytest.param("phrase: {any: [焦虑], role: customer, fuzzy: pinyin}", [0], id="fuzzy-tebie"),
    ],
)
def test_phrase_negation_in_calls(cond: str, utterances: list[int] | None) -> None:
    out = run_condition(cond, CALL)
    assert out.matched is (utterances is not None)
    if utterances is not None:
        assert sorted({f.utterance for f in out.found}) == utterances
