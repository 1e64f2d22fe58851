import pytest

from qc.text import digits_view, normalize, pinyin_view, strip_punct


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("您好，這裡是星海銀行客服", "您好,这里是星海银行客服"),
        ("工號ＡＢ１２３", "工号AB123"),
        ("  還款   日期  ", "还款 日期"),
        ("已经是简体", "已经是简体"),
    ],
    ids=["traditional", "full-width", "spaces", "simplified-unchanged"],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("手机号幺三八 零零一三 八零零零", "手机号13800138000"),
        ("卡号6222 0212 3456 7890", "卡号6222021234567890"),
        ("一万三千八百元", "13800元"),
        ("三十五天", "35天"),
        ("尾号拐洞两幺", "尾号7021"),
        ("统一还款", "统一还款"),
        ("一个月", "一个月"),
        ("身份证1101051990拐拐零三幺二三X", "身份证110105199077031 23X".replace(" ", "")),
    ],
    ids=[
        "spoken-phone",
        "grouped-card",
        "amount",
        "unit-number",
        "yao-guai-dong",
        "tongyi",
        "single-digit-word",
        "mixed-id",
    ],
)
def test_digits_view(raw: str, expected: str) -> None:
    assert digits_view(raw) == expected


def test_digits_view_never_changes_stored_text() -> None:
    text = "统一的还款日是每月十五号"
    digits_view(text)
    assert normalize(text) == text


def test_pinyin_view_matches_homophones() -> None:
    assert pinyin_view("克服") == pinyin_view("客服")
    assert pinyin_view("宫号") == pinyin_view("工号")
    assert pinyin_view("做牢") == pinyin_view("坐牢")
    assert pinyin_view("客服A1") == ("ke", "fu", "a", "1")


def test_strip_punct() -> None:
    assert strip_punct("您好，请问 是张先生吗？") == "您好请问是张先生吗"
