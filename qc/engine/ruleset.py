"""Compiled rules and rule sets, and a holder that never swaps a good set for a broken one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from qc.engine.operators.base import Node
from qc.engine.schema import RuleSpec
from qc.engine.scheme import Scheme
from qc.errors import RuleError


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A validated rule with its conditions compiled (regexes, patterns, example features)."""

    spec: RuleSpec
    when: Node
    unless: Node | None
    pack: str
    section: str | None
    source: str  # "rules/courtesy.yaml:12"
    pack_terms: tuple[str, ...] = ()  # the pack's key_terms (ASR vocabulary)

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule loaded from a directory, the scoring scheme, and their content hash."""

    rules: tuple[CompiledRule, ...]
    scheme: Scheme
    version: str  # "sha256:…" over the rule files and the scheme, independent of file order
    files: tuple[str, ...] = ()
    by_id: dict[str, CompiledRule] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_id.update({r.id: r for r in self.rules})

    @property
    def key_terms(self) -> tuple[str, ...]:
        """The packs' ``key_terms`` (domain vocabulary for ASR biasing), de-duplicated."""
        return tuple(dict.fromkeys(t for r in self.rules for t in r.pack_terms))


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    version: str  # the version now active
    problems: tuple[str, ...] = ()


class RuleSetHolder:
    """Holds the active rule set. ``reload`` swaps it only when the new files load cleanly.

    A broken edit to a rule file is reported and the rules that were active stay active
    (RELIABILITY B7); the first load has nothing to fall back on and raises.
    """

    def __init__(self, load: Callable[[], RuleSet]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._current = load()
        self.last_problems: tuple[str, ...] = ()

    @property
    def current(self) -> RuleSet:
        return self._current

    def reload(self) -> ReloadResult:
        try:
            fresh = self._load()
        except RuleError as err:
            self.last_problems = tuple(err.problems)
            return ReloadResult(False, self._current.version, self.last_problems)
        with self._lock:
            self._current = fresh
            self.last_problems = ()
        return ReloadResult(True, fresh.version)
