"""qc.audio: every format a call centre sends, and every bad file (RELIABILITY.md B1–B5)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from qc.audio import DecodeOptions, decode
from qc.errors import AudioError
from tests.conftest import AudioSpec, can_encode, tone

MakeAudio = Callable[..., Path]

GOOD = [
    pytest.param("a.wav", AudioSpec("pcm_s16le", "wav", 8000, 1), "pcm_s16le", id="pcm-mono"),
    pytest.param("a.wav", AudioSpec("pcm_s16le", "wav", 8000, 2), "pcm_s16le", id="pcm-stereo"),
    pytest.param("a.wav", AudioSpec("pcm_alaw", "wav", 8000, 1), "pcm_alaw", id="alaw-mono"),
    pytest.param("a.wav", AudioSpec("pcm_alaw", "wav", 8000, 2), "pcm_alaw", id="alaw-stereo"),
    pytest.param("a.wav", AudioSpec("pcm_mulaw", "wav", 8000, 1), "pcm_mulaw", id="mulaw-mono"),
    pytest.param("a.wav", AudioSpec("pcm_mulaw", "wav", 8000, 2), "pcm_mulaw", id="mulaw-stereo"),
    pytest.param(
        "a.mp3", AudioSpec("libmp3lame", "mp3", 8000, 1, bit_rate=8000), "mp3", id="mp3-8kbps"
    ),
    pytest.param("a.flac", AudioSpec("flac", "flac", 16000, 2), "flac", id="flac-stereo"),
    pytest.param("a.m4a", AudioSpec("aac", "mp4", 16000, 1), "aac", id="m4a-aac"),
    pytest.param(
        "a.amr",
        AudioSpec("libopencore_amrnb", "amr", 8000, 1, bit_rate=12200),
        "amrnb",
        id="amr-nb",
        marks=pytest.mark.skipif(
            not can_encode("libopencore_amrnb"), reason="no AMR-NB encoder in this FFmpeg"
        ),
    ),
]


@pytest.mark.parametrize(("name", "spec", "codec"), GOOD)
def test_decodes_call_centre_formats(
    make_audio: MakeAudio, name: str, spec: AudioSpec, codec: str
) -> None:
    audio = decode(make_audio(name, spec))
    assert audio.codec.startswith(codec)
    assert audio.channels == spec.channels
    assert audio.source_sample_rate_hz == spec.rate_hz
    assert audio.sample_rate_hz == 16_000
    assert all(ch.dtype == np.float32 for ch in audio.samples)
    assert audio.duration_s == pytest.approx(spec.seconds, abs=0.15)
    assert not audio.incomplete
    assert all(float(np.abs(ch).max()) > 0.1 for ch in audio.samples)


def test_extension_is_not_trusted(make_audio: MakeAudio) -> None:
    audio = decode(make_audio("really_mp3.wav", AudioSpec("libmp3lame", "mp3", 8000, 1)))
    assert audio.codec.startswith("mp3")


def test_stereo_channels_are_split(make_audio: MakeAudio) -> None:
    left = tone(2.0, 8000)
    path = make_audio("s.wav", AudioSpec("pcm_alaw", "wav"), np.stack([left, 0 * left]))
    audio = decode(path)
    assert audio.channels == 2
    assert float(np.abs(audio.samples[0]).max()) > 0.2
    assert float(np.abs(audio.samples[1]).max()) < 0.01  # a silent customer channel stays silent


TRUNCATED = [
    pytest.param("t.wav", AudioSpec("pcm_s16le", "wav", 8000, 2), id="pcm-wav"),
    pytest.param("t.wav", AudioSpec("pcm_alaw", "wav", 8000, 1), id="alaw-wav"),
    pytest.param("t.wav", AudioSpec("pcm_mulaw", "wav", 8000, 2), id="mulaw-wav"),
    pytest.param("t.mp3", AudioSpec("libmp3lame", "mp3", 8000, 1, bit_rate=8000), id="mp3"),
]


@pytest.mark.parametrize(("name", "spec"), TRUNCATED)
def test_truncated_file_is_processed_but_marked_incomplete(
    make_audio: MakeAudio, name: str, spec: AudioSpec
) -> None:
    path = make_audio(name, spec)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    audio = decode(path)
    assert audio.incomplete
    assert audio.declared_duration_s == pytest.approx(3.0, abs=0.05)
    assert 0.35 < audio.decoded_ratio < 0.6
    assert audio.duration_s == pytest.approx(audio.decoded_ratio * 3.0, abs=0.05)


def _wav_header(tag: int, channels: int, rate_hz: int, bits: int, data_bytes: int) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate_hz, rate_hz * block, block, bits)
    riff_size = 36 + data_bytes if data_bytes < 0xFFFFFFFF - 36 else 0xFFFFFFFF
    return (
        b"RIFF" + struct.pack("<I", riff_size) + b"WAVEfmt " + struct.pack("<I", 16) + fmt
        + b"data" + struct.pack("<I", data_bytes)
    )  # fmt: skip


def _video_only(path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=Fraction(10))
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(
                np.full((48, 64, 3), i * 40, np.uint8), format="rgb24"
            )
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


BAD: list[tuple[str, Callable[[Path], Path], str, str]] = [
    ("empty", lambda p: _write(p / "e.wav", b""), "empty", "empty (0 bytes)"),
    (
        "header-only",
        lambda p: _write(p / "h.wav", _wav_header(1, 1, 8000, 16, 0)),
        "empty",
        "no audio samples",
    ),
    (
        "header-promises-data",
        lambda p: _write(p / "h2.wav", _wav_header(1, 1, 8000, 16, 16000)),
        "empty",
        "no audio samples",
    ),
    (
        "pdf-renamed",
        lambda p: _write(p / "doc.wav", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" * 40),
        "not_audio",
        "not a readable audio file",
    ),
    ("video-no-audio", lambda p: _video_only(p / "v.wav"), "no_audio_stream", "video streams only"),
    (
        "unknown-wav-codec",
        lambda p: _write(p / "u.wav", _wav_header(0x7777, 1, 8000, 16, 1600) + b"\0" * 1600),
        "unsupported_codec",
        "WAV format tag 0x7777",
    ),
    ("missing", lambda p: p / "nope.wav", "not_found", "no such file"),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("case", "make", "reason", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_error(
    tmp_path: Path, case: str, make: Callable[[Path], Path], reason: str, message: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(AudioError) as caught:
        decode(path)
    assert caught.value.reason == reason
    assert message in str(caught.value)
    assert path.name in str(caught.value)


def test_too_long_is_refused_from_the_header_before_decoding(tmp_path: Path) -> None:
    # The header declares 3 hours but only 1 s of data follows: refusing it proves the check
    # reads the declared duration rather than decoding everything first.
    hours = 3 * 3600 * 8000 * 2
    path = _write(tmp_path / "long.wav", _wav_header(1, 1, 8000, 16, hours) + b"\0" * 16000)
    with pytest.raises(AudioError) as caught:
        decode(path, DecodeOptions(max_duration_s=7200))
    assert caught.value.reason == "too_long"
    assert "10800 s is longer than the maximum of 7200 s" in str(caught.value)


def test_too_long_without_a_declared_length_stops_while_decoding(tmp_path: Path) -> None:
    # Streaming writers put 0xFFFFFFFF in the data size: no declared duration to check.
    pcm = (tone(4.0, 8000) * 32767).astype("<i2").tobytes()
    path = _write(tmp_path / "stream.wav", _wav_header(1, 1, 8000, 16, 0xFFFFFFFF) + pcm)
    with pytest.raises(AudioError) as caught:
        decode(path, DecodeOptions(max_duration_s=2.0))
    assert caught.value.reason == "too_long"


def test_silence_decodes_as_silence(make_audio: MakeAudio) -> None:
    path = make_audio("quiet.wav", AudioSpec("pcm_mulaw", "wav", 8000, 2), np.zeros((2, 16000)))
    audio = decode(path)
    assert audio.duration_s == pytest.approx(2.0)
    assert all(float(np.abs(ch).max()) < 0.01 for ch in audio.samples)
