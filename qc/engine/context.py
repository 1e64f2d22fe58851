"""The evaluation context of one call: views, role lists and scopes, computed once and cached.

Every text operator searches one *joined* string per (view, role): the compact views of that
role's utterances separated by newlines. The literals of a rule set's operators are found in it
in one pass (``occurrences``), and regexes run only on the utterances holding their literals
(bench/rules.py). Views are built lazily, so a view no rule uses costs nothing.
"""

from __future__ import annotations

import time
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from qc.engine.backtracking import STEPS_PER_S
from qc.engine.literals import Hit, LiteralIndex
from qc.engine.outcome import Found
from qc.engine.views import SEP, compact, digits_views, pinyin, text_views
from qc.types import Evidence, Features, Transcript, UtteranceSentiment

QUOTE_CHARS = 60


@dataclass(frozen=True, slots=True)
class Joined:
    """One role's utterances in one view, joined by SEP; indices[p] begins at starts[p]."""

    text: str
    starts: tuple[int, ...]
    indices: tuple[int, ...]
    longest: int  # characters of the longest utterance

    def position(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def bounds(self, lo: int, hi: int) -> tuple[int, int]:
        """Character range covering positions ``lo``..``hi-1``."""
        if lo >= hi:
            return (0, 0)
        end = self.starts[hi] - 1 if hi < len(self.starts) else len(self.text)
        return (self.starts[lo], end)


@dataclass(slots=True)
class _Shared:
    regex_timeout_s: float
    deadline: float = 0.0
    untimed: int = 0  # steps the current rule's searches may still take without a time limit
    cache: dict[Any, Any] = field(default_factory=dict)


class EvalContext:
    """Per-call state shared by all rules. ``window`` restricts text scopes (the scope operator);
    ``hidden`` utterances read as empty to the text operators (the excluding operator)."""

    def __init__(
        self,
        transcript: Transcript,
        features: Features | None = None,
        *,
        regex_timeout_s: float = 0.25,
        _shared: _Shared | None = None,
        window: tuple[int, int] | None = None,
        hidden: frozenset[int] = frozenset(),
    ) -> None:
        self.transcript = transcript
        self.features = features or Features()
        self.utterances = transcript.utterances
        self.metrics = transcript.metrics
        self.window = window
        self.hidden = hidden
        self._s = _shared or _Shared(regex_timeout_s)

    # --- time limits ------------------------------------------------------------------------
    def begin_rule(self) -> None:
        self._s.deadline = time.monotonic() + self._s.regex_timeout_s
        self._s.untimed = int(self._s.regex_timeout_s * STEPS_PER_S)

    def untimed(self, steps: int | None) -> bool:
        """Whether a search of at most ``steps`` steps (None: no bound) runs without a time
        limit: yes while the current rule's such searches fit in its budget, the steps the
        ``regex`` module surely takes in the rule's time limit (qc/engine/backtracking.py)."""
        if steps is None or steps > self._s.untimed:
            return False
        self._s.untimed -= steps
        return True

    def remaining_s(self) -> float:
        """Time left for the current rule's regular expressions (RELIABILITY B8)."""
        return max(0.001, self._s.deadline - time.monotonic())

    def restricted(self, lo: int, hi: int) -> EvalContext:
        if self.window:
            lo, hi = max(lo, self.window[0]), min(hi, self.window[1])
        return self._derive((lo, hi), self.hidden)

    def hiding(self, positions: frozenset[int]) -> EvalContext:
        """This context with the utterances at ``positions`` read as empty by the text operators."""
        return self._derive(self.window, self.hidden | positions)

    def _derive(self, window: tuple[int, int] | None, hidden: frozenset[int]) -> EvalContext:
        return EvalContext(
            self.transcript, self.features, _shared=self._s, window=window, hidden=hidden
        )

    def cached(self, key: Any, make: Any, *args: Any) -> Any:
        """``make(*args)``, computed once per call and key (the hot path is a hit: one lookup)."""
        cache = self._s.cache
        try:
            return cache[key]
        except KeyError:
            value = cache[key] = make(*args)
            return value

    # --- roles and scopes -------------------------------------------------------------------
    def role_indices(self, role: str) -> tuple[int, ...]:
        utts = self.utterances
        return self.cached(  # type: ignore[no-any-return]
            ("role", role),
            lambda: tuple(i for i, u in enumerate(utts) if role == "any" or u.role == role),
        )

    def position(self, index: int | None) -> int | None:
        """The position in ``utterances`` of the utterance numbered ``index``."""
        if index is None:
            return None
        table = self.cached(
            "positions", lambda: {u.index: p for p, u in enumerate(self.utterances)}
        )
        return table.get(index)  # type: ignore[no-any-return]

    def duration_s(self) -> float:
        last = max((u.end_s for u in self.utterances), default=0.0)
        return max(self.transcript.duration_s, self.metrics.duration_s, last)

    def span(self, scope: tuple[str, int | None, int | None, float | None, float | None]) -> range:
        """Positions in ``role_indices(role)`` inside ``(role, first, last, first_s, last_s)``."""
        key = ("span", scope, self.window)
        return self.cached(key, self._span, scope)  # type: ignore[no-any-return]

    def _span(self, scope: tuple[str, int | None, int | None, float | None, float | None]) -> range:
        role, first, last, first_s, last_s = scope
        idx = self.role_indices(role)
        lo, hi = 0, len(idx)
        if self.window:
            lo, hi = bisect_left(idx, self.window[0]), bisect_left(idx, self.window[1])
        utts = self.utterances
        if first_s is not None:
            while hi > lo and utts[idx[hi - 1]].start_s >= first_s:
                hi -= 1
        if last_s is not None:
            limit = self.duration_s() - last_s
            while lo < hi and utts[idx[lo]].end_s <= limit:
                lo += 1
        if first is not None:
            hi = min(hi, lo + first)
        if last is not None:
            lo = max(lo, hi - last)
        return range(lo, max(lo, hi))

    # --- views ------------------------------------------------------------------------------
    def views(self, view: str) -> list[str]:
        """One view of every utterance, hidden ones empty."""
        every = self._every(view)
        if not self.hidden:
            return every
        return self.cached(  # type: ignore[no-any-return]
            ("views", view, self.hidden),
            lambda: ["" if i in self.hidden else v for i, v in enumerate(every)],
        )

    def _every(self, view: str) -> list[str]:
        """One view of every utterance, none hidden (built in one pass on first use)."""
        return self.cached(("views", view), self._views, view)  # type: ignore[no-any-return]

    def _views(self, view: str) -> list[str]:
        if view == "text":
            return text_views([u.text for u in self.utterances])
        if view == "digits":
            return digits_views([u.text for u in self.utterances], self._every("text"))
        return pinyin(SEP.join(self._every("text"))).split(SEP)

    def view(self, view: str, i: int) -> str:
        return self.views(view)[i]

    def joined(self, view: str, role: str) -> Joined:
        key = ("joined", view, role, self.hidden)
        return self.cached(key, self._join, view, role)  # type: ignore[no-any-return]

    def _join(self, view: str, role: str) -> Joined:
        idx = self.role_indices(role)
        every = self.views(view)
        parts = [every[i] for i in idx]
        starts, offset = [], 0
        for part in parts:
            starts.append(offset)
            offset += len(part) + 1
        return Joined(SEP.join(parts), tuple(starts), idx, max(map(len, parts), default=0))

    def occurrences(self, index: LiteralIndex, slot: int, view: str, role: str) -> list[Hit]:
        """(position, start, word) of each of ``slot``'s words in the joined ``view`` of
        ``role``'s speech, positions in order."""
        return self._scan(index, view, role).get(slot, [])

    def _scan(self, index: LiteralIndex, view: str, role: str) -> dict[int, list[Hit]]:
        key = ("scan", index, view, role, self.hidden)
        return self.cached(key, self._rescan, index, view, role)  # type: ignore[no-any-return]

    def _rescan(self, index: LiteralIndex, view: str, role: str) -> dict[int, list[Hit]]:
        """One pass over the joined view; with utterances hidden, the whole call's hits outside
        them, moved to the shorter text (no literal spans SEP), instead of a second pass."""
        if not self.hidden:
            joined = self.joined(view, role)
            return index.scan(joined.text, view, joined.starts)
        whole = self._derive(self.window, frozenset())
        full, part = whole.joined(view, role), self.joined(view, role)
        out: dict[int, list[Hit]] = {}
        for slot, hits in whole._scan(index, view, role).items():
            kept = []
            for p, start, word in hits:
                if full.indices[p] not in self.hidden:
                    kept.append((p, start - full.starts[p] + part.starts[p], word))
            if kept:
                out[slot] = kept
        return out

    # --- features ---------------------------------------------------------------------------
    def sentiments(self) -> tuple[UtteranceSentiment, ...] | None:
        """Per-utterance sentiment aligned with the utterances, or None when not computed."""
        values = self.features.sentiment
        return values if values and len(values) == len(self.utterances) else None

    # --- evidence ---------------------------------------------------------------------------
    def quote(self, i: int, char: int = 0) -> str:
        text = self.utterances[i].text
        if len(text) <= QUOTE_CHARS:
            return text
        start = max(0, min(char - QUOTE_CHARS // 3, len(text) - QUOTE_CHARS))
        return ("…" if start else "") + text[start : start + QUOTE_CHARS] + "…"

    def confidence(self, i: int, start: int, end: int) -> float:
        """Mean probability of the words covering text-view chars ``start..end`` of utterance i."""
        utt = self.utterances[i]
        spans = self.cached(("words", i), self._word_spans, i)
        if not spans:
            return utt.confidence
        probs = [p for s, e, p in spans if s < max(end, start + 1) and e > start]
        return sum(probs) / len(probs) if probs else utt.confidence

    def _word_spans(self, i: int) -> list[tuple[int, int, float]] | None:
        utt = self.utterances[i]
        spans, offset = [], 0
        for word in utt.words:
            size = len(compact(unicodedata.normalize("NFKC", word.text)))
            spans.append((offset, offset + size, word.probability))
            offset += size
        # Words that do not add up to the text (edited or re-normalised text): use the mean.
        return spans if utt.words and offset == len(self.view("text", i)) else None

    def found(
        self, i: int, *, char: int = 0, length: int = 0, view: str = "text", **kw: Any
    ) -> Found:
        """Evidence for utterance ``i``; ``char``/``length`` locate it in the ``view``."""
        utt = self.utterances[i]
        ev = Evidence(utt.index, utt.start_s, utt.end_s, self.quote(i, char), **kw)
        located = view == "text" and length > 0
        conf = self.confidence(i, char, char + length) if located else utt.confidence
        return Found(ev, char, conf)
