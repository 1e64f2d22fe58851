"""Loading rule packs and schemes: every problem of every file, each with file:line and path.

``load_ruleset`` raises ``RuleError`` listing all problems; ``check_ruleset`` (lint) returns them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qc.engine.conditions import Compiler
from qc.engine.literals import LiteralIndex
from qc.engine.problems import Path as FieldPath
from qc.engine.problems import Problem, ProblemSink
from qc.engine.ruleset import CompiledRule, RuleSet
from qc.engine.schema import PackSpec, RuleSpec
from qc.engine.scheme import Scheme
from qc.engine.yamlsrc import MDict, line_of, load_yaml
from qc.errors import RuleError

SCHEMES_DIR = "schemes"


def rule_files(root: Path) -> list[Path]:
    """Every *.yaml / *.yml under ``root`` (or ``root`` itself), except schemes/ and dot folders."""
    if root.is_file():
        return [root]
    found = [*root.rglob("*.yaml"), *root.rglob("*.yml")]
    keep = [
        p
        for p in found
        if not any(
            part == SCHEMES_DIR or part.startswith(".") for part in p.relative_to(root).parts[:-1]
        )
    ]
    return sorted(keep, key=lambda p: p.relative_to(root).as_posix())


def _read(path: Path, sink: ProblemSink, content: bytes | None = None) -> Any:
    try:
        text = (content if content is not None else path.read_bytes()).decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        sink.add((), f"cannot read the file: {err}", line=1)
        return None
    doc = load_yaml(text)
    sink.root = doc.data
    sink.add_yaml(doc.issues)
    return doc.data


def read_pack(
    path: Path,
    display: str | None = None,
    content: bytes | None = None,
    literals: LiteralIndex | None = None,
) -> tuple[list[CompiledRule], list[Problem]]:
    """Compile one rule file; rules with problems are left out and the problems returned.

    ``literals``: the index its text operators share with other files' (one scan per call).
    """
    sink = ProblemSink(display or str(path))
    data = _read(path, sink, content)
    if data is None:
        if not sink.problems:
            sink.add((), "the file is empty", "a rule file needs pack: and rules:", line=1)
        return [], sink.problems
    if not isinstance(data, dict):
        sink.add((), "a rule file is a mapping with pack: and rules:", line=1)
        return [], sink.problems
    terms: tuple[str, ...] = ()
    pieces: dict[str, str] = {}
    try:
        spec = PackSpec.model_validate(dict(data))
        terms, pieces = tuple(spec.key_terms), spec.patterns
    except ValidationError as err:
        sink.add_validation(err, (), PackSpec)
    pack = data.get("pack") if isinstance(data.get("pack"), str) else None
    section = data.get("section") if isinstance(data.get("section"), str) else None
    raw_rules: list[Any] = data["rules"] if isinstance(data.get("rules"), list) else []
    compiler = Compiler(sink, literals, pieces)
    rules: list[CompiledRule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules):
        rule = _compile_rule(raw, ("rules", i), pack, section, compiler)
        if rule is not None and rule.id in seen:
            first = line_of(data, ("rules", seen[rule.id]))
            sink.add(("rules", i, "id"), f"duplicate rule id {rule.id!r}", f"first at line {first}")
        elif rule is not None:
            seen[rule.id] = i
            rules.append(dataclasses.replace(rule, pack_terms=terms))
    return rules, sorted(sink.problems, key=lambda p: p.line)


def _compile_rule(
    raw: Any, path: FieldPath, pack: str | None, section: str | None, compiler: Compiler
) -> CompiledRule | None:
    sink = compiler.sink
    if not isinstance(raw, dict):
        sink.add(path, "a rule is a mapping with id, title, category, severity and when")
        return None
    spec: RuleSpec | None = None
    try:
        spec = RuleSpec.model_validate(dict(raw))
    except ValidationError as err:
        sink.add_validation(err, path, RuleSpec)
    nodes = {
        key: compiler.compile(raw[key], (*path, key))
        for key in ("when", "unless")
        if isinstance(raw.get(key), dict)
    }
    if spec is not None and pack and not spec.id.startswith(pack + "."):
        sink.add((*path, "id"), f"rule id {spec.id!r} must start with the pack name {pack + '.'!r}")
        return None
    when = nodes.get("when")
    if spec is None or when is None or (spec.unless is not None and nodes.get("unless") is None):
        return None
    line = raw.line if isinstance(raw, MDict) else 1
    return CompiledRule(
        spec, when, nodes.get("unless"), pack or "", spec.section or section, f"{sink.file}:{line}"
    )


def read_scheme(path: Path, content: bytes | None = None) -> tuple[Scheme | None, list[Problem]]:
    sink = ProblemSink(str(path))
    data = _read(path, sink, content)
    if sink.problems:
        return None, sink.problems
    try:
        return Scheme.model_validate(dict(data) if isinstance(data, dict) else data), []
    except ValidationError as err:
        sink.add_validation(err, (), Scheme)
        return None, sink.problems


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ruleset_version(files: list[tuple[str, bytes]], scheme: bytes | None) -> str:
    """sha256 over (relative path, content hash) sorted by path, plus the scheme's content."""
    h = hashlib.sha256()
    for name, content in sorted(files):
        h.update(f"rule\0{name}\0{_digest(content)}\n".encode())
    h.update(f"scheme\0{_digest(scheme) if scheme is not None else 'builtin'}\n".encode())
    return "sha256:" + h.hexdigest()


