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
_EMBEDDING_SIZE = 256
_BATCH = 64
_CHUNK_FRAMES = 6000  # one minute of mel frames
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
    """resemblyzer's mel frames (10 ms hop) of the whole call, computed a minute at a time.

    In one piece, librosa's STFT of a 2-hour call would need about 3 GB; chunks overlapping
    by a few frames give the same frames (the reflect padding only reaches 2 frames in).
    """
    from resemblyzer import audio

    wav = np.asarray(samples_16k, dtype=np.float32)
    # The encoder was trained on speech raised to -30 dBFS (it is not a log-mel model).
    # resemblyzer's own normalize_volume divides by zero on digital silence, hence this copy.
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64)))) if wav.size else 0.0
    gain = np.float32(_TARGET_RMS / rms) if 0.0 < rms < _TARGET_RMS else np.float32(1.0)
    hop, margin = SAMPLE_RATE_HZ // _FRAMES_PER_S, 3
    n_frames = len(wav) // hop + 1  # librosa's count with center=True
    chunks = []
    for first in range(0, n_frames, _CHUNK_FRAMES):
        lo = max(0, first - margin) * hop
        chunk = audio.wav_to_mel_spectrogram(
            wav[lo : (first + _CHUNK_FRAMES + margin) * hop] * gain
        )
        skip = first - lo // hop
        chunks.append(chunk[skip : skip + min(_CHUNK_FRAMES, n_frames - first)])
    return np.concatenate(chunks) if chunks else np.zeros((0, 40), dtype=np.float32)


def embed_windows(
    samples_16k: np.ndarray, starts_s: np.ndarray, lengths_s: np.ndarray, threads: int = 1
) -> np.ndarray:
    """One L2-normalised 256-d voice embedding per window ``[start, start + length)``.

    The mel spectrogram is computed once for the whole call and sliced, which is several times
    cheaper than resemblyzer's per-utterance ``embed_utterance``.
    """
    torch, _ = _import_resemblyzer()
    encoder = load_encoder()
    out = np.zeros((len(starts_s), _EMBEDDING_SIZE), dtype=np.float32)
    if len(starts_s) == 0:
        return out
    mel = _mel_frames(samples_16k)
    first = np.clip(np.round(np.asarray(starts_s) * _FRAMES_PER_S).astype(int), 0, None)
    n_frames = np.maximum(1, np.round(np.asarray(lengths_s) * _FRAMES_PER_S).astype(int))
    mel = np.pad(mel, ((0, max(0, int((first + n_frames).max()) - len(mel))), (0, 0)))
    full = int(n_frames.max())
    slices = [_tiled(mel[f : f + n], full) for f, n in zip(first, n_frames, strict=True)]
    previous = torch.get_num_threads()
    # One thread by default: on a busy 2-core host torch's OpenMP workers spin against each
    # other (measured: 64 windows 7.6 s with 2 threads, 0.34 s with 1).
    torch.set_num_threads(max(1, threads))
    try:
        with torch.no_grad():
            for lo in range(0, len(slices), _BATCH):
                batch = np.stack(slices[lo : lo + _BATCH])
                out[lo : lo + _BATCH] = encoder(torch.from_numpy(batch)).cpu().numpy()
    finally:
        torch.set_num_threads(previous)
    return out


def _tiled(frames: np.ndarray, n_frames: int) -> np.ndarray:
    """A short phrase repeated to the full window length.

    Embedded alone, a 0.6 s reply (是我, 0628) lands near whichever voice dominates the call:
    the LSTM's state has not settled. Looping the phrase keeps only its voice and gives the
    encoder the input length it was trained on (measured in bench/diarize.py).
    """
    if len(frames) >= n_frames:
        return frames[:n_frames]
    return np.tile(frames, (int(np.ceil(n_frames / len(frames))), 1))[:n_frames]
