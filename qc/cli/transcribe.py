"""`qc transcribe FILE… [--mono] [--agent-channel 0|1] [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from qc.cli.common import console, run_files

FILES = typer.Argument(..., exists=False, help="recordings (wav, mp3, flac, m4a, amr, …)")
MONO = typer.Option(False, "--mono", help="mix stereo down and separate the voices")
AGENT_CHANNEL = typer.Option(None, "--agent-channel", min=0, max=1, help="default: detect")
JSON = typer.Option(False, "--json", help="one JSON object per file, one per line")
WORDS = typer.Option(False, "--words", help="with --json: include word timings")


def show_transcript(result: dict[str, Any]) -> None:
    """A readable transcript: one row per utterance, then the metrics."""
    m = result["metrics"]
    status = " [yellow]incomplete[/yellow]" if result.get("incomplete") else ""
    console.rule(f"{result['source']}  {result['duration_s']:.1f} s{status}")
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("time", no_wrap=True)
    table.add_column("role", no_wrap=True)
    table.add_column("text", overflow="fold")
    for u in result["utterances"]:
        colour = "cyan" if u["role"] == "agent" else "green"
        table.add_row(f"{u['start_s']:6.1f}–{u['end_s']:.1f}", f"[{colour}]{u['role']}", u["text"])
    console.print(table)
    console.print(
        f"roles: {result['role_method']} ({result['role_confidence']:.2f})  turns {m['turns']}  "
        f"max silence {m['max_silence_s']:.1f} s  interruptions {m['interruptions']}  "
        f"agent {m['agent_chars_per_min']:.0f} chars/min  talk ratio {m['agent_talk_ratio']:.2f}"
    )


def transcribe(
    files: list[Path] = FILES,
    mono: bool = MONO,
    agent_channel: int | None = AGENT_CHANNEL,
    as_json: bool = JSON,
    words: bool = WORDS,
) -> None:
    """Transcribe recordings into role-labelled, normalised transcripts with metrics."""
    from qc.config import get_settings
    from qc.pipeline import PipelineOptions, transcribe_file
    from qc.serialize import transcript_to_dict

    options = PipelineOptions.from_settings(get_settings(), mono=mono, agent_channel=agent_channel)

    def process(path: Path) -> dict[str, Any]:
        return transcript_to_dict(transcribe_file(path, options), words=words)

    failed = run_files(files, process, show_transcript, as_json)
    raise typer.Exit(1 if failed else 0)
