"""`qc inspect`."""

from __future__ import annotations


def inspect() -> None:
    """Inspect recordings: transcript, rule hits, score."""
    raise NotImplementedError
