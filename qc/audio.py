"""Decode and validate recordings: any container PyAV's bundled FFmpeg reads, split into channels.

Why it looks the way it does (RELIABILITY.md B1–B5):

- Content is probed by FFmpeg, never the extension: a PDF renamed ``.wav`` is ``not_audio``.
- Damaged audio can decode partly *without any error*, so the decoded duration is compared with
  the declared one and a short result is returned with ``incomplete=True`` and the ratio.
  For RIFF/WAV the declared duration is read from the ``data`` chunk header ourselves: FFmpeg
  silently shortens it to the file size for PCM s16 (measured: a half-truncated 3 s WAV is
  declared 1.499 s by FFmpeg, 3.0 s by its header).
- The maximum duration is checked on the declared duration *before* decoding, and again while
  decoding (headers can lie or be absent), so memory stays bounded by ``max_duration_s``.

Public API: :func:`decode` → :class:`DecodedAudio`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np
import numpy.typing as npt

from qc.errors import AudioError

Samples = npt.NDArray[np.float32]

# Formats whose duration FFmpeg only estimates from the bit rate (AMR measured 3.117 s declared
# for 3.02 s decoded), so a small shortfall there is not evidence of damage.
_ESTIMATED_DURATION_FORMATS = frozenset({"amr", "mp3", "aac", "adts", "gsm", "g729"})


WHISPER_RATE_HZ = 16_000  # Whisper's input rate: recordings are resampled to it


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How recordings are decoded and what is refused."""

    max_duration_s: float = 7200.0
    target_sample_rate_hz: int = WHISPER_RATE_HZ
    # Tolerated shortfall when the declared duration is exact (WAV header, MP4 index).
    exact_tolerance_s: float = 0.05
    # Tolerated ratio when the container only estimates its duration from the bit rate.
    estimated_min_ratio: float = 0.95


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    """A decoded recording: one float32 array per channel at ``sample_rate_hz``.

    ``incomplete`` is set when less audio decoded than the container declared (or a decode error
    stopped decoding early); ``decoded_ratio`` is decoded/declared (1.0 when nothing is declared).
    """

    source: str
    samples: tuple[Samples, ...]
    sample_rate_hz: int
    source_sample_rate_hz: int
    codec: str
    container_format: str
    duration_s: float
    declared_duration_s: float | None
    incomplete: bool
    decoded_ratio: float
    decode_error: str | None = None

    @property
    def channels(self) -> int:
        return len(self.samples)


@dataclass(frozen=True, slots=True)
class _RiffInfo:
    format_tag: int
    declared_duration_s: float | None


@dataclass(frozen=True, slots=True)
class _StreamFacts:
    """What the container says before decoding."""

    codec: str
    container_format: str
    source_sample_rate_hz: int
    declared_duration_s: float | None
    declared_exact: bool  # from a header or index, not estimated from the bit rate


