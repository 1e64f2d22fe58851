"""Helpers shared by the file-processing commands (transcribe, inspect)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qc.errors import AudioError, QCError

console = Console()
err_console = Console(stderr=True)


def failure(path: Path, err: QCError) -> dict[str, Any]:
    """The JSON line for a file that could not be processed: nothing disappears silently."""
    reason = err.reason if isinstance(err, AudioError) else type(err).__name__
    return {"source": str(path), "status": "failed", "reason": reason, "error": str(err)}


def progress_over(paths: Sequence[Path]) -> Iterator[Path]:
    """Yield paths with a progress bar on stderr when there is more than one."""
    if len(paths) < 2:
        yield from paths
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("processing", total=len(paths))
        for path in paths:
            bar.update(task, description=path.name)
            yield path
            bar.advance(task)


def run_files(
    paths: Sequence[Path],
    process: Callable[[Path], dict[str, Any]],
    show: Callable[[dict[str, Any]], None],
    as_json: bool,
) -> int:
    """Process each file; print a JSON line or a readable view; return how many failed."""
    failed = 0
    for path in progress_over(paths):
        try:
            result = process(path)
        except QCError as err:
            failed += 1
            result = failure(path, err)
            if not as_json:
                err_console.print(f"[red]failed[/red] {path}: {err}")
                continue
        if as_json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            show(result)
    return failed
