"""Domain cue lexicon: anger, complaint, anxiety, hardship, escalation, gratitude … and agent tone.

Why a lexicon beside the learned model: the model is trained on a few hundred hand-written
utterances, so explicit cues carry domain knowledge it cannot see often enough (失业, 12378,
爱办不办), and they are the *evidence* that the rule engine and the review page show.

Matching works on the cleaned text (simplified, no punctuation; see ``textview.clean``):
- surface match, plus a toneless-pinyin match for longer phrases and marked key words, because
  Whisper's domain errors are mostly exact homophones (头诉/投诉, 做牢/坐牢; DESIGN.md);
- negation: a negator just before a cue (不满意, 我不着急, 别担心) marks it ``negated``;
  phrases that start with a negator themselves (不满意, 不合理) are never negated again;
- intensity: 太/非常/真的/根本… just before a cue marks it ``intensified``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

from qc.sentiment.textview import char_pinyin

# category → the role whose explanation shows it ("customer", "agent", "both" or "none").
# Every category is still a model feature for both roles.
CATEGORIES: dict[str, str] = {
    "anger": "customer",
    "complaint": "customer",
    "anxiety": "customer",
    "hardship": "customer",
    "escalation": "customer",
    "gratitude": "customer",
    "satisfaction": "customer",
    "relief": "customer",
    "question": "customer",
    "backchannel": "both",
    "procedure": "none",  # account and process words: a feature, never shown as a cue
    "courtesy": "none",  # scripted politeness (您好, 请稍等, 再见): a feature only
    "empathy": "agent",
    "apology": "agent",
    "reassurance": "agent",
    "help": "agent",
    "impatience": "agent",
    "blame": "agent",
    "dismissal": "agent",
    "insult": "agent",
    "threat": "agent",
}
POSITIVE = frozenset({"gratitude", "satisfaction", "relief"})
NEGATIVE = frozenset({"anger", "complaint", "anxiety", "hardship", "escalation"})
EMPATHY = frozenset({"empathy", "apology", "reassurance", "help"})
RUDE = frozenset({"impatience", "blame", "dismissal", "insult", "threat"})

# Longest first, so that 一点都不 wins over 不. Checked against the text just before a cue.
_NEGATORS = (
    *("一点都不", "一点也不", "不是要", "不打算", "不是很", "没那么", "不怎么"),
    *("不想", "并不", "不太", "不是", "不会", "不用", "没有", "不", "没", "别", "无"),
)
_INTENSIFIERS = ("非常", "特别", "真的", "实在", "简直", "根本", "到底", "太", "好", "超", "很")
_NEGATOR_STARTS = ("不", "没", "别", "无")
_QUESTION_FORMS = ("有没有", "是不是", "能不能", "会不会", "要不要", "好不好")
_NOT_NEGATING = {"别": ("特", "区", "分", "个", "告", "级", "类", "差", "识", "离", "性")}
_HAN = regex.compile(r"\p{Han}+")


@dataclass(frozen=True, slots=True)
class Cue:
    """One lexicon phrase found in an utterance, with where and how it matched."""

    category: str
    phrase: str  # the lexicon form
    heard: str  # the characters in the utterance (differs from ``phrase`` on a pinyin match)
    start_char: int  # in the cleaned text
    negated: bool = False
    intensified: bool = False

    @property
    def label(self) -> str:
        """``category:phrase`` for explanations; ``~heard`` marks a homophone match."""
        name = f"negated_{self.category}" if self.negated else self.category
        tail = f"~{self.heard}" if self.heard != self.phrase else ""
        return f"{name}:{self.phrase}{tail}"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Entries indexed for matching: by their first two syllables, or by surface text."""

    # (first syllable, second syllable) → [(category, phrase, all syllables)]
    by_syllables: dict[tuple[str, str], list[tuple[str, str, tuple[str, ...]]]]
    surface_only: tuple[tuple[str, str], ...]  # short, unmarked and number phrases


