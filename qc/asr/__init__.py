"""The ASR stage: load Whisper once, transcribe one channel at a time, drop hallucinations.

Public API used by ``qc.pipeline``::

    model = load_model(ModelOptions.from_settings(settings))          # once per process
    options = TranscribeOptions.from_settings(settings, extra_terms)  # domain biasing per Settings
    result = transcribe_channel(model, audio.samples[ch], ch, options)  # -> ChannelResult
"""

from __future__ import annotations

from qc.asr.guard import Dropped, GuardOptions, guard_segments
from qc.asr.model import AsrModel, ModelOptions, load_model, model_info, resolve_model_path
from qc.asr.transcribe import ChannelResult, TranscribeOptions, VadOptions, transcribe_channel

__all__ = [
    "AsrModel",
    "ChannelResult",
    "Dropped",
    "GuardOptions",
    "ModelOptions",
    "TranscribeOptions",
    "VadOptions",
    "guard_segments",
    "load_model",
    "model_info",
    "resolve_model_path",
    "transcribe_channel",
]
