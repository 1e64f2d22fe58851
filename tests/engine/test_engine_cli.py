"""`qc rules lint|test|catalog|backtest` on small packs in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from qc.cli.rules import app
from qc.serialize import transcript_to_dict
from tests.engine.conftest import make_call, rule_yaml

runner = CliRunner()
CASES = """\
    cases:
      - name: 有问候
        expect: pass
        transcript:
          - agent: 您好，请讲。
      - name: 没问候
        expect: hit
        transcript:
          - agent: 喂，什么事？
          - customer: 你好
"""
GREETING = rule_yaml("{absence: {of: {phrase: {any: [您好], first: 1}}}}", extra=CASES)


def test_lint_ok(write_rules: Any) -> None:
    result = runner.invoke(app, ["lint", str(write_rules({"t.yaml": GREETING}))])
    assert result.exit_code == 0, result.output
    assert "ok 1 rules in 1 files, sha256:" in result.output


def test_lint_reports_every_problem_and_fails(write_rules: Any) -> None:
    root = write_rules(
        {
            "t.yaml": GREETING.replace("severity: minor", "severity: no").replace(
                "[您好]", "[您好], rol: agent"
            )
        }
    )
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 1
    assert f"{root}/t.yaml:5 rules[0].severity: unquoted value 'no'" in result.output
    assert (
        f"{root}/t.yaml:7 rules[0].when.absence.of.phrase.rol: unknown field 'rol'" in result.output
    )
    assert "2 problem(s)" in result.output


def test_lint_warns_about_rules_without_both_kinds_of_case(write_rules: Any) -> None:
    result = runner.invoke(
        app, ["lint", str(write_rules({"t.yaml": rule_yaml("{phrase: {any: [x]}}")}))]
    )
    assert result.exit_code == 0 and "warning" in result.output


def test_test_command_passes(write_rules: Any) -> None:
    result = runner.invoke(app, ["test", str(write_rules({"t.yaml": GREETING}))])
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed, 0 skipped" in result.output


def test_test_command_fails_on_a_wrong_expectation(write_rules: Any) -> None:
    root = write_rules({"t.yaml": GREETING.replace("expect: pass", "expect: hit")})
    result = runner.invoke(app, ["test", str(root)])
    assert result.exit_code == 1 and "1 passed, 1 failed" in result.output


def test_catalog_lists_operators_with_schemas() -> None:
    result = runner.invoke(app, ["catalog"])
    data = json.loads(result.output)
    assert set(data["operators"]) >= {"phrase", "regex", "absence", "metric", "sentiment", "entity"}
    phrase = data["operators"]["phrase"]["params"]
    assert phrase["additionalProperties"] is False
    assert all("description" in p for p in phrase["properties"].values())
    assert "greeting" in data["categories"] and data["severities"] == ["minor", "major", "fatal"]
    assert data["operators"]["absence"]["nested_conditions"] == ["of"]


def test_backtest_on_stored_transcripts(write_rules: Any, tmp_path: Path) -> None:
    root = write_rules({"t.yaml": GREETING})
    calls = [
        (make_call(("agent", "喂，什么事？"), ("customer", "你好")), ["greeting"]),  # true positive
        (make_call(("agent", "您好，请讲。")), ["greeting"]),  # false negative
        (make_call(("agent", "喂？"), ("customer", "嗯")), []),  # false positive
        (make_call(("agent", "您好。")), ["closing"]),  # nothing for greeting
    ]
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        "\n".join(
            json.dumps({"transcript": transcript_to_dict(t), "expected": e}, ensure_ascii=False)
            for t, e in calls
        )
    )
    result = runner.invoke(
        app, ["backtest", "--labels", str(labels), "--rules", str(root), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["calls"] == 4
    assert report["per_category"]["greeting"] == {
        "tp": 1,
        "fp": 1,
        "fn": 1,
        "precision": 0.5,
        "recall": 0.5,
    }
    assert report["per_category"]["closing"]["fn"] == 1
    assert report["per_rule"]["t.rule"]["tp"] == 1
    table = runner.invoke(app, ["backtest", "--labels", str(labels), "--rules", str(root)])
    assert "per category (4 calls)" in table.output


def test_backtest_label_errors_name_the_line(write_rules: Any, tmp_path: Path) -> None:
    from qc.engine.backtest import read_labels
    from qc.errors import ConfigError

    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"expected": []}\n{not json\n')
    try:
        read_labels(labels)
    except ConfigError as err:
        assert str(err).startswith(f"{labels}:1: give `call`")
    else:
        raise AssertionError("no error")


def test_backtest_call_lines_use_the_transcriber(tmp_path: Path) -> None:
    from qc.engine.backtest import read_labels

    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"call": "a.wav", "expected": ["greeting"]}\n')
    seen: list[Path] = []

    def fake(path: Path) -> Any:
        seen.append(path)
        return make_call(("agent", "喂？"))

    (call,) = read_labels(labels, fake)
    assert seen == [Path("a.wav")] and call.expected == frozenset({"greeting"})
