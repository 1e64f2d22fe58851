"""Compiling a YAML condition into nodes: ``all`` / ``any`` / ``not`` and the operator registry.

A condition is a mapping with exactly one key: a combinator or an operator name from
``OPERATORS``, whose value is that operator's parameters. Every problem is reported with its
path; compilation continues so that one run reports all of them (pySigma's collect-all mode).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qc.engine.context import EvalContext
from qc.engine.literals import LiteralIndex
from qc.engine.operators import OPERATORS
from qc.engine.operators.base import Node, Operator
from qc.engine.outcome import NO_MATCH, Found, Outcome, undecided
from qc.engine.problems import Path, ProblemSink, unknown_name_hint
from qc.types import Evidence

COMBINATORS = ("all", "any", "not")


class All(Node):
    def __init__(self, children: list[Node]) -> None:
        self.children = children

    def evaluate(self, ctx: EvalContext) -> Outcome:
        outs: list[Outcome] = []
        for child in self.children:
            out = child.evaluate(ctx)
            if not out.matched and out.decided:
                return NO_MATCH
            outs.append(out)
        if all(o.matched for o in outs):
            return Outcome(True, tuple(f for o in outs for f in o.found))
        return undecided(outs)

    def describe(self) -> str:
        return " 且 ".join(c.describe() for c in self.children)

    def roles(self) -> frozenset[str]:
        return frozenset().union(*(c.roles() for c in self.children))

    def region(self, ctx: EvalContext) -> list[int]:
        return sorted({i for c in self.children for i in c.region(ctx)})


class AnyOf(All):
    def evaluate(self, ctx: EvalContext) -> Outcome:
        outs = [child.evaluate(ctx) for child in self.children]
        hits = [o for o in outs if o.matched]
        if hits:
            return Outcome(True, tuple(f for o in hits for f in o.found))
        return undecided(outs)

    def describe(self) -> str:
        return " 或 ".join(c.describe() for c in self.children)


class Not(Node):
    def __init__(self, child: Node) -> None:
        self.child = child

    def evaluate(self, ctx: EvalContext) -> Outcome:
        out = self.child.evaluate(ctx)
        if not out.decided:
            return undecided([out])
        if out.matched:
            return NO_MATCH
        ev = Evidence(None, 0.0, ctx.duration_s(), "", note=f"未出现：{self.child.describe()}")
        return Outcome(True, (Found(ev),))

    def describe(self) -> str:
        return f"非({self.child.describe()})"

    def roles(self) -> frozenset[str]:
        return self.child.roles()

    def region(self, ctx: EvalContext) -> list[int]:
        return self.child.region(ctx)


def walk(root: Node) -> Iterator[Node]:
    """Every node of a compiled condition tree, the root first."""
    yield root
    if isinstance(root, All):  # AnyOf too
        children: list[Node] = root.children
    elif isinstance(root, Not):
        children = [root.child]
    elif isinstance(root, Operator):
        children = list(root.children.values())
    else:
        children = []
    for child in children:
        yield from walk(child)


class Compiler:
    """Compiles conditions, reporting problems to ``sink``."""

    def __init__(
        self,
        sink: ProblemSink,
        literals: LiteralIndex | None = None,
        pieces: dict[str, str] | None = None,
    ) -> None:
        self.sink = sink
        self.pieces = pieces or {}  # the file's named regex pieces ({{name}} in a pattern)
        # shared by the text operators it compiles (from the loader: by the whole rule set)
        self.literals = literals if literals is not None else LiteralIndex()

    def compile(self, raw: Any, path: Path) -> Node | None:
        known = (*COMBINATORS, *OPERATORS)
        if not isinstance(raw, dict) or len(raw) != 1:
            got = (
                f"keys {', '.join(map(str, raw))}" if isinstance(raw, dict) else type(raw).__name__
            )
            self.sink.add(
                path,
                f"a condition is a mapping with exactly one key, got {got}",
                f"wrap several in all: [...] or any: [...]; known: {', '.join(sorted(known))}",
            )
            return None
        ((key, value),) = raw.items()
        if key in ("all", "any"):
            return self._combine(key, value, (*path, key))
        if key == "not":
            child = self.compile(value, (*path, "not"))
            return Not(child) if child else None
        op = OPERATORS.get(key)
        if op is None:
            self.sink.add(
                (*path, str(key)), f"unknown operator {key!r}", unknown_name_hint(str(key), known)
            )
            return None
        return op.build(value, (*path, key), self)

    def _combine(self, key: str, value: Any, path: Path) -> Node | None:
        if not isinstance(value, list) or not value:
            self.sink.add(
                path, f"{key} takes a non-empty list of conditions", f"{key}: [cond, cond]"
            )
            return None
        children = [self.compile(item, (*path, i)) for i, item in enumerate(value)]
        if any(c is None for c in children):
            return None
        nodes = [c for c in children if c is not None]
        return All(nodes) if key == "all" else AnyOf(nodes)
