"""The digits view: numbers that punctuation separated stay apart when one is a quantity."""

from __future__ import annotations

import pytest

from qc.engine.views import digits_views, text_views


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("您这个月账单一千四百二十七，二十二号到期。", "您这个月账单1427,22号到期"),
        ("贷一百二十万，三十年", "贷1200000,30年"),
        ("账单1427,22号到期", "账单1427,22号到期"),
        # grouped digits of one number still join
        ("手机号幺三八，零零一三，八零零零", "手机号13800138000"),
        ("卡号6222,0210,3344,5566", "卡号6222021033445566"),
        ("一共是1,427元", "一共是1427元"),
        ("身份证后四位，三五一二", "身份证后四位3512"),
        ("逾期三十五天，共计两千三百元", "逾期35天共计2300元"),
    ],
)
def test_digits_view(text: str, view: str) -> None:
    assert digits_views([text], text_views([text])) == [view]
