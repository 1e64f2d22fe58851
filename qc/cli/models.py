"""`qc models …` commands: where the ASR model is, and whether it loads.

``path`` assembles the bundled model on first use, so ``qc models path`` doubles as the
"prepare this machine" step of a deployment.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from qc.errors import QCError

app = typer.Typer(no_args_is_help=True)


def _fail(err: QCError) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)  # one unwrapped line: scripts grep it
    return typer.Exit(2)


@app.command("path")
def path() -> None:
    """Print the resolved model directory (or the model name faster-whisper will download)."""
    from qc.asr.model import resolve_model_path
    from qc.config import get_settings

    settings = get_settings()
    try:
        print(resolve_model_path(settings.asr_model, settings.model_cache_dir))
    except QCError as err:
        raise _fail(err) from None


@app.command("verify")
def verify(
    as_json: bool = typer.Option(False, "--json", help="print the model info as one JSON object"),
) -> None:
    """Check the model files against their manifest, load the model, and print its info."""
    from qc.asr.bundle import MANIFEST, verify_dir
    from qc.asr.model import ModelOptions, load_model, model_info
    from qc.config import get_settings

    try:
        model = load_model(ModelOptions.from_settings(get_settings()))
        info = model_info(model)
        if (Path(model.path) / MANIFEST).is_file():  # an assembled bundle: re-hash its files
            verify_dir(Path(model.path))
            info["manifest"] = "verified (sha256)"
    except QCError as err:
        raise _fail(err) from None
    if as_json:
        print(json.dumps(info, ensure_ascii=False))
        return
    for key, value in info.items():
        print(f"{key}: {value}")
