"""Settings of mono speaker separation; the defaults are tuned with bench/diarize.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DiarizeOptions:
    # resemblyzer's encoder was trained on 1.6 s partials; shorter windows give noisier voices.
    window_s: float = 1.6
    hop_s: float = 0.2
    # A window that is mostly silence embeds the line noise, not a voice.
    min_speech_in_window_ratio: float = 0.3
    # Fewer speech windows than this (about 2 s of speech) cannot show two voices.
    min_windows_for_two: int = 6
    refine_iterations: int = 20
    # Two candidate voices whose centroids are more alike than this are one speaker.
    max_two_voice_similarity: float = 0.9
    # Turn-taking prior of the word-level Viterbi pass (in units of typical per-word evidence).
    pause_for_switch_s: float = 0.3
    switch_penalty_at_pause: float = 0.5
    switch_penalty_in_speech: float = 6.0
