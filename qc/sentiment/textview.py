"""Views of an utterance that the sentiment models read: cleaned characters and pinyin.

Why these views: ASR text has no reliable punctuation (Whisper base often drops it), may be
Traditional (normalised here again, idempotently), and its errors are mostly homophones, so the
model reads character n-grams *and* toneless-pinyin n-grams, and never punctuation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from qc.text.normalize import digits_view, normalize, strip_punct

_ASCII_DIGIT = regex.compile(r"[0-9]")
_HAN = regex.compile(r"\p{Han}")


@lru_cache(maxsize=8192)
def char_pinyin(ch: str) -> str:
    """Toneless pinyin of one character (its most common reading); other characters as is.

    One syllable per character, like ``qc.text.normalize.pinyin_view``, so that a homophone
    written with another character (于七 for 逾期) gives the same syllables.
    """
    if not _HAN.fullmatch(ch):
        return ch.lower()
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(ch, style=Style.NORMAL)[0]


@dataclass(frozen=True, slots=True)
class TextView:
    """An utterance prepared once for the lexicon and the model."""

    clean: str  # simplified, lower-case, no punctuation or spaces
    syllables: tuple[str, ...]  # one per character of ``clean``
    digits: str  # spoken numbers as digits (幺二三七八 → 12378), for number cues


def view(text: str) -> TextView:
    clean = strip_punct(normalize(text)).lower()
    syllables = tuple(char_pinyin(c) for c in clean)
    digits = strip_punct(digits_view(clean)) if _has_digit_words(clean) else clean
    return TextView(clean, syllables, digits)


def _has_digit_words(clean: str) -> bool:
    return any(c in "零一二三四五六七八九幺两拐洞" for c in clean)


def char_ngrams(clean: str, max_n: int = 3) -> list[str]:
    """Character 1..max_n-grams; ASCII digits collapse to 0 (amounts and dates carry no tone)."""
    text = _ASCII_DIGIT.sub("0", clean)
    grams: list[str] = []
    for n in range(1, max_n + 1):
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def pinyin_ngrams(syllables: tuple[str, ...], max_n: int = 2) -> list[str]:
    """Syllable 1..max_n-grams (``tou_su``); homophones share them."""
    sylls = [s for s in syllables if not s.isdigit()]
    grams: list[str] = []
    for n in range(1, max_n + 1):
        grams.extend("_".join(sylls[i : i + n]) for i in range(len(sylls) - n + 1))
    return grams
