"""Domain vocabulary for ASR biasing: ``initial_prompt`` and ``hotwords`` text.

Most domain errors of Whisper base are exact homophones (克服/客服, 宫号/工号, 于七/逾期,
DESIGN.md), so showing the model the domain terms can help. It is also unstable: a domain
``initial_prompt`` gave CER 0.083 on one rendering of the synthetic calls and 0.132 on another.
Whether it is on by default is decided by measurement (bench/asr.py, bench/results/asr.md).

Note on faster-whisper 1.2.1: with ``condition_on_previous_text=False`` an ``initial_prompt``
only conditions the *first* 30-second window (``prompt_reset_since`` moves past it after the
first window), while ``hotwords`` are put in front of *every* window.

Terms come from ``domain_vocab.txt`` beside this module, ``Settings.domain_vocab`` (one term a
line) and any extra terms the caller passes, e.g. the key terms of the loaded rule packs.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from qc.errors import ConfigError

DEFAULT_VOCAB = "domain_vocab.txt"
# Whisper's prompt holds at most 223 tokens (n_text_ctx // 2 - 1); a Chinese character is about
# one to two tokens, so the term list is capped in characters to leave the prompt intact.
MAX_PROMPT_CHARS = 150
PROMPT_LEAD = "以下是银行客服电话录音，使用简体中文。"


def load_terms(extra_file: Path | None = None, extra_terms: Iterable[str] = ()) -> tuple[str, ...]:
    """Default terms, then ``extra_file``'s, then ``extra_terms``; de-duplicated, order kept."""
    text = resources.files("qc.asr").joinpath(DEFAULT_VOCAB).read_text("utf-8")
    terms = list(parse_terms(text))
    if extra_file is not None:
        try:
            terms += parse_terms(Path(extra_file).read_text("utf-8"))
        except OSError as err:
            raise ConfigError(f"domain vocabulary {extra_file}: {err.strerror or err}") from err
    terms += [t.strip() for t in extra_terms if t.strip()]
    return tuple(dict.fromkeys(terms))


def parse_terms(text: str) -> list[str]:
    """One term per line; blank lines and ``#`` comments are skipped."""
    out = []
    for line in text.splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            out.append(term)
    return out


def build_prompt(terms: Iterable[str], max_chars: int = MAX_PROMPT_CHARS) -> str:
    """A short sentence naming the setting, then as many terms as fit, separated by 、."""
    return PROMPT_LEAD + _join(terms, "、", max_chars) + "。"


def build_hotwords(terms: Iterable[str], max_chars: int = MAX_PROMPT_CHARS) -> str:
    """The terms separated by spaces, as many as fit (faster-whisper tokenises them as given)."""
    return _join(terms, " ", max_chars)


def _join(terms: Iterable[str], sep: str, max_chars: int) -> str:
    picked: list[str] = []
    size = 0
    for term in terms:
        if size + len(term) + len(sep) > max_chars:
            break
        picked.append(term)
        size += len(term) + len(sep)
    return sep.join(picked)
