"""An upper bound on the work a backtracking regex engine does for one start position.

The ``regex`` module's time limit costs about 2 µs per call before it looks at a character,
and the packs' searches ran 7 % faster without it (bench/rules.py). A pattern that cannot
repeat a repetition without bound cannot backtrack catastrophically: ``steps(pattern, line)``
bounds the steps a search takes from one position of a text whose lines (utterances) have at
most ``line`` characters, so a search over n characters takes at most n times that. The regex
operator drops the time limit only while its rule's searches stay inside a step budget
(``EvalContext.untimed``); ``(嗯|嗯嗯)+$``, and anything the analysis does not read, keep it
(RELIABILITY B8).

Each node's bound gives, for the character the text has where the node starts, the ways it can
match a non-empty string, the steps needed to try them all, and the ways it matches the empty
string:
- a sequence tries its next item once per way the items before it matched: where they matched
  nothing, at the same character, so ``(你|您)?的?(事|情况)`` does not count every optional
  item twice; where they took characters, at any character;
- an alternation tries its branches in turn; a literal or class tests one character;
- ``x{m,n}`` is x repeated as a sequence; ``x*`` and ``x+`` repeat at most ``line`` times when
  ``x`` cannot match a newline and takes a character each time (a match cannot leave its
  line), and have no bound otherwise;
- a lookaround or atomic group matches one way; lookbehinds run backwards, so their sequences
  are read from the end, keyed by the character before the position.
Every character test and every node tried counts one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from typing import Any

from qc.engine.literals import class_chars, parse

#: bounds past this are given up (the search keeps its time limit)
CAP = 10**9
#: steps counted as one second of a rule's time limit: 25 ns a step, where the slowest
#: adversarial pattern measured by bench/backtracking.py took 9-14
STEPS_PER_S = 40_000_000
#: analysed branches and lookaround bodies (``_Walk.shared``), cleared past this size
_SHARED: dict[tuple[Any, str, bool, int], tuple[_Bound, bool]] = {}
_SHARED_MAX = 5_000
_NEWLINE = ord("\n")
#: classes that match a newline, in a class without NEGATE; with it, any other
_NEWLINE_CATEGORIES = {sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD, sre.CATEGORY_NOT_DIGIT}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
Ways = tuple[int, int]  # (ways to match a non-empty string, steps to try everything)


class _Unbounded(Exception):
    pass


def _capped(value: int) -> int:
    if value >= CAP:
        raise _Unbounded
    return value


@dataclass(frozen=True, slots=True)
class _Bound:
    """``by[c]`` where the text has c at the start, ``other`` for any character not listed."""

    other: Ways
    empty: int = 0  # ways to match the empty string
    by: dict[str, Ways] = field(default_factory=dict)

    def at(self, char: str | None) -> Ways:
        return self.other if char is None else self.by.get(char, self.other)

    def most_ways(self) -> int:
        """Ways to match from an unknown character, the empty string included."""
        return max(w for w, _ in [self.other, *self.by.values()]) + self.empty

    def most_cost(self) -> int:
        return max(c for _, c in [self.other, *self.by.values()])


_EMPTY = _Bound((0, 0), 1)
_ANY = _Bound((1, 1))


def steps(pattern: str, line: int) -> int | None:
    """The most steps a search of ``pattern`` takes from one position of a text whose lines
    have at most ``line`` characters, or None: no bound (a repetition that could cross lines
    or nests past ``CAP``, or syntax the analysis does not read)."""
    bound, by_line = _analysis(pattern, 0)
    return _analysis(pattern, line)[0] if by_line else bound


@lru_cache(maxsize=4096)
def _analysis(pattern: str, line: int) -> tuple[int | None, bool]:
    """The bound, and whether it depends on ``line`` (an ``x*`` or ``x+`` was met)."""
    tree = parse(pattern)
    if tree is None or tree.state.flags & sre.SRE_FLAG_DOTALL:
        return None, False
    walk = _Walk(line)
    try:
        return walk.sequence(list(tree), backward=False).most_cost(), walk.by_line
    except _Unbounded:
        return None, walk.by_line


def _then(a: _Bound, b: _Bound) -> _Bound:
    """``a`` followed by ``b``."""
    after_ways, after_cost = b.most_ways(), b.most_cost()

    def combine(char: str | None) -> Ways:
        ways, cost = a.at(char)
        then_ways, then_cost = b.at(char)
        return (
            _capped(ways * after_ways + a.empty * then_ways),
            _capped(cost + ways * after_cost + a.empty * then_cost),
        )

    keys = a.by.keys() | (b.by.keys() if a.empty else set())
    return _Bound(combine(None), _capped(a.empty * b.empty), {c: combine(c) for c in keys})


def _either(alts: list[_Bound]) -> _Bound:
    """Alternatives tried in turn."""

    def total(char: str | None) -> Ways:
        ways = [a.at(char) for a in alts]
        return _capped(sum(w for w, _ in ways)), _capped(sum(c for _, c in ways))

    keys = {c for a in alts for c in a.by}
    empty = _capped(sum(a.empty for a in alts))
    return _Bound(total(None), empty, {c: total(c) for c in keys})


def _once(b: _Bound) -> _Bound:
    """``b`` matching at most one way (an atomic group, a possessive repetition)."""
    return _Bound(
        (min(b.other[0], 1), b.other[1]),
        min(b.empty, 1),
        {c: (min(w, 1), s) for c, (w, s) in b.by.items()},
    )


@dataclass(slots=True)
class _Walk:
    line: int
    by_line: bool = False  # an unbounded repetition was bounded by ``line``

    def sequence(self, items: list[tuple[Any, Any]], backward: bool) -> _Bound:
        # From the end: each item is followed by the whole rest, keyed by its opening
        # character, so a skipped optional item does not double the ways of what follows.
        # A run of literals is one node: its first character, then one test per character.
        out, run, first = _EMPTY, 0, 0
        for op, av in items if backward else items[::-1]:
            if op is sre.LITERAL:
                run, first = run + 1, av
                continue
            if run:
                out, run = _then(_word(first, run), out), 0
            out = _then(self.node(op, av, backward), out)
        return _then(_word(first, run), out) if run else out

    def shared(self, op: Any, av: Any, backward: bool) -> _Bound:
        """A branch or a lookaround's body, analysed once per process and line length: a
        pattern's alternatives, analysed one by one (the regex operator), repeat the same
        negation lists (``(?<!(不会|没有|…)[^\\n]{0,8})``) many times."""
        key = (op, repr(av), backward, self.line)
        if key not in _SHARED:
            outer, self.by_line = self.by_line, False
            bound = (
                _either([self.sequence(list(alt), backward) for alt in av[1]])
                if op is sre.BRANCH
                else self.sequence(list(av[-1]), backward)
            )
            if len(_SHARED) > _SHARED_MAX:
                _SHARED.clear()
            _SHARED[key], self.by_line = (bound, self.by_line), outer or self.by_line
        bound, by_line = _SHARED[key]
        self.by_line |= by_line
        return bound

    def node(self, op: Any, av: Any, backward: bool) -> _Bound:
        if op in (sre.LITERAL, sre.IN):
            chars = _chars(op, av)
            return _ANY if chars is None else _Bound((0, 1), 0, {c: (1, 1) for c in chars})
        if op is sre.NOT_LITERAL:  # keyed only where case cannot make it match the key
            char = chr(av)
            return _Bound((1, 1), 0, {char: (0, 1)} if char.lower() == char.upper() else {})
        if op is sre.ANY:
            return _ANY
        if op is sre.AT:
            return _Bound((0, 1), 1)
        if op is sre.GROUPREF:
            return _Bound((1, 1), 1)
        if op is sre.SUBPATTERN:
            if av[1] & sre.SRE_FLAG_DOTALL:
                raise _Unbounded
            return self.sequence(list(av[-1]), backward)
        if op is sre.BRANCH:
            return self.shared(op, av, backward)
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            body = self.shared(sre.SUBPATTERN, (None, 0, 0, av[1]), av[0] < 0)
            if (av[0] < 0) != backward:  # it reads the other side of the position
                return _Bound((0, body.most_cost()), 1)
            return _Bound((0, body.other[1]), 1, {c: (0, s) for c, (_, s) in body.by.items()})
        if op is sre.ATOMIC_GROUP:
            return _once(self.sequence(list(av), backward))
        if op in _REPEATS:
            low, high, body = av
            if high is sre.MAXREPEAT:
                if body.getwidth()[0] < 1 or not _within_line(list(body)):
                    raise _Unbounded
                high, self.by_line = max(low, self.line), True
            repeated = _repeat(low, high, self.sequence(list(body), backward))
            return _once(repeated) if op is sre.POSSESSIVE_REPEAT else repeated
        if op is sre.GROUPREF_EXISTS:
            yes, no = (self.sequence(list(part or ()), backward) for part in av[1:])
            return _either([yes, no])
        raise _Unbounded  # an opcode this analysis does not know


def _repeat(low: int, high: int, body: _Bound) -> _Bound:
    """``body{low,high}``: iteration k is tried once per way k-1 iterations matched; the
    repetition matches every way k iterations do, for k from low to high."""
    done, matched = _EMPTY, [_EMPTY] if low == 0 else []
    for k in range(1, high + 1):
        done = _then(done, body)
        if k >= low:
            matched.append(done)
    ways = _either(matched) if matched else _Bound((0, 0))
    return _Bound(
        (ways.other[0], done.other[1]),
        ways.empty,
        {c: (ways.at(c)[0], done.at(c)[1]) for c in ways.by.keys() | done.by.keys()},
    )


def _word(first: int, length: int) -> _Bound:
    """Literal characters in a row, ``first`` tested first."""
    return _Bound((0, 1), 0, {chr(first).lower(): (1, length)})


def _chars(op: Any, av: Any) -> frozenset[str] | None:
    """The characters a literal or a class matches, lower-cased (case folding puts both cases in
    one group); None for a class ``class_chars`` does not read as members."""
    chars = {chr(av)} if op is sre.LITERAL else class_chars(av)
    return None if chars is None else frozenset(c.lower() for c in chars)


def _within_line(items: list[tuple[Any, Any]]) -> bool:
    """Whether nothing in ``items`` can consume a newline."""
    for op, av in items:
        if op is sre.LITERAL:
            ok = av != _NEWLINE
        elif op is sre.NOT_LITERAL:
            ok = av == _NEWLINE
        elif op is sre.IN:
            ok = not _class_matches_newline(av)
        elif op is sre.SUBPATTERN:
            ok = _within_line(list(av[-1]))
        elif op is sre.BRANCH:
            ok = all(_within_line(list(alt)) for alt in av[1])
        elif op in _REPEATS:
            ok = _within_line(list(av[2]))
        else:  # ANY (DOTALL is refused), anchors and lookarounds take no newline
            ok = op not in (sre.ATOMIC_GROUP, sre.GROUPREF, sre.GROUPREF_EXISTS)
        if not ok:
            return False
    return True


def _class_matches_newline(members: list[tuple[Any, Any]]) -> bool:
    negated = bool(members) and members[0][0] is sre.NEGATE
    listed = False
    for kind, value in members[negated:]:
        if kind is sre.LITERAL:
            listed |= value == _NEWLINE
        elif kind is sre.RANGE:
            listed |= value[0] <= _NEWLINE <= value[1]
        elif kind is sre.CATEGORY:
            listed |= value in _NEWLINE_CATEGORIES
        else:
            return True  # an unknown member: assume the worst
    return listed != negated
