"""Character error rate, as measured in DESIGN.md and shared/eval: simplified, no punctuation.

Used by bench/asr.py and the slow ASR tests, so both score text the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from qc.text.normalize import normalize, strip_punct


def cer_text(text: str) -> str:
    """The form both sides are compared in: NFKC + t2s, punctuation and spaces removed, lower."""
    return strip_punct(normalize(text)).lower()


def edit_distance(ref: str, hyp: str) -> int:
    """Levenshtein distance between two strings (substitutions, insertions, deletions)."""
    if len(ref) < len(hyp):
        ref, hyp = hyp, ref
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def cer(ref: str, hyp: str) -> float:
    """CER of one hypothesis; 0 for an empty reference with an empty hypothesis."""
    r, h = cer_text(ref), cer_text(hyp)
    if not r:
        return 0.0 if not h else 1.0
    return edit_distance(r, h) / len(r)


def corpus_cer(pairs: Iterable[tuple[str, str]]) -> float:
    """Total edits over total reference characters (long files weigh more, as they should)."""
    edits = chars = 0
    for ref, hyp in pairs:
        r, h = cer_text(ref), cer_text(hyp)
        edits += edit_distance(r, h)
        chars += len(r)
    return edits / chars if chars else 0.0
