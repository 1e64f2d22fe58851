"""Settings of mono speaker separation; the defaults are tuned with bench/diarize.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DiarizeOptions:
    # resemblyzer's encoder was trained on 1.6 s partials; shorter windows give noisier voices.
    window_s: float = 1.6
    hop_s: float = 0.4
    # Windows never cross a pause this long (see windows.py); it is also where turns change.
    pause_for_switch_s: float = 0.3
    # Shorter phrases are not embedded on their own: they take the nearest window's voice.
    min_phrase_s: float = 0.2
    # Fewer speech windows than this (about 2 s of speech) cannot show two voices.
    min_windows_for_two: int = 6
    refine_iterations: int = 20
    # Longer calls are clustered on an even sample of their windows (memory is quadratic).
    max_clustered_windows: int = 1500
    # Two candidate voices whose centroids (full-length windows) are more alike than this are one
    # speaker. Measured: mono mixes of the two TTS sample voices 0.79-0.83, one TTS voice alone
    # 0.85-0.96; real voices (shared/eval clips) two people 0.48-0.65, one person 0.75-0.87.
    # A missed second speaker costs half the roles, a false one only some words, so the
    # threshold sits above every pair and accepts splitting some single speakers.
    max_two_voice_similarity: float = 0.86
    # Turn-taking prior of the word-level Viterbi pass (in units of typical per-word evidence).
    switch_penalty_at_pause: float = 0.5
    switch_penalty_in_speech: float = 6.0
    # CPU threads for the voice encoder (see embed.py: more threads can be far slower).
    encoder_threads: int = 1
