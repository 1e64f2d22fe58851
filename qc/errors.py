"""The exception tree.

Every error the pipeline raises on purpose is a ``QCError``; the CLI prints its message without a
traceback, and the API maps each subclass to one HTTP status in one handler.
"""

from __future__ import annotations


class QCError(Exception):
    """Base of every deliberate callqc error. ``str(err)`` is meant for the user."""


class ConfigError(QCError):
    """A setting or an input option is wrong."""


class AudioError(QCError):
    """A recording cannot be decoded or is refused (empty, not audio, codec, too long)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        #: a short machine-readable reason: ``empty``, ``not_audio``, ``no_audio_stream``,
        #: ``unsupported_codec``, ``too_long``, ``decode_failed``
        self.reason = reason


class ModelError(QCError):
    """The ASR (or another) model is missing or cannot be loaded."""


class TranscriptionError(QCError):
    """The ASR stage failed on a recording that decoded."""


class TranscriptFileError(QCError):
    """A stored transcript (JSON) given as input is malformed."""


class RuleError(QCError):
    """A rule file or rule set is invalid. ``problems`` lists every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]
