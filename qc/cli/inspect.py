"""`qc inspect FILE… [--rules DIR] [--mono] [--agent-channel 0|1] [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from qc.cli.common import console, run_files
from qc.cli.transcribe import AGENT_CHANNEL, FILES, JSON, MONO, show_transcript

RULES = typer.Option(None, "--rules", help="rule directory (default: QC_RULES_DIR)")
SCHEME = typer.Option(None, "--scheme", help="scoring scheme (default: QC_SCHEME)")


def show_inspection(result: dict[str, Any]) -> None:
    """The transcript, then each hit with its evidence, then the score."""
    show_transcript(result)
    table = Table(show_header=True, header_style="bold", box=None)
    for name in ("rule", "category", "severity", "points", "evidence"):
        table.add_column(name, overflow="fold")
    for hit in result["hits"]:
        evidence = "; ".join(_evidence(e) for e in hit["evidence"][:3])
        review = " [yellow](review)[/yellow]" if hit["needs_review"] else ""
        table.add_row(hit["rule_id"], hit["category"], hit["severity"] + review,
                      f"{hit['points']:g}", evidence)  # fmt: skip
    if result["hits"]:
        console.print(table)
    flag = "[red]flagged[/red]" if result["flagged"] else "[green]ok[/green]"
    reasons = f" ({'; '.join(result['flag_reasons'])})" if result["flag_reasons"] else ""
    console.print(f"score [bold]{result['score']:g}[/bold] {result['band'] or ''} {flag}{reasons}")


def _evidence(e: dict[str, Any]) -> str:
    where = f"#{e['utterance']} " if e["utterance"] is not None else ""
    measured = f" {e['value']:g} vs {e['threshold']:g}" if e["value"] is not None else ""
    return f"{where}{e['start_s']:.1f}s「{e['quote']}」{measured}"


def inspect(
    files: list[Path] = FILES,
    rules: Path | None = RULES,
    scheme: Path | None = SCHEME,
    mono: bool = MONO,
    agent_channel: int | None = AGENT_CHANNEL,
    as_json: bool = JSON,
) -> None:
    """Inspect recordings (or stored JSON transcripts): transcript, sentiment, rule hits with
    evidence, score."""
    from qc.config import get_settings
    from qc.engine import EvalOptions, load_ruleset
    from qc.pipeline import PipelineOptions, inspect_transcript, transcribe_file
    from qc.serialize import inspection_to_dict, read_transcript

    settings = get_settings()
    ruleset = load_ruleset(rules or settings.rules_dir, scheme or settings.scheme)
    eval_options = EvalOptions(regex_timeout_s=settings.regex_timeout_s)
    options = PipelineOptions.from_settings(
        settings, mono=mono, agent_channel=agent_channel, extra_terms=ruleset.key_terms
    )

    def process(path: Path) -> dict[str, Any]:
        transcript = read_transcript(path) or transcribe_file(path, options)
        return inspection_to_dict(
            inspect_transcript(transcript, ruleset, eval_options=eval_options)
        )

    failed = run_files(files, process, show_inspection, as_json)
    raise typer.Exit(1 if failed else 0)
