"""Features of one utterance: character and pinyin n-grams, lexicon counts, snownlp's score.

Why three kinds: n-grams learn the phrasing of the shipped examples; pinyin n-grams carry that
over to ASR homophones; lexicon counts generalise to cue words that the examples never paired
with a given context (and flip under negation); snownlp adds general-purpose polarity learned
from a large review corpus. The learned model weighs them (``qc.sentiment.train``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qc.sentiment.lexicon import CATEGORIES, NEGATIVE, POSITIVE, RUDE, Cue, find_cues
from qc.sentiment.snow import snow_positive
from qc.sentiment.textview import TextView, char_ngrams, pinyin_ngrams, view

# Bump when feature extraction changes: the shipped models record it and a test compares.
FEATURE_VERSION = "4"
_CAP = 3.0  # a cue repeated three times says no more than three
# Longer than this adds nothing: complaints run long in the examples, and uncapped length made
# long review texts negative by length alone.
_LENGTH_CAP_CHARS = 30

DENSE_NAMES: tuple[str, ...] = (
    *(f"cat_{c}" for c in CATEGORIES),
    "negated_positive",  # 不满意, 一点都不合理
    "negated_negative",  # 我不着急, 没生气, 不是要投诉
    "intensified_negative",  # 太过分, 真的还不上
    "intensified_rude",
    "snow",  # snownlp P(positive), centred on 0
    "length",
    "short",  # backchannels: 嗯, 好的, 对对对
)


@dataclass(frozen=True, slots=True)
class Extracted:
    view: TextView
    cues: tuple[Cue, ...]
    char: tuple[str, ...]
    pinyin: tuple[str, ...]
    dense: dict[str, float]


def _dense(tv: TextView, cues: tuple[Cue, ...]) -> dict[str, float]:
    values = dict.fromkeys(DENSE_NAMES, 0.0)
    for cue in cues:
        if cue.negated:
            if cue.category in POSITIVE:
                values["negated_positive"] += 1
            elif cue.category in NEGATIVE or cue.category in RUDE:
                values["negated_negative"] += 1
            continue
        values[f"cat_{cue.category}"] += 1
        if cue.intensified and cue.category in NEGATIVE:
            values["intensified_negative"] += 1
        if cue.intensified and cue.category in RUDE:
            values["intensified_rude"] += 1
    values = {k: min(v, _CAP) for k, v in values.items()}
    values["snow"] = 2.0 * snow_positive(tv.clean) - 1.0
    values["length"] = math.log1p(min(len(tv.clean), _LENGTH_CAP_CHARS)) / 3.0
    values["short"] = 1.0 if len(tv.clean) <= 4 else 0.0
    return values


def extract(text: str) -> Extracted:
    """Everything the model and the explanation need, computed once per utterance."""
    tv = view(text)
    cues = tuple(find_cues(tv.clean, tv.syllables, tv.digits))
    return Extracted(
        view=tv,
        cues=cues,
        char=tuple(char_ngrams(tv.clean)),
        pinyin=tuple(pinyin_ngrams(tv.syllables)),
        dense=_dense(tv, cues),
    )