def decode(path: str | Path, options: DecodeOptions | None = None) -> DecodedAudio:
    """Decode ``path`` into per-channel float32 samples at the target rate.

    Raises :class:`AudioError` with ``reason`` one of ``not_found``, ``empty``, ``not_audio``,
    ``no_audio_stream``, ``unsupported_codec``, ``too_long``, ``decode_failed``; never a raw
    FFmpeg traceback.
    """
    options = options or DecodeOptions()
    path = Path(path)
    _check_file(path)
    riff = _read_riff(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as err:
        raise AudioError(
            "not_audio", f"{path.name}: not a readable audio file ({_ffmpeg_reason(err)})"
        ) from None
    with container:
        stream = _audio_stream(container, path, riff)
        facts = _probe(container, stream, riff)
        _check_length(path, facts.declared_duration_s, options)
        channels, error = _decode_stream(container, stream, path, options)
    return _result(path, facts, channels, error, options)


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise AudioError("not_found", f"{path}: no such file")
    if path.stat().st_size == 0:
        raise AudioError("empty", f"{path.name}: the file is empty (0 bytes)")


def _read_riff(path: Path) -> _RiffInfo | None:
    """The WAV format tag and the duration its ``data`` chunk declares, or None if not RIFF."""
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        tag, byte_rate, data_bytes = 0, 0, None
        while (chunk := fh.read(8)) and len(chunk) == 8:
            cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if cid == b"fmt " and size >= 16:
                fmt = fh.read(size + (size & 1))
                tag, _, _, byte_rate = struct.unpack("<HHII", fmt[:12])
            elif cid == b"data":
                data_bytes = size
                break
            else:
                fh.seek(size + (size & 1), 1)
    # 0xFFFFFFFF (and 0 in streaming writers) means "unknown length": trust FFmpeg instead.
    known = data_bytes not in (None, 0xFFFFFFFF) and byte_rate > 0
    declared = data_bytes / byte_rate if known and data_bytes is not None else None
    return _RiffInfo(format_tag=tag, declared_duration_s=declared)


def _ffmpeg_reason(err: av.error.FFmpegError) -> str:
    return str(err.strerror or err).strip().rstrip(".")


def _audio_stream(
    container: av.container.InputContainer, path: Path, riff: _RiffInfo | None
) -> av.audio.stream.AudioStream:
    if not container.streams.audio:
        kinds = sorted({s.type for s in container.streams})
        found = f"it has {', '.join(kinds)} streams only" if kinds else "it has no streams"
        raise AudioError("no_audio_stream", f"{path.name}: no audio stream ({found})")
    stream = container.streams.audio[0]
    if stream.codec_context is None:
        # No decoder in the bundled FFmpeg: name what we can (the WAV format tag, the container).
        what = (
            f"WAV format tag 0x{riff.format_tag:04x}"
            if riff
            else f"a codec with no decoder here, in a {container.format.name} container"
        )
        raise AudioError(
            "unsupported_codec",
            f"{path.name}: unsupported audio codec ({what}); convert it to PCM, G.711, MP3, "
            "AAC, FLAC or AMR",
        )
    return stream


def _probe(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    riff: _RiffInfo | None,
) -> _StreamFacts:
    declared: float | None = None
    exact = container.format.name not in _ESTIMATED_DURATION_FORMATS
    if riff is not None and riff.declared_duration_s is not None:
        declared, exact = riff.declared_duration_s, True
    elif stream.duration is not None and stream.time_base is not None:
        declared = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        declared = container.duration / av.time_base
    return _StreamFacts(
        codec=stream.codec_context.name,
        container_format=container.format.name,
        source_sample_rate_hz=stream.codec_context.sample_rate,
        declared_duration_s=declared,
        declared_exact=exact,
    )


def _check_length(path: Path, seconds: float | None, options: DecodeOptions) -> None:
    if seconds is not None and seconds > options.max_duration_s:
        raise AudioError(
            "too_long",
            f"{path.name}: {seconds:.0f} s is longer than the maximum of "
            f"{options.max_duration_s:.0f} s (QC_MAX_DURATION_S)",
        )


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    path: Path,
    options: DecodeOptions,
) -> tuple[list[Samples], str | None]:
    """Decode and resample; stop (not fail) at a mid-stream decode error, keeping what decoded."""
    chunks: list[Samples] = []
    decoded = 0
    limit = int(options.max_duration_s * options.target_sample_rate_hz) + 1
    error: str | None = None
    try:
        for block in _resampled(container, stream, options.target_sample_rate_hz):
            chunks.append(block)
            decoded += block.shape[1]
            if decoded > limit:  # the header lied or declared nothing: keep memory bounded
                _check_length(path, decoded / options.target_sample_rate_hz, options)
    except av.error.FFmpegError as err:
        error = _ffmpeg_reason(err)
    except ValueError as err:  # the resampler refuses a mid-stream change of format
        error = str(err)
    n_channels = stream.codec_context.channels or 1
    if not chunks:
        return [np.zeros(0, np.float32) for _ in range(n_channels)], error
    merged = np.concatenate(chunks, axis=1)
    return [np.ascontiguousarray(row, dtype=np.float32) for row in merged], error


def _resampled(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream, rate_hz: int
) -> Iterator[Samples]:
    """Planar float32 blocks of shape (channels, n) at ``rate_hz``, flushed at the end."""
    layout = stream.codec_context.layout.name
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate_hz)
    for frame in container.decode(stream):
        for out in resampler.resample(frame):
            yield out.to_ndarray().astype(np.float32, copy=False)
    for out in resampler.resample(None):
        yield out.to_ndarray().astype(np.float32, copy=False)


def _result(
    path: Path,
    facts: _StreamFacts,
    channels: list[Samples],
    error: str | None,
    options: DecodeOptions,
) -> DecodedAudio:
    n = channels[0].shape[0] if channels else 0
    if n == 0:
        if error:
            raise AudioError("decode_failed", f"{path.name}: no audio could be decoded ({error})")
        raise AudioError("empty", f"{path.name}: no audio samples (header only or zero length)")
    duration_s = n / options.target_sample_rate_hz
    declared_s = facts.declared_duration_s
    ratio = min(1.0, duration_s / declared_s) if declared_s else 1.0
    if declared_s is None:
        short = False
    elif facts.declared_exact:
        short = declared_s - duration_s > options.exact_tolerance_s
    else:
        short = ratio < options.estimated_min_ratio
    return DecodedAudio(
        source=str(path),
        samples=tuple(channels),
        sample_rate_hz=options.target_sample_rate_hz,
        source_sample_rate_hz=facts.source_sample_rate_hz,
        codec=facts.codec,
        container_format=facts.container_format,
        duration_s=duration_s,
        declared_duration_s=declared_s,
        incomplete=short or error is not None,
        decoded_ratio=round(ratio, 4),
        decode_error=error,
    )
