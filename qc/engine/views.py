"""Matching views of utterances, all built in one pass per call over every utterance.

- ``text``: lower-case, without punctuation, symbols or spaces (工号，三六九二 → 工号三六九二).
- ``digits``: the text view with spoken numerals as Arabic digits (幺三八 → 138), for numbers;
  ``qc.text.digits_view`` applied to each numeric run, so it agrees with the text stage,
  including where numbers that punctuation separated stay apart (一千四百二十七，二十二号 →
  1427,22号) while grouped digits still join (幺三八，零零一三 → 1380013).
- ``pinyin``: the text view with every Chinese character replaced by one representative of its
  toneless syllable, so exact homophones (克服/客服, 宫号/工号) become the same string; 您 reads as
  你 (phrases are written with one, speakers and ASR use either); 还 reads huan, as in 还款
  (ASR writes 环款), not pypinyin's default hai; and the retroflex initials zh/ch/sh read as
  z/c/s, the commonest confusion of Whisper and of southern speakers (不好意识 for 不好意思).
  Nasal finals are not folded: an/ang made 号环 match 好慌. Offsets stay identical to the text
  view and a fuzzy phrase matches by plain substring search.

Character mapping goes through numpy lookup tables: ``str.translate`` costs about 250 ns per
Chinese character, which alone took half the 5 ms budget of a 10-minute call (bench/rules.py).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import regex

from qc.text.normalize import digits_view, number_parts, strip_punct

SEP = "\n"  # between utterances in a joined view; views never contain whitespace
_BMP = 0x10000
_CJK = range(0x4E00, 0xA000)
# Runs digits_view may change: two or more numeral characters, or a unit on its own (十 → 10);
# 叉 is the X of a spoken ID tail (五二一叉 → 521x).
_NUMERALS = "零〇洞一幺二两三四五六七八九拐十百千万亿点叉0-9"
_NUMERIC_RUN = regex.compile(rf"[{_NUMERALS}]{{2,}}|[十百千万亿]")
Table = npt.NDArray[np.uint32]


@lru_cache(maxsize=1)
def _compact_table() -> Table:
    """0 for punctuation, symbols, spaces and controls (dropped); lower case otherwise."""
    table = np.arange(_BMP, dtype=np.uint32)
    for code in range(_BMP):  # about 0.1 s, once per process
        ch = chr(code)
        if unicodedata.category(ch)[0] in "PSZC":
            table[code] = 0
        elif len(low := ch.lower()) == 1:
            table[code] = ord(low)
    table[ord(SEP)] = ord(SEP)
    return table


# Syllables that fuzzy phrases treat as one: 您 (nin) as 你 (ni); zh/ch/sh as z/c/s (平翘舌).
_FOLD = {"nin": "ni"}
# Readings for the domain: 还 is read huan (还款, which ASR writes 环款 or 缓款), not pypinyin's
# default hai.
_READING = {"还": "huan"}


def _toneless(reading: str) -> str:
    marks = unicodedata.normalize("NFD", reading.replace("ü", "v"))
    plain = "".join(c for c in marks if not unicodedata.combining(c))
    plain = _FOLD.get(plain, plain)
    return plain[0] + plain[2:] if plain[:2] in ("zh", "ch", "sh") else plain


@lru_cache(maxsize=1)
def _pinyin_table() -> Table:
    """Each Chinese character → the first character with the same default toneless reading."""
    from pypinyin.pinyin_dict import pinyin_dict

    table = np.arange(_BMP, dtype=np.uint32)
    first: dict[str, int] = {}
    for code in _CJK:
        readings = pinyin_dict.get(code)
        if readings:
            reading = _READING.get(chr(code)) or _toneless(readings.split(",")[0])
            table[code] = first.setdefault(reading, code)
    return table


def _map(text: str, table: Table, drop: bool) -> str:
    arr = np.frombuffer(text.encode("utf-32-le", "replace"), dtype=np.uint32)
    mapped = np.where(arr < _BMP, table[np.minimum(arr, _BMP - 1)], arr)
    if drop:
        mapped = mapped[mapped != 0]
    return mapped.astype(np.uint32).tobytes().decode("utf-32-le")


def compact(text: str) -> str:
    """The text view of ``text`` (SEP is kept, so a joined text stays joined)."""
    return _map(text, _compact_table(), drop=True)


@lru_cache(maxsize=8192)
def _convert_run(run: str) -> str:
    """A numeric run through digits_view, without punctuation (pure, so memoised)."""
    return run if run.isascii() else strip_punct(digits_view(run)).lower()


def digits(text_view: str) -> str:
    """The digits view of a text view."""
    return str(_NUMERIC_RUN.sub(lambda m: _convert_run(m.group()), text_view))


def pinyin(text_view: str) -> str:
    """The pinyin view of a text view (same length)."""
    return _map(text_view, _pinyin_table(), drop=False)


def digits_views(texts: list[str], text_views: list[str]) -> list[str]:
    """The digits views of many utterances (``text_views`` are theirs): one pass, then again
    piece by piece for the few utterances where numbers must stay apart (``number_parts``)."""
    out = digits(SEP.join(text_views)).split(SEP)
    if len(number_parts(SEP.join(texts))) == 1:  # the usual call: one pass over all of it
        return out
    for i, text in enumerate(texts):
        parts = number_parts(text)
        if len(parts) > 1:
            out[i] = ",".join(digits(compact(part)) for part in parts)
    return out


def text_views(texts: list[str]) -> list[str]:
    """The text views of many utterance texts, computed in one pass."""
    return compact(SEP.join(t.replace(SEP, " ") for t in texts)).split(SEP)
