"""qc.asr.lexicon: exact homophones of domain terms are corrected, real words never are."""

from __future__ import annotations

import pytest

from qc.asr.lexicon import build_lexicon, correct_segment, correct_text
from qc.asr.vocab import load_terms
from tests.factories import segment

LEXICON = build_lexicon(load_terms())

FIXED = [
    ("work-id", "您好公号三六九二", "您好工号三六九二"),
    ("work-id-2", "宫号是多少", "工号是多少"),
    ("repayment-polyphone", "环款日是哪天", "还款日是哪天"),  # pypinyin reads 还款 hai kuan
    ("id-number", "身份正好马的后四位", "身份证号码的后四位"),
    ("verify", "身份合时通过", "身份核实通过"),
    ("overdue", "已经于期三天了", "已经逾期三天了"),
    ("jail", "你要做牢的", "你要坐牢的"),
    ("when-in-context", "先跟您何时一下身份", "先跟您核实一下身份"),  # 何时一下 is no word
    ("consumer-loan", "您那笔消费带", "您那笔消费贷"),
    ("overdue-near-miss", "借款已经一七二十三天了", "借款已经逾期二十三天了"),  # yi qi, not yu qi
    ("overdue-near-miss-2", "短信说遗弃了,工号三一七二", "短信说逾期了,工号三一七二"),
]


@pytest.mark.parametrize(("heard", "fixed"), [f[1:] for f in FIXED], ids=[f[0] for f in FIXED])
def test_homophones_become_domain_terms(heard: str, fixed: str) -> None:
    assert correct_text(heard, LEXICON)[0] == fixed


KEPT = [
    ("when-is-a-word", "请问何时还款"),  # 何时 sounds like 核实 but is a real word
    ("when-approved", "贷款何时通过"),  # so 核实通过 is deliberately not a term
    ("overcome-is-a-word", "我们一起克服困难"),
    ("rare-reading", "星海银行客服中心"),  # 客 has a rare reading qia: must not become 银行卡
    ("unrelated", "孩子还小"),
    ("digits", "工号3692"),
    ("seventeen-in-a-number", "工号三一七二"),
    ("seventeen-a-year", "在一七年办的卡"),
    ("each-instalment", "每一七的还款计划"),  # 每一期 misheard: not 逾期
]


@pytest.mark.parametrize("text", [k[1] for k in KEPT], ids=[k[0] for k in KEPT])
def test_real_words_are_left_alone(text: str) -> None:
    assert correct_text(text, LEXICON) == (text, ())


def test_corrections_are_reported() -> None:
    _, found = correct_text("公号是于期", LEXICON)
    assert [(c.start_char, c.heard, c.term) for c in found] == [
        (0, "公号", "工号"),
        (3, "于期", "逾期"),
    ]


def test_segment_text_and_words_change_raw_text_stays() -> None:
    seg = segment(0, 0.0, 2.0, "公号一二")
    fixed, count = correct_segment(seg, LEXICON)
    assert count == 1
    assert fixed.text == "工号一二" and fixed.raw_text == "公号一二"
    assert "".join(w.text for w in fixed.words) == "工号一二"
    assert [w.start_s for w in fixed.words] == [w.start_s for w in seg.words]


def test_extra_terms_join_the_lexicon() -> None:
    lexicon = build_lexicon(load_terms(extra_terms=["星海银行"]))
    assert correct_text("星海银航", lexicon)[0] == "星海银行"
