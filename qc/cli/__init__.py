"""The ``qc`` console script (Typer). Each command group lives in its own module."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from qc.errors import QCError

app = typer.Typer(
    name="qc",
    help="callqc: quality inspection of Chinese financial customer-service calls.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


def _register() -> None:
    # Imported here so that each module can import ``app`` and so that ``qc --help`` stays cheap:
    # modules import heavy libraries (faster-whisper, torch) inside their commands.
    from qc.cli import inspect, models, rules, text, transcribe

    app.add_typer(models.app, name="models", help="Locate and verify the ASR model.")
    app.add_typer(rules.app, name="rules", help="Lint, test, catalogue and backtest rules.")
    app.add_typer(text.app, name="text", help="Text tools for analysts (sentiment).")
    app.command("transcribe")(transcribe.transcribe)
    app.command("inspect")(inspect.inspect)


def main() -> None:
    _register()
    try:
        app()
    except QCError as err:
        err_console.print(f"[red]error:[/red] {err}")
        sys.exit(2)
