"""Voice embeddings of sliding windows with resemblyzer (torch), imported lazily.

torch and resemblyzer are the optional ``diarize`` extra: stereo calls never need them, so the
import happens only when a mono call is separated, and its absence is a ``ModelError`` that says
how to install it.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from qc.errors import ModelError

SAMPLE_RATE_HZ = 16_000
_FRAMES_PER_S = 100  # resemblyzer's mel hop is 10 ms
_TARGET_RMS = 10 ** (-30 / 20)  # -30 dBFS
_INSTALL_HINT = "mono speaker separation needs the diarize extra: pip install -e '.[diarize]'"


def _import_resemblyzer() -> tuple[Any, Any]:
    try:
        with warnings.catch_warnings():
            # webrtcvad imports pkg_resources, which warns on every import (DESIGN.md).
            warnings.simplefilter("ignore")
            import torch
            from resemblyzer import VoiceEncoder
    except ImportError as err:
        raise ModelError(f"{_INSTALL_HINT} ({err})") from err
    return torch, VoiceEncoder


@lru_cache(maxsize=1)
def load_encoder() -> Any:
    """The resemblyzer voice encoder on CPU, loaded once per process (weights ship with it)."""
    _, voice_encoder = _import_resemblyzer()
    try:
        encoder = voice_encoder("cpu", verbose=False)
        # librosa's first mel spectrogram costs about 2 s of lazy set-up: pay it here, once.
        _mel_frames(np.zeros(SAMPLE_RATE_HZ // 10, dtype=np.float32))
    except Exception as err:  # a broken install surfaces as an arbitrary torch error
        raise ModelError(f"cannot load the resemblyzer voice encoder: {err}") from err
    return encoder


def _mel_frames(samples_16k: np.ndarray) -> np.ndarray:
    from resemblyzer import audio

    wav = np.asarray(samples_16k, dtype=np.float32)
    # The encoder was trained on speech raised to -30 dBFS (it is not a log-mel model).
    # resemblyzer's own normalize_volume divides by zero on digital silence, hence this copy.
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64)))) if wav.size else 0.0
    if 0.0 < rms < _TARGET_RMS:
        wav = wav * np.float32(_TARGET_RMS / rms)
    return np.asarray(audio.wav_to_mel_spectrogram(wav))


def embed_windows(samples_16k: np.ndarray, starts_s: np.ndarray, window_s: float) -> np.ndarray:
    """One L2-normalised 256-d voice embedding per window ``[start, start + window_s)``.

    The mel spectrogram is computed once for the whole call and sliced, which is several times
    cheaper than resemblyzer's per-utterance ``embed_utterance``.
    """
    torch, _ = _import_resemblyzer()
    encoder = load_encoder()
    if len(starts_s) == 0:
        return np.zeros((0, 256), dtype=np.float32)
    n_frames = round(window_s * _FRAMES_PER_S)
    mel = _mel_frames(samples_16k)
    first = np.round(np.asarray(starts_s) * _FRAMES_PER_S).astype(int)
    padded = np.pad(mel, ((0, max(0, int(first.max()) + n_frames - len(mel))), (0, 0)))
    batch = np.stack([padded[f : f + n_frames] for f in first])
    out = []
    with torch.no_grad():
        for lo in range(0, len(batch), 64):
            out.append(encoder(torch.from_numpy(batch[lo : lo + 64])).cpu().numpy())
    return np.concatenate(out).astype(np.float32)
