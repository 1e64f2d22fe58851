"""Domain-lexicon correction of exact homophones: 公号 → 工号, 身份正 → 身份证, 环款 → 还款.

Why: most domain errors of Whisper base are exact homophones (DESIGN.md), and prompt biasing
is unstable. A stretch of text is replaced by a domain term only when

- it shares a toneless reading with the term, character by character (any reading of a
  polyphone: pypinyin reads 还款 as hai kuan, yet 环款 must match it as huan kuan), and
- it is not itself a word in jieba's dictionary: 何时 (何时还款) and 克服 are real words and are
  left alone, so the corrector never turns one real word into another.

One non-homophone is corrected too, in context: Whisper writes 逾期 (yu qi) as 一七 (yi qi) or
遗弃, 62 and 8 times in the rendered blind calls, never meaning the number 17 there; 一七 inside
a number (工号三一七二), after 每/第, or before 年/号 stays.

Only ``Segment.text`` (and its words) change; ``raw_text`` keeps what Whisper wrote. The gain
and the false corrections are measured in bench/asr.py (config ``lexicon``).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import regex
from pypinyin import Style, lazy_pinyin

from qc.types import Segment


@dataclass(frozen=True, slots=True)
class Correction:
    """One replacement, for the explanation: what Whisper wrote and which term replaced it."""

    start_char: int
    heard: str
    term: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Domain terms (two Chinese characters or more), indexed by the readings of their first
    character so that a scan only tries the terms that can start at each position."""

    terms: tuple[str, ...]
    by_first_reading: dict[str, tuple[str, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )


def build_lexicon(terms: Iterable[str]) -> Lexicon:
    """Keep the Chinese terms of two or more characters; longer terms are tried first."""
    kept = sorted(
        {t for t in terms if len(t) >= 2 and all(_is_han(c) for c in t)},
        key=lambda t: (-len(t), t),
    )
    index: dict[str, list[str]] = {}
    for term in kept:
        for reading in _term_readings(term)[0]:
            index.setdefault(reading, []).append(term)
    return Lexicon(tuple(kept), {r: tuple(ts) for r, ts in index.items()})


_NUMERAL = "零〇一二两三四五六七八九十百千万亿幺0-9"
_NEAR_MISSES = (
    (regex.compile(rf"(?<![{_NUMERAL}每第])一七(?![{_NUMERAL}]*[年号级岁点])"), "逾期"),
    (regex.compile("遗弃"), "逾期"),
)


def correct_text(text: str, lexicon: Lexicon) -> tuple[str, tuple[Correction, ...]]:
    """Domain terms for their homophones, then the near misses; the length of the text is kept."""
    text, found = _correct_homophones(text, lexicon)
    near = [
        Correction(m.start(), m.group(), term)
        for pattern, term in _NEAR_MISSES
        for m in pattern.finditer(text)
    ]
    for c in near:
        text = text[: c.start_char] + c.term + text[c.start_char + len(c.heard) :]
    return text, tuple(sorted((*found, *near), key=lambda c: c.start_char))


def _correct_homophones(text: str, lexicon: Lexicon) -> tuple[str, tuple[Correction, ...]]:
    """Scan left to right, longest term first; replacements keep the length of the text.

    Measured: 0.2 ms per 40-character segment with 343 terms (a term-by-term scan took 75 ms).
    """
    chars = list(text)
    found: list[Correction] = []
    i = 0
    while i < len(chars):
        step = 1
        if _is_han(chars[i]):
            for term in lexicon.by_first_reading.get(_usual_reading(chars[i]), ()):
                window = "".join(chars[i : i + len(term)])
                if window == term:
                    step = len(term)  # already right: never correct inside a correct term
                    break
                if len(window) == len(term) and _sounds_like(window, term) and not _is_word(window):
                    chars[i : i + len(term)] = term
                    found.append(Correction(i, window, term))
                    step = len(term)
                    break
        i += step
    return "".join(chars), tuple(found)


def correct_segment(segment: Segment, lexicon: Lexicon) -> tuple[Segment, int]:
    """The segment with corrected text and words, and how many corrections were made."""
    text, found = correct_text(segment.text, lexicon)
    if not found:
        return segment, 0
    words = segment.words
    if "".join(w.text for w in words) == segment.text:  # words tile the text: correct them too
        out, pos = [], 0
        for w in words:
            out.append(replace(w, text=text[pos : pos + len(w.text)]))
            pos += len(w.text)
        words = tuple(out)
    return replace(segment, text=text, words=words), len(found)


def _sounds_like(window: str, term: str) -> bool:
    # Usual readings only: any reading matched 银行客 to 银行卡 (客 can read qia) and 环新 to 还款
    # (款 can read xin). The term is read as a phrase, plus the readings pypinyin misses.
    readings = _term_readings(term)
    return all(_is_han(c) and _usual_reading(c) in r for c, r in zip(window, readings, strict=True))


# Readings pypinyin misses in domain terms: it reads 还款 as hai kuan, never huan kuan.
_EXTRA_READINGS = {"还": "huan"}


@lru_cache(maxsize=4096)
def _term_readings(term: str) -> tuple[frozenset[str], ...]:
    phrase = lazy_pinyin(term, style=Style.NORMAL)
    out = []
    for char, reading in zip(term, phrase, strict=True):
        extra = {_EXTRA_READINGS[char]} if char in _EXTRA_READINGS else set()
        out.append(frozenset({reading, _usual_reading(char)} | extra))
    return tuple(out)


@lru_cache(maxsize=8192)
def _usual_reading(char: str) -> str:
    return lazy_pinyin(char, style=Style.NORMAL)[0]


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _is_word(text: str) -> bool:
    return bool(_jieba_freq().get(text))


@lru_cache(maxsize=1)
def _jieba_freq() -> dict[str, int]:
    with warnings.catch_warnings():  # jieba imports pkg_resources, deprecated in setuptools
        warnings.simplefilter("ignore", UserWarning)
        import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    freq: dict[str, int] = jieba.dt.FREQ
    return freq
