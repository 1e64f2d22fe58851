"""qc.asr.vocab: the domain vocabulary that biases Whisper."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.asr.vocab import MAX_PROMPT_CHARS, PROMPT_LEAD, build_hotwords, build_prompt, load_terms
from qc.errors import ConfigError


def test_default_terms_cover_the_homophone_errors() -> None:
    terms = load_terms()
    for term in ("客服", "工号", "逾期", "还款", "征信", "分期", "年化利率", "身份证", "验证码"):
        assert term in terms
    assert not any(t.startswith("#") for t in terms)


def test_extra_file_and_terms_are_appended_without_duplicates(tmp_path: Path) -> None:
    extra = tmp_path / "bank.txt"
    extra.write_text("# our bank\n云帆银行\n客服\n\n", encoding="utf-8")
    terms = load_terms(extra, ["云帆银行", "云帆安居贷", " "])
    assert terms.count("客服") == 1  # a default term is not repeated
    assert terms[-2:] == ("云帆银行", "云帆安居贷")


def test_missing_extra_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.txt"):
        load_terms(tmp_path / "nope.txt")


@pytest.mark.parametrize("build", [build_prompt, build_hotwords], ids=["prompt", "hotwords"])
def test_bias_text_is_capped_and_keeps_the_first_terms(build: object) -> None:
    terms = ["客服", "工号"] + [f"术语{i}" for i in range(200)]
    text = build(terms)  # type: ignore[operator]
    assert "客服" in text and "工号" in text
    assert len(text) <= MAX_PROMPT_CHARS + len(PROMPT_LEAD) + 1


def test_prompt_reads_as_a_sentence() -> None:
    assert build_prompt(["客服", "工号"]) == PROMPT_LEAD + "客服、工号。"
    assert build_hotwords(["客服", "工号"]) == "客服 工号"
