"""Helpers for engine tests: synthetic calls, conditions and packs written into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from qc.engine import RuleSet, load_ruleset
from qc.engine.cases import case_transcript
from qc.engine.conditions import Compiler
from qc.engine.context import EvalContext
from qc.engine.operators.base import Node
from qc.engine.outcome import Outcome
from qc.engine.problems import ProblemSink
from qc.engine.schema import Case, CaseLine
from qc.engine.yamlsrc import load_yaml
from qc.types import Features, Transcript

Line = tuple[str, str] | dict[str, Any]


def make_call(*lines: Line, **metrics: float) -> Transcript:
    """A synthetic call: ("agent", "text") pairs or CaseLine dicts; metrics are overrides."""
    parsed = [
        CaseLine(**{ln[0]: ln[1]}) if isinstance(ln, tuple) else CaseLine(**ln) for ln in lines
    ]
    case = Case(name="t", expect="pass", transcript=parsed, metrics=metrics or None)
    return case_transcript(case, "test")


def compile_condition(text: str) -> Node:
    doc = load_yaml(textwrap.dedent(text))
    sink = ProblemSink("cond.yaml", doc.data)
    sink.add_yaml(doc.issues)
    node = Compiler(sink).compile(doc.data, ())
    assert not sink.problems, [str(p) for p in sink.problems]
    assert node is not None
    return node


def run_condition(text: str, call: Transcript, features: Features | None = None) -> Outcome:
    ctx = EvalContext(call, features)
    ctx.begin_rule()
    return compile_condition(text).evaluate(ctx)


def rule_yaml(when: str, *, rule_id: str = "t.rule", extra: str = "", **fields: Any) -> str:
    """One pack with one rule; ``when`` is a YAML flow mapping."""
    spec = {"category": "greeting", "severity": "minor", "title": "测试"} | fields
    lines = "".join(f"    {k}: {v}\n" for k, v in spec.items())
    return f"pack: t\nrules:\n  - id: {rule_id}\n{lines}    when: {when}\n{extra}"


@pytest.fixture
def write_rules(tmp_path: Path) -> Any:
    """write_rules({"a.yaml": text, ...}) → the rules directory."""

    def write(files: dict[str, str], scheme: str | None = None) -> Path:
        root = tmp_path / "rules"
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
        if scheme is not None:
            (root / "schemes").mkdir(parents=True, exist_ok=True)
            (root / "schemes" / "default.yaml").write_text(textwrap.dedent(scheme), "utf-8")
        return root

    return write


@pytest.fixture
def ruleset_of(write_rules: Any) -> Any:
    def build(files: dict[str, str], scheme: str | None = None) -> RuleSet:
        return load_ruleset(write_rules(files, scheme))

    return build
