"""Normalisation of ASR text.

- ``normalize``: the stored display text: simplified Chinese (OpenCC t2s; Whisper base writes
  Traditional on about two thirds of Mandarin channels, DESIGN.md) and half-width characters.
- ``digits_view``: a matching view where spoken digit strings and numbers become Arabic digits.
  It is never stored: converting every 一 would corrupt words such as 统一 (RELIABILITY.md).
- ``pinyin_view``: toneless pinyin, one syllable per character, to match ASR homophones
  (克服/客服, 宫号/工号, 做牢/坐牢).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import cn2an
import opencc
import regex
from pypinyin import Style, lazy_pinyin

_SPACES = regex.compile(r"\s+")
_PUNCT = regex.compile(r"[\p{P}\p{S}\s]+")
# Digits as spoken on the phone: 幺 (1), 两 (2), 拐 (7), 洞 (0) besides the usual ones.
_SPOKEN_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "拐": "7", "八": "8", "九": "9",
}  # fmt: skip
_DIGIT_CHARS = "".join(_SPOKEN_DIGITS) + "0-9"
# A run of two or more digit characters (possibly mixed Chinese and Arabic), read digit by digit.
_DIGIT_RUN = regex.compile(rf"[{_DIGIT_CHARS}](?:[{_DIGIT_CHARS}\s,，、-]*[{_DIGIT_CHARS}])?")
# A number with units (一万三千八百, 三十五): converted as a value by cn2an.
_NUMERALS = "零一二两三四五六七八九十百千万亿点"
_UNIT_NUMBER = regex.compile(rf"[{_NUMERALS}]*[十百千万亿][{_NUMERALS}]*")
# The X that ends an ID number is read 叉 (五二一叉 → 521X).
_ID_X = regex.compile(r"(?<=\d{3})叉")
# Punctuation between two numbers that must not merge: after a quantity (its last unit, then at
# most one digit: 一千四百二十七), or before a day, month or count of one or two digits (1427,22号).
_NUMBER_BREAK = regex.compile(
    r"(?<=[十百千万亿][零〇一二两三四五六七八九]?)[^\w\n]+(?=[零〇一二两三四五六七八九十幺])"
    r"|(?<=[\d零〇一二两三四五六七八九])[^\w\n]+(?=(?:\d{1,2}|[一二两三四五六七八九十]{1,3})[号日月期天年个岁])"
)
# Where such a break can start: punctuation right after a numeral.
_NUMERAL_THEN_PUNCT = regex.compile(r"[\d零〇一二两三四五六七八九十百千万亿][^\w\n]")


# OpenCC keeps 著 because it is also a simplified character (著名, 显著); Whisper writes it for the
# aspect particle too (等著, 接著), which simplified Chinese writes 着. The words that keep 著:
_ZHE = regex.compile(r"(?<![显卓土名原巨论编专遗译昭])著(?![名作称述录书者])")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Simplified Chinese, half-width letters/digits/punctuation, single spaces, stripped."""
    # Whisper can split a character's UTF-8 bytes across tokens; the decoder then emits U+FFFD.
    text = unicodedata.normalize("NFKC", text).replace("\ufffd", "")
    text = _t2s().convert(text)
    text = _ZHE.sub("着", text)
    return str(_SPACES.sub(" ", text)).strip()


def strip_punct(text: str) -> str:
    """Remove punctuation, symbols and whitespace (the CER normalisation of shared/eval)."""
    return str(_PUNCT.sub("", text))


def _digit_run(match: regex.Match[str]) -> str:
    run = str(match.group(0))
    chars = [c for c in run if c in _SPOKEN_DIGITS or c.isdigit()]
    # A lone Chinese digit (统一, 一个) is a word, not a number.
    if len(chars) < 2 and not run.isdigit():
        return run
    return "".join(_SPOKEN_DIGITS.get(c, c) for c in chars)


# The digit values of the numerals cn2an reads (幺/拐/洞 are digit-string words, not numerals).
_VALUES = {c: int(d) for c, d in _SPOKEN_DIGITS.items() if c in _NUMERALS + "〇"}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_SECTIONS = {"万": 10**4, "亿": 10**8}


def plain_integer(token: str) -> int | None:
    """The value of a Chinese integer in full form (两千三百四十五, 十五, 一万零五), else None.

    cn2an takes about 25 µs a number, which was a third of the rule engine's time on a call
    full of amounts (bench/rules.py); this handles the regular forms in about 2 µs and leaves
    everything else (decimals, 三万五-style abbreviations, odd orders) to cn2an. A test checks
    that both agree wherever this gives a value.
    """
    total = section = 0
    digit: int | None = None
    before = prev = ""  # the character before the pending digit; the previous character
    unit_cap, section_cap = 10**4, 10**12
    for ch in token:
        if ch in "零〇":
            if digit is not None:
                return None
        elif ch in _VALUES:
            if digit is not None:
                return None
            digit, before = _VALUES[ch], prev
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= unit_cap or (digit is None and (ch != "十" or section)):
                return None
            section += (1 if digit is None else digit) * unit
            digit, unit_cap = None, unit
        elif ch in _SECTIONS:
            big = _SECTIONS[ch]
            section += digit or 0
            if big >= section_cap or not section:
                return None
            total += section * big
            section, digit, unit_cap, section_cap = 0, None, 10**4, big
        else:
            return None
        prev = ch
    if digit is not None:
        if before in ("百", "千", "万", "亿"):
            return None  # 一百二 means 120, not 102: cn2an's business
        section += digit
    elif prev in "零〇" and len(token) > 1:
        return None
    return total + section


def _unit_number(match: regex.Match[str]) -> str:
    token = str(match.group(0))
    plain = plain_integer(token)
    if plain is not None:
        return str(plain)
    if len(token) == 1:  # a unit on its own (百, 万) is a word
        return token
    try:
        value = cn2an.cn2an(token, "smart")
    except (ValueError, KeyError):
        return token
    return str(int(value)) if float(value).is_integer() else str(value)


def digits_view(text: str) -> str:
    """Matching view with numbers as Arabic digits: 幺三八 → 138, 一万三千 → 13000.

    Separators inside digit runs (spaces, commas, dashes) are dropped so grouped numbers
    (138 0013 8000) read as one string; a spoken ID tail 五二一叉 reads 521X. Numbers that
    punctuation separates stay apart where one is a quantity (一百二十万，三十年 → 1200000,30年).
    """
    return ",".join(_digits(part) for part in number_parts(normalize(text)))


def number_parts(text: str) -> list[str]:
    """``text`` split where punctuation separates two numbers that must not merge.

    A break starts at punctuation right after a numeral: only there is ``_NUMBER_BREAK`` tried
    (its lookbehinds, tried at every position by a plain split, took most of a call's digits
    view).
    """
    parts, done = [], 0
    for m in _NUMERAL_THEN_PUNCT.finditer(text):
        cut = _NUMBER_BREAK.match(text, m.start() + 1) if m.start() + 1 >= done else None
        if cut:
            parts.append(text[done : cut.start()])
            done = cut.end()
    return [*parts, text[done:]]


def _digits(text: str) -> str:
    text = _UNIT_NUMBER.sub(_unit_number, text)
    return str(_ID_X.sub("X", _DIGIT_RUN.sub(_digit_run, text)))


def pinyin_view(text: str) -> tuple[str, ...]:
    """One toneless syllable per character; non-Chinese characters are kept lower-cased."""
    out: list[str] = []
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            out.append(lazy_pinyin(ch, style=Style.NORMAL)[0])
        else:
            out.append(ch.lower())
    return tuple(out)