def default_scheme_path(rules_dir: Path) -> Path | None:
    candidate = (
        (rules_dir if rules_dir.is_dir() else rules_dir.parent) / SCHEMES_DIR / "default.yaml"
    )
    return candidate if candidate.exists() else None


def _collect(files: dict[Path, bytes]) -> tuple[list[CompiledRule], list[Problem]]:
    """Compile every file; a rule id defined twice is a problem at its second definition."""
    rules: list[CompiledRule] = []
    problems: list[Problem] = []
    first_seen: dict[str, CompiledRule] = {}
    literals = LiteralIndex()
    for path, content in files.items():
        loaded, found = read_pack(path, content=content, literals=literals)
        problems += found
        for rule in loaded:
            if rule.id in first_seen:
                file, line = rule.source.rsplit(":", 1)
                hint = f"first defined at {first_seen[rule.id].source}"
                problems.append(
                    Problem(file, int(line), "id", f"duplicate rule id {rule.id!r}", hint)
                )
                continue
            first_seen[rule.id] = rule
            rules.append(rule)
    return rules, problems


def check_ruleset(
    rules_dir: Path, scheme_path: Path | None = None
) -> tuple[RuleSet | None, list[Problem]]:
    """Load everything and return (the rule set if there were no problems, all problems).

    Each file is read once: the version hashes exactly the bytes that were compiled, even when
    a file changes during a reload.
    """
    if not rules_dir.exists():
        return None, [Problem(str(rules_dir), 1, "", "no such file or directory")]
    files = {path: path.read_bytes() for path in rule_files(rules_dir)}
    rules, problems = _collect(files)
    if not files:
        problems.append(Problem(str(rules_dir), 1, "", "no rule files (*.yaml) found"))
    scheme_path = scheme_path or default_scheme_path(rules_dir)
    scheme: Scheme | None = Scheme()
    scheme_bytes = scheme_path.read_bytes() if scheme_path is not None else None
    if scheme_path is not None:
        scheme, found = read_scheme(scheme_path, scheme_bytes)
        problems += found
    if problems or scheme is None:
        return None, problems
    base = rules_dir if rules_dir.is_dir() else rules_dir.parent
    named = [(p.relative_to(base).as_posix(), content) for p, content in files.items()]
    version = ruleset_version(named, scheme_bytes)
    return RuleSet(tuple(rules), scheme, version, tuple(name for name, _ in named)), []


def load_ruleset(rules_dir: Path | str, scheme_path: Path | str | None = None) -> RuleSet:
    """Load a rule directory (or one file) and a scheme; raise ``RuleError`` with every problem."""
    ruleset, problems = check_ruleset(Path(rules_dir), Path(scheme_path) if scheme_path else None)
    if ruleset is None:
        lines = [str(p) for p in problems]
        raise RuleError(f"{len(lines)} problem(s) in the rules:\n" + "\n".join(lines), lines)
    return ruleset
