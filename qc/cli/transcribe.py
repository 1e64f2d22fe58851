"""`qc transcribe`."""

from __future__ import annotations


def transcribe() -> None:
    """Transcribe recordings into role-labelled transcripts."""
    raise NotImplementedError
