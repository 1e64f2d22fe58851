"""`qc text …` commands: text tools for analysts.

Imports of the sentiment package happen inside the commands so that ``qc --help`` stays cheap.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


class SentimentRole(StrEnum):
    customer = "customer"
    agent = "agent"


@app.command("sentiment")
def sentiment(
    role: Annotated[
        SentimentRole,
        typer.Option(help="customer: negative/neutral/positive; agent: empathetic/neutral/rude"),
    ] = SentimentRole.customer,
) -> None:
    """Label utterances read from stdin, one per line: prints ``label<TAB>score<TAB>text``.

    One output line per input line, in order. An empty (or blank) line prints
    ``neutral<TAB>1.000<TAB>`` so that output lines stay aligned with input lines.
    The score is the calibrated probability of the label, with three decimals.
    """
    from qc.sentiment import analyse_utterance

    for line in sys.stdin:
        text = line.rstrip("\r\n")
        result = analyse_utterance(text, role.value)
        sys.stdout.write(f"{result.label}\t{result.score:.3f}\t{text}\n")
        sys.stdout.flush()
