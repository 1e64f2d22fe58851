"""`qc rules lint|test|catalog|backtest`: check rules, run their cases, export the language,
measure them against labelled calls."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from qc.engine import RuleSet
    from qc.engine.backtest import BacktestReport, Tally
    from qc.types import Transcript

app = typer.Typer(no_args_is_help=True)
console = Console(soft_wrap=True)
DIR = typer.Argument(None, help="rule directory or file (default: QC_RULES_DIR, i.e. rules/)")
SCHEME = typer.Option(None, "--scheme", help="scoring scheme (default: DIR/schemes/default.yaml)")
RULE = typer.Option(None, "--rule", help="only rules whose id contains this")
FAILURES = typer.Option(False, "--failures", help="list only failing cases")
LABELS = typer.Option(..., "--labels", help="JSONL: {call|transcript, expected: [...]}")
RULES = typer.Option(None, "--rules", help="rule directory (default: rules/)")
JSON = typer.Option(False, "--json", help="print the report as JSON")


def _rules_dir(directory: Path | None) -> Path:
    from qc.config import get_settings

    return directory or get_settings().rules_dir


def _load_or_exit(directory: Path | None, scheme: Path | None) -> RuleSet:
    from qc.engine import check_ruleset

    ruleset, problems = check_ruleset(_rules_dir(directory), scheme)
    for problem in problems:
        typer.echo(str(problem))
    if ruleset is None:
        console.print(f"[red]{len(problems)} problem(s)[/red]")
        raise typer.Exit(1)
    return ruleset


@app.command()
def lint(directory: Path | None = DIR, scheme: Path | None = SCHEME) -> None:
    """Load every rule file and the scheme; print every problem as file:line path: message."""
    ruleset = _load_or_exit(directory, scheme)
    for rule in ruleset.rules:
        expects = {c.expect for c in rule.spec.cases}
        if "hit" not in expects or "pass" not in expects:
            console.print(
                f"[yellow]warning[/yellow] {rule.source} {rule.id}: "
                "no case expecting a hit and one expecting a pass"
            )
    console.print(
        f"[green]ok[/green] {len(ruleset.rules)} rules in {len(ruleset.files)} files, "
        f"{ruleset.version}"
    )


MARKS = {True: "[green]ok[/green]", False: "[red]FAIL[/red]", None: "[yellow]skip[/yellow]"}


@app.command("test")
def test_cases(
    directory: Path | None = DIR,
    scheme: Path | None = SCHEME,
    rule: str | None = RULE,
    failures_only: bool = FAILURES,
) -> None:
    """Run every rule's inline cases; exit 1 when any fails."""
    from qc.engine.cases import run_case

    ruleset = _load_or_exit(directory, scheme)
    table = Table("rule", "case", "expect", "got", "", "detail", header_style="bold", box=None)
    counts = {True: 0, False: 0, None: 0}
    for compiled in ruleset.rules:
        if rule and rule not in compiled.id:
            continue
        for case in compiled.spec.cases:
            result = run_case(compiled, case)
            counts[result.ok] += 1
            if failures_only and result.ok is not False:
                continue
            table.add_row(
                result.rule_id,
                result.case,
                result.expect,
                result.got,
                MARKS[result.ok],
                result.detail[:60],
            )
    console.print(table)
    console.print(
        f"{counts[True]} passed, {counts[False]} failed, {counts[None]} skipped "
        "(skip: data the rule needs, e.g. sentiment, is not available)"
    )
    raise typer.Exit(1 if counts[False] else 0)


@app.command()
def catalog() -> None:
    """Print the rule language as JSON: operators and their parameter schemas, categories…"""
    from qc.engine.catalog import catalog as build

    print(json.dumps(build(), ensure_ascii=False, indent=2))


def _transcriber(key_terms: tuple[str, ...]) -> Callable[[Path], Transcript]:
    def transcribe(path: Path) -> Transcript:
        # Lazy: backtests on stored transcripts never load the ASR model.
        from qc.config import get_settings
        from qc.pipeline import PipelineOptions, transcribe_file

        options = PipelineOptions.from_settings(get_settings(), extra_terms=key_terms)
        return transcribe_file(path, options)

    return transcribe


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _table(title: str, rows: dict[str, Tally]) -> Table:
    table = Table("name", "tp", "fp", "fn", "precision", "recall", title=title, box=None)
    for name, t in sorted(rows.items()):
        table.add_row(name, str(t.tp), str(t.fp), str(t.fn), _fmt(t.precision), _fmt(t.recall))
    return table


def _show(report: BacktestReport) -> None:
    console.print(_table(f"per category ({report.calls} calls)", report.per_category))
    console.print(_table("per rule", report.per_rule))
    if report.unknown_labels:
        console.print(
            f"[yellow]unknown labels[/yellow]: {', '.join(sorted(report.unknown_labels))}"
        )


@app.command()
def backtest(
    labels: Path = LABELS,
    rules: Path | None = RULES,
    scheme: Path | None = SCHEME,
    as_json: bool = JSON,
) -> None:
    """Precision and recall per rule and per category against labelled calls."""
    from qc.config import get_settings
    from qc.engine import EvalOptions
    from qc.engine.backtest import backtest as run
    from qc.engine.backtest import read_labels
    from qc.engine.cases import default_features

    ruleset = _load_or_exit(rules, scheme)
    calls = read_labels(labels, _transcriber(ruleset.key_terms))
    options = EvalOptions(regex_timeout_s=get_settings().regex_timeout_s)
    report = run(ruleset, calls, default_features, options)
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _show(report)
