"""Literal search for the text operators.

- ``required_literals(pattern)`` returns a set of strings such that every match of the pattern
  contains at least one of them, or None when no such set is found. A rule's regex then only
  runs on utterances where one of those strings occurs. The packs' patterns are long
  alternations with lookbehinds that the ``regex`` module tries at every position. The analysis
  is conservative: anything it does not understand gives None, and the regex then runs
  everywhere. ``requirement(pattern)`` adds the lead, the most characters a match can start
  before its required string, so the regex starts there instead of at the utterance's start.
- ``branches(pattern)``: the pattern as alternatives with a requirement each, whose alternation
  matches exactly what the pattern matches; an utterance is searched with only those whose
  literals it holds (a 10-minute call's regexes ran in half the time).
- ``first_chars(pattern)``: the characters a match can start with; the regex operator puts a
  lookahead for them in front, so leading lookbehinds do not run at every position.
- ``alternation(words)``: a trie-shaped pattern for many literals (phrase exclusions).
- ``names_upper_case``, ``uncaptured``, ``lookbehinds_last``: what the regex operator needs to
  compile a pattern into an equivalent that the ``regex`` module runs faster.
- ``LiteralIndex``: the literals of every text operator of a rule set, found together in one
  Aho–Corasick pass (ahocorasick-rs) per joined view. A 10-minute call's scans for the packs'
  regex prefilters took 0.12 ms in one pass against 1.1 ms as one ``re`` alternation per
  operator (pyahocorasick, pure per-character Python callbacks, was ten times slower than ``re``).

The pattern is parsed with CPython's own regex parser (``re._parser``, public as ``sre_parse``
before 3.11). ``regex``-module syntax it cannot parse gives None; ``\\p{…}`` is read as "any
character", and fuzzy constraints (``{e<=1}``), which it would read as literal braces, give None.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, NamedTuple

import ahocorasick_rs

Strings = frozenset[str]
Need = tuple[Strings, int | None]  # strings a match contains, and the most characters before one
Analysis = tuple[Strings | None, Need | None, int | None]  # exact strings, need, most characters
_Automaton = tuple[ahocorasick_rs.AhoCorasick, list[str], list[list[int]]]  # words, slots
Hit = tuple[int, int, str]  # the line a literal is on, its start offset in the text, the literal
MAX_STRINGS = 64  # a larger exact set is given up (its requirement is still kept)
MAX_BRANCHES = 512  # a pattern split into more alternatives is kept whole (``branches``)
_EMPTY: Strings = frozenset({""})
#: ``first_chars`` reports ``\d`` as this one member (a class escape, not a character)
DIGIT_CLASS: Strings = frozenset({"\\d"})
_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\[pP]\{[^}]*\}")
_FUZZY = re.compile(r"\{[^}]*[eids][^}]*\}")
_GLOBAL_FLAGS = re.compile(r"\(\?[a-zA-Z]+\)")


def required_literals(pattern: str) -> Strings | None:
    """Strings of which every match of ``pattern`` contains one (lower-cased), or None."""
    found = requirement(pattern)
    return found[0] if found else None


def requirement(pattern: str) -> Need | None:
    """``required_literals`` and the lead: in every match, one of the strings starts at most
    that many characters after the match's start (None: no bound). A regex then starts its
    search in an utterance at the first such string less the lead, not at the utterance's start.
    """
    tree = parse(pattern)
    return _required(_sequence(tree)) if tree is not None else None


def _required(analysis: Analysis) -> Need | None:
    _, needed, _ = analysis
    strings = _usable(needed[0]) if needed else None
    return (strings, needed[1]) if needed and strings else None


def first_chars(pattern: str) -> Strings | None:
    """The characters every match of ``pattern`` starts with (lower-cased), or None; ``\\d``
    stands for any digit.

    A pattern that opens with a variable-length lookbehind (``(?<!(不会|没有)[^\\n]{0,4})联系``)
    makes ``regex`` run the lookbehind at every position before it looks at a character;
    ``Regex`` puts a lookahead for these characters in front, which fails at once elsewhere.
    """
    tree = parse(pattern)
    if tree is None or _GLOBAL_FLAGS.search(pattern):
        return None
    chars, nullable = _first_of(tree)
    return None if nullable else _usable(chars)


def names_upper_case(pattern: str) -> bool:
    """Whether ``pattern`` names an upper-case character (True when it cannot be analysed).

    The views are lower case, so only such a pattern needs IGNORECASE, which costs the
    ``regex`` module a case lookup at every character it compares.
    """
    tree = parse(pattern)
    return tree is None or any(chr(c).lower() != chr(c) for c in _named_chars(tree))


_LOOKAROUND = re.compile(r"\(\?(?:=|!|<=|<!)")
_NUMBERED_USE = re.compile(r"\\[1-9]|\\g<\d|\(\?\(|\(\?[a-zA-Z]*x")
_CAPTURE_USE = re.compile(r"\\[1-9]|\\g<|\(\?P|\(\?<(?![=!])|\(\?'|\(\?\(|\(\?[a-zA-Z]*x")


def uncaptured(pattern: str) -> str:
    """``pattern`` with its groups made non-capturing, so ``regex`` does not save their spans
    while it backtracks; the operators read only the whole match. A pattern that refers to a
    group (a back-reference, a named group) or uses verbose mode is returned as it is.
    """
    if _CAPTURE_USE.search(pattern):
        return pattern
    tokens = list(_tokens(pattern))
    return "".join(
        "(?:" if tok == "(" and tokens[k + 1 : k + 2] != ["?"] else tok
        for k, tok in enumerate(tokens)
    )


def lookbehinds_last(pattern: str) -> str:
    """Each top-level branch that opens with lookbehinds, ``(?<!L)REST``, as
    ``(?=REST)(?<!L)REST``: the same matches, but ``regex`` runs a leading lookbehind at every
    position it tries, before it reads a character, and behind the lookahead only where REST
    matches (about 15 % of the packs' regex time). Lookaheads among the leading assertions stay
    in front: ``(?=A)(?<!L)REST`` becomes ``(?=A)(?=REST)(?<!L)REST``. REST is written twice, so
    a pattern that refers to its groups is returned as it is.
    """
    if _CAPTURE_USE.search(pattern):
        return pattern
    return "|".join(_lookbehinds_last(b) for b in _alternatives(list(_tokens(pattern))))


def branches(pattern: str) -> list[Branch]:
    """``pattern`` as alternatives whose alternation matches exactly what it matches, each
    with its own requirement: the top-level branches, and a group that opens a branch
    distributed over the rest of it, ``(?<!L)(A|B)C`` → ``(?<!L)AC``, ``(?<!L)BC``. ``regex``
    tries the alternatives at a position in the pattern's order, so the match it finds there is
    the same; an alternative whose required literal is not in an utterance cannot match in it,
    and leaving it out changes nothing there. The list is empty when the pattern stays whole:
    it refers to groups by number, sets flags, splits into more than ``MAX_BRANCHES``, or has
    an alternative without a requirement.
    """
    if _NUMBERED_USE.search(pattern) or _GLOBAL_FLAGS.search(pattern):
        return []
    split: list[tuple[list[str], list[str], list[str]]] = []
    for alt in _alternatives(list(_tokens(pattern))):
        if _CAPTURE_USE.search("".join(alt)):  # named groups stay in their branch
            k = _assertions(alt)
            split.append((alt[:k], alt[k:], []))
        else:
            split += _distributed(alt, [])
    if not 1 < len(split) <= MAX_BRANCHES:
        return []
    out = []
    for parts in split:
        head, body, tail = ("".join(p) for p in parts)
        need = _joined_requirement(body, tail)
        if need is None:
            return []
        out.append(Branch(head, body, tail, need))
    return out


class Branch(NamedTuple):
    """One of ``branches``: ``head + body + tail``, and what a match of it requires."""

    head: str  # its leading lookarounds (and those of the groups it was distributed from)
    body: str
    tail: str  # what followed the group it was distributed from
    need: Need

    @property
    def text(self) -> str:
        return self.head + self.body + self.tail


def rejoined(parts: Iterable[Branch]) -> str:
    """The alternation of ``parts`` in order, consecutive ones from one group written as that
    group again, ``head(?:body|body)tail``, so ``regex`` runs their lookarounds and tail once."""
    out = []
    for (head, tail), group in groupby(parts, key=lambda b: (b.head, b.tail)):
        bodies = [b.body for b in group]
        body = bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")"
        out.append(head + body + tail)
    return "|".join(out)


def _joined_requirement(opening: str, tail: str) -> Need | None:
    """``requirement(opening + tail)``, the tail analysed once for all the alternatives it
    follows (a pack's pattern splits into a hundred alternatives, most sharing a long tail)."""
    first, rest = parse(opening), _tail(tail)
    if first is None or rest is None:
        return requirement(opening + tail)
    return _required(_fold([*(_node(op, av) for op, av in first), *rest]))


@lru_cache(maxsize=256)
def _tail(tail: str) -> tuple[Analysis, ...] | None:
    """The analyses of the items of ``tail``, once for all the alternatives it follows."""
    tree = parse(tail)
    return None if tree is None else tuple(_node(op, av) for op, av in tree)


def _alternatives(tokens: list[str]) -> list[list[str]]:
    """The top-level branches of a token list."""
    out: list[list[str]] = [[]]
    depth = 0
    for tok in tokens:
        if tok == "|" and depth == 0:
            out.append([])
            continue
        depth += (tok == "(") - (tok == ")")
        out[-1].append(tok)
    return out


def _closing(tokens: list[str], start: int) -> int:
    """The index of the ``)`` closing the group opened at ``tokens[start]``."""
    depth = 0
    for k in range(start, len(tokens)):
        depth += (tokens[k] == "(") - (tokens[k] == ")")
        if depth == 0:
            return k
    return len(tokens) - 1


def _assertions(tokens: list[str]) -> int:
    """How many tokens the lookarounds that open a branch take (not a named group's ``(?<``)."""
    end = 0
    while _LOOKAROUND.match("".join(tokens[end : end + 4])):
        end = _closing(tokens, end) + 1
    return end


def _distributed(
    tokens: list[str], tail: list[str]
) -> list[tuple[list[str], list[str], list[str]]]:
    """The branch ``tokens + tail`` as alternatives ``(head, body, tail)``: a plain group after
    the leading lookarounds of ``tokens`` (the head), not repeated, is distributed over the rest
    of the branch, recursively; the body is what the alternative's matches open with."""
    k = _assertions(tokens)
    whole = [(tokens[:k], tokens[k:], tail)]
    plain = tokens[k : k + 1] == ["("] and tokens[k + 1 : k + 2] != ["?"]
    end = _closing(tokens, k)
    repeated = end + 1 < len(tokens) and tokens[end + 1][0] in "?*+{"
    if not (plain or tokens[k : k + 3] == ["(", "?", ":"]) or repeated:
        return whole
    inner = tokens[k + 1 : end] if plain else tokens[k + 3 : end]
    rest = tokens[end + 1 :] + tail
    out = [
        (tokens[:k] + h, b, t)
        for alt in _alternatives(inner)
        for h, b, t in _distributed(alt, rest)
    ]
    return out if len(out) <= MAX_BRANCHES else whole


def _lookbehinds_last(tokens: list[str]) -> str:
    # The leading assertions, lookaheads too (?=什么|任何)(?<!不能替…)…: all hold at one position,
    # so the lookaheads stay first, then the rest of the branch, then the lookbehinds.
    ahead: list[str] = []
    behind: list[str] = []
    end = 0
    while _LOOKAROUND.match("".join(tokens[end : end + 4])):
        k = _closing(tokens, end)
        (behind if tokens[end + 2] == "<" else ahead).append("".join(tokens[end : k + 1]))
        end = k + 1
    rest = "".join(tokens[end:])
    if not behind or not rest:
        return "".join(tokens)
    return "".join(ahead) + f"(?=(?:{rest}))" + "".join(behind) + f"(?:{rest})"


def _tokens(pattern: str) -> Iterator[str]:
    """``pattern`` cut into escapes, whole character classes and single characters, so that a
    token "(", ")" or "|" is always syntax."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            end = i + 2
        elif pattern[i] == "[":  # a ] right after [ or [^ is a member, not the end
            end = i + 1 + (pattern[i + 1 : i + 2] == "^")
            end += pattern[end : end + 1] == "]"
            while end < len(pattern) and pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            end += 1
        else:
            end = i + 1
        yield pattern[i:end]
        i = end


def parse(pattern: str) -> Any:
    """CPython's parse tree of ``pattern``, or None for syntax it does not share with ``regex``."""
    if _FUZZY.search(pattern):
        return None
    analysable = _PROPERTY.sub(r"\1\\w", pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sre_parse.parse(analysable)
    except Exception:  # regex-module syntax the stdlib parser does not know: no analysis
        return None


def _usable(strings: Strings | None) -> Strings | None:
    """Lower-cased strings, or None where case folding or a newline would make them unsafe."""
    if strings is None or any("\n" in s for s in strings):
        return None
    if any(not c.isascii() and c.lower() != c.upper() for s in strings for c in s):
        return None  # non-ASCII case folding is the regex module's business
    return frozenset(s.lower() for s in strings)


class LiteralIndex:
    """Literal strings of many operators, found together in one pass over a text.

    Each operator registers its words under a slot (``add``), for the view it searches. Operators
    compiled together (a rule set) share one index; the evaluation context caches each joined
    view's scan, so a call costs one pass per view and role, not one per operator, and each
    operator reads only its own hits. Each view has an automaton of its own words: the pinyin
    view's homophone spellings are not looked for in the text view, and the smaller automata
    stay in the processor's cache (bench/rules.py). Compare by identity: the index is a cache key.
    """

    def __init__(self) -> None:
        self._slots: dict[str, dict[str, list[int]]] = {}  # view → word → the slots asking for it
        self._count = 0
        self._automata: dict[str, _Automaton] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> LiteralIndex:
        return self  # copied operators (bench/rules.py) still share their rule set's index

    def add(self, words: Iterable[str], view: str = "text") -> int:
        """Register ``words`` searched in ``view``; returns the slot ``scan`` reports them under."""
        slot, self._count = self._count, self._count + 1
        slots = self._slots.setdefault(view, {})
        for word in set(words):
            slots.setdefault(word, []).append(slot)
        self._automata.pop(view, None)
        return slot

    def scan(
        self, text: str, view: str = "text", starts: Sequence[int] = (0,)
    ) -> dict[int, list[Hit]]:
        """Slot → (line, start offset, word) of each of its words in ``text``, overlaps
        included, in the order of their ends; ``starts``: where each line of ``text`` begins
        (the utterances of a joined view; no word holds the newline between them)."""
        if view not in self._automata:
            words = list(self._slots.get(view, {}))
            # A contiguous NFA: more instructions per character than a DFA, but 1.9 MB for the
            # text view's words instead of 16 MB. Inside an evaluation the regexes evict the
            # automata from the processor's cache between scans, and there the six scans of a
            # 10-minute call take 0.7 ms instead of the DFA's 1.3 ms (README, rule engine speed).
            compact = ahocorasick_rs.Implementation.ContiguousNFA
            automaton = ahocorasick_rs.AhoCorasick(words, implementation=compact)
            self._automata[view] = (automaton, words, [self._slots[view][w] for w in words])
        automaton, words, slots = self._automata[view]
        found: dict[int, list[Hit]] = {}
        line, following = 0, [*starts[1:], len(text) + 1]
        for k, start, end in automaton.find_matches_as_indexes(text, overlapping=True):
            while end > following[line]:  # matches come in the order of their ends
                line += 1
            hit = (line, start, words[k])
            for slot in slots[k]:
                found.setdefault(slot, []).append(hit)
        return found


def alternation(words: Iterable[str]) -> str:
    """A pattern matching any of ``words``, the longest one at each position, as a trie.

    ``re`` tries a flat alternation's branches one after another at every position; with common
    prefixes factored out (你到底(?:想|要)怎么样) at most one branch survives each character, which
    made the packs' phrase searches about 1.7× faster than a flat longest-first alternation.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _quality(need: Need) -> tuple[int, bool, int]:
    """Longer strings first, then a bounded lead (the search can start late), then fewer."""
    strings, lead = need
    return (min(len(s) for s in strings), lead is not None, -len(strings))


def _better(a: Need | None, b: Need | None) -> Need | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if _quality(a) >= _quality(b) else b


def _need(strings: Strings | None, lead: int | None) -> Need | None:
    """A requirement found ``lead`` characters in, if the strings cannot all be empty."""
    return (strings, lead) if strings and "" not in strings else None


def _plus(a: int | None, b: int | None) -> int | None:
    return a + b if a is not None and b is not None else None


def _most(a: int | None, b: int | None) -> int | None:
    return max(a, b) if a is not None and b is not None else None


def _product(a: Strings, b: Strings) -> Strings | None:
    if len(a) * len(b) > MAX_STRINGS:
        return None
    return frozenset(x + y for x in a for y in b)


def _sequence(items: Iterable[tuple[Any, Any]]) -> Analysis:
    """The exact strings the sequence matches or None, its best requirement or None, and the
    most characters it can match (None: no bound)."""
    return _fold(_node(op, av) for op, av in items)


def _fold(analyses: Iterable[Analysis]) -> Analysis:
    """``_sequence`` from the analyses of its items."""
    whole: Strings | None = _EMPTY
    run: Strings = _EMPTY  # exact strings of the current run of exactly-known items
    run_at: int | None = 0  # the most characters before the run starts
    width: int | None = 0  # the most characters before the current item
    best: Need | None = None
    for exact, needed, size in analyses:
        if needed:
            best = _better(best, (needed[0], _plus(width, needed[1])))
        if run == _EMPTY:
            run_at = width
        joined = _product(run, exact) if exact is not None else None
        if joined is None:  # the run ends; a new one starts here (or after an unknown item)
            best = _better(best, _need(run, run_at))
            joined, run_at = exact if exact is not None else _EMPTY, width
        run = joined
        whole = _product(whole, exact) if whole is not None and exact is not None else None
        width = _plus(width, size)
    return whole, _better(best, _need(run, run_at)), width


def _node(op: Any, av: Any) -> Analysis:
    if op is sre.LITERAL:
        one = frozenset({chr(av)})
        return one, (one, 0), 1
    if op is sre.IN:
        chars = class_chars(av)
        return chars, _need(chars, 0), 1
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return _EMPTY, None, 0  # zero width
    if op is sre.SUBPATTERN:
        return _sequence(av[3])
    if op is sre.ATOMIC_GROUP:
        return _sequence(av)
    if op is sre.BRANCH:
        return _branch(av[1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return _repeat(*av)
    if op in (sre.ANY, sre.NOT_LITERAL, sre.CATEGORY):
        return None, None, 1
    return None, None, None  # back-reference, conditional, …


def class_chars(items: list[tuple[Any, Any]]) -> Strings | None:
    """The characters a class of literals and small ranges matches, or None (a negated class,
    a category, a large range)."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < MAX_STRINGS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # negation, category, large range
            return None
    return frozenset(chars) if 0 < len(chars) <= MAX_STRINGS else None


def _branch(alternatives: list[Any]) -> Analysis:
    exact: Strings | None = frozenset()
    needed: Need | None = (frozenset(), 0)
    width: int | None = 0
    for alt in alternatives:
        alt_exact, alt_needed, alt_width = _sequence(alt)
        exact = exact | alt_exact if exact is not None and alt_exact is not None else None
        alt_needed = _better(alt_needed, _need(alt_exact, 0))
        if needed is not None and alt_needed is not None:
            needed = (needed[0] | alt_needed[0], _most(needed[1], alt_needed[1]))
        else:
            needed = None
        width = _most(width, alt_width)
    if exact is not None and len(exact) > MAX_STRINGS:
        exact = None
    return exact, needed, width


def _repeat(lo: int, hi: int, body: Any) -> Analysis:
    exact, needed, size = _sequence(body)
    width = size * hi if size is not None and hi != sre.MAXREPEAT else None
    if lo == 0:
        optional = exact | _EMPTY if hi == 1 and exact is not None else None
        return optional, None, width
    if lo != hi or exact is None:
        return None, needed, width  # found in the first repetition
    times: Strings | None = _EMPTY
    for _ in range(lo):
        times = _product(times, exact) if times is not None else None
    return times, _better(needed, _need(times, 0)), width


def _named_chars(items: Iterable[tuple[Any, Any]]) -> Iterator[int]:
    """Code points of every character a parse tree names (literals, class members, ranges)."""
    for op, av in items:
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            yield av
        elif op is sre.RANGE:
            yield from range(av[0], av[1] + 1)
        elif op in (sre.IN, sre.ATOMIC_GROUP):
            yield from _named_chars(av)
        elif op is sre.SUBPATTERN:
            yield from _named_chars(av[3])
        elif op is sre.BRANCH:
            for alt in av[1]:
                yield from _named_chars(alt)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            yield from _named_chars(av[2])
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            yield from _named_chars(av[1])


def _first_of(items: Iterable[tuple[Any, Any]]) -> tuple[Strings | None, bool]:
    """(first characters of a sequence or None, whether it can match the empty string)."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _first_node(op, av)
        if first is None:
            return None, False
        chars |= first
        if not nullable:
            return frozenset(chars), False
    return frozenset(chars), True


def _first_node(op: Any, av: Any) -> tuple[Strings | None, bool]:
    if op is sre.LITERAL:
        return frozenset({chr(av)}), False
    if op is sre.IN:  # \d is kept as a class escape: [\d一二] starts with \d, 一 or 二
        digit = (sre.CATEGORY, sre.CATEGORY_DIGIT)
        rest = [item for item in av if item != digit]
        listed = class_chars(rest) if rest else frozenset()
        return (listed | DIGIT_CLASS if listed is not None and digit in av else listed), False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset(), True
    if op is sre.SUBPATTERN:
        return _first_of(av[3])
    if op is sre.ATOMIC_GROUP:
        return _first_of(av)
    if op is sre.BRANCH:
        chars: set[str] = set()
        nullable = False
        for alt in av[1]:
            first, empty = _first_of(alt)
            if first is None:
                return None, False
            chars |= first
            nullable |= empty
        return frozenset(chars), nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        first, nullable = _first_of(av[2])
        return first, nullable or av[0] == 0
    return None, False