def _parse(lines: Sequence[str]) -> list[tuple[str, str, bool]]:
    """(category, phrase, by pinyin) per line: ``category<TAB>phrase[<TAB>pinyin]``."""
    entries: list[tuple[str, str, bool]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        category, phrase, *flags = line.rstrip("\n").split("\t")
        if category not in CATEGORIES or not phrase or flags not in ([], ["pinyin"]):
            raise ValueError(f"lexicon.tsv:{number}: expected 'category<TAB>phrase[<TAB>pinyin]' "
                             f"with a known category, got {line!r}")  # fmt: skip
        by_pinyin = bool(_HAN.fullmatch(phrase)) and (len(phrase) >= 3 or bool(flags))
        entries.append((category, phrase, by_pinyin))
    return entries


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read ``data/lexicon.tsv`` once per process."""
    text = resources.files("qc.sentiment").joinpath("data/lexicon.tsv").read_text("utf-8")
    by_syllables: dict[tuple[str, str], list[tuple[str, str, tuple[str, ...]]]] = {}
    surface_only: list[tuple[str, str]] = []
    for category, phrase, by_pinyin in _parse(text.splitlines()):
        if not by_pinyin:
            surface_only.append((category, phrase))
            continue
        target = tuple(char_pinyin(c) for c in phrase)
        by_syllables.setdefault((target[0], target[1]), []).append((category, phrase, target))
    return Lexicon(by_syllables, tuple(surface_only))


def _negated(text: str, start: int, category: str, phrase: str) -> bool:
    # Rude words stay rude under 别 (别废话, 别浪费我时间); 好的/有没有 are not polar.
    if category in RUDE or category in ("question", "backchannel"):
        return False
    if phrase.startswith(_NEGATOR_STARTS):
        return False
    before = text[max(0, start - 4) : start]
    negator = next((n for n in _NEGATORS if before.endswith(n)), None)
    if negator is None or before.endswith(_QUESTION_FORMS):  # 有没有良心 asks, not negates
        return False
    if len(negator) == 1 and before[:-1].endswith(_NOT_NEGATING.get(negator, ())):
        return False  # 特别, 区别, 个别 …: the character belongs to another word
    after = text[start + len(phrase) : start + len(phrase) + 4]
    return not (negator == "不是" and "吗" in after)  # 这不是骗人吗: rhetorical, affirms


def _intensified(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    return any(word in before for word in _INTENSIFIERS)


def _cue(category: str, phrase: str, text: str, start: int) -> Cue:
    return Cue(
        category,
        phrase,
        heard=text[start : start + len(phrase)],
        start_char=start,
        negated=_negated(text, start, category, phrase),
        intensified=_intensified(text, start),
    )


def find_cues(text: str, syllables: Sequence[str], digits: str = "") -> list[Cue]:
    """All cues in ``text`` (cleaned), given its per-character ``syllables``.

    Pinyin-matched phrases match by syllables (surface matches and homophones alike), the
    others by surface only (see the header of ``data/lexicon.tsv``). ``digits`` is
    the digit view of the text, so that spoken numbers (幺二三七八) match 12378.
    """
    lexicon = load_lexicon()
    cues: list[Cue] = []
    for i in range(len(syllables) - 1):
        for category, phrase, target in lexicon.by_syllables.get(
            (syllables[i], syllables[i + 1]), ()
        ):
            if tuple(syllables[i : i + len(target)]) == target:
                cues.append(_cue(category, phrase, text, i))
    for category, phrase in lexicon.surface_only:
        start = text.find(phrase)
        while start >= 0:
            cues.append(_cue(category, phrase, text, start))
            start = text.find(phrase, start + 1)
        if phrase.isdigit() and phrase not in text and phrase in digits:
            cues.append(Cue(category, phrase, phrase, 0))
    return sorted(_drop_contained(cues), key=lambda c: c.start_char)


def _drop_contained(cues: list[Cue]) -> list[Cue]:
    """Drop a cue inside a longer cue: the longer phrase is the more specific reading.

    不好意思 (apology) hides 好意思 (blame), 不满意 (complaint) hides 满意, 别着急 hides 着急.
    """
    kept: list[Cue] = []
    for cue in cues:
        end = cue.start_char + len(cue.phrase)
        inside = any(
            len(other.phrase) > len(cue.phrase)
            and other.start_char <= cue.start_char
            and end <= other.start_char + len(other.phrase)
            for other in cues
        )
        if not inside:
            kept.append(cue)
    return kept


def shown_for(role: str, cues: Sequence[Cue]) -> tuple[str, ...]:
    """Cue labels worth showing for ``role`` (agent cues for agents, customer cues otherwise)."""
    side = "agent" if role == "agent" else "customer"
    return tuple(dict.fromkeys(c.label for c in cues if CATEGORIES[c.category] in (side, "both")))
