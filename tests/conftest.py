"""Shared fixtures: audio files made on the fly, the evaluation data, the real ASR model.

Bad and odd recordings are generated into ``tmp_path`` by each test (PyAV encoders), never
checked in: every case states its codec, rate and layout in the test table.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import numpy.typing as npt
import pytest

if TYPE_CHECKING:
    from qc.asr.model import AsrModel

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"
SAMPLES = REPO / "samples"


def tone(seconds: float, rate_hz: int, freq_hz: float = 440.0, amp: float = 0.3) -> np.ndarray:
    """A sine tone, float32."""
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    return (amp * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


@dataclass(frozen=True)
class AudioSpec:
    """What to encode: ``codec`` into container ``fmt`` at ``rate_hz`` with ``channels``."""

    codec: str
    fmt: str
    rate_hz: int = 8000
    channels: int = 1
    seconds: float = 3.0
    bit_rate: int | None = None


def encode_audio(path: Path, spec: AudioSpec, data: npt.NDArray[np.float32] | None = None) -> Path:
    """Encode ``data`` (channels × samples, float32) or a tone per channel into ``path``.

    With ``data`` given, its first dimension sets the channel count.
    """
    if data is None:
        data = np.stack(
            [tone(spec.seconds, spec.rate_hz, 440.0 * (c + 1)) for c in range(spec.channels)]
        )
    layout = "mono" if data.shape[0] == 1 else "stereo"
    with av.open(str(path), "w", format=spec.fmt) as out:
        stream = out.add_stream(spec.codec, rate=spec.rate_hz, layout=layout)
        if spec.bit_rate:
            stream.bit_rate = spec.bit_rate
        ctx = stream.codec_context
        resampler = av.AudioResampler(format=ctx.format.name, layout=layout, rate=spec.rate_hz)
        step = ctx.frame_size or 1024
        for i in range(0, data.shape[1], step):
            block = np.ascontiguousarray(data[:, i : i + step], dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(block, format="fltp", layout=layout)
            frame.sample_rate = spec.rate_hz
            for converted in resampler.resample(frame):
                out.mux(stream.encode(converted))
        out.mux(stream.encode(None))
    return path


def can_encode(codec: str) -> bool:
    try:
        av.codec.Codec(codec, "w")
    except (av.codec.codec.UnknownCodecError, ValueError):
        return False
    return True


@pytest.fixture
def make_audio(tmp_path: Path) -> Callable[..., Path]:
    """``make_audio(name, spec, data=None)`` → a freshly encoded file in ``tmp_path``."""

    def make(name: str, spec: AudioSpec, data: npt.NDArray[np.float32] | None = None) -> Path:
        return encode_audio(tmp_path / name, spec, data)

    return make


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """``../shared/eval`` beside the repository; tests that need it skip when it is absent."""
    if not SHARED_EVAL.is_dir():
        pytest.skip(f"{SHARED_EVAL} is absent")
    return SHARED_EVAL


def read_references(folder: Path) -> dict[str, str]:
    """``transcripts.tsv`` of an eval folder: file name → reference text."""
    with (folder / "transcripts.tsv").open(encoding="utf-8") as fh:
        return {row["file"]: row["reference_text"] for row in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="session")
def asr_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsrModel]:
    """The real bundled Whisper base, assembled into a fresh cache and loaded once per session."""
    from qc.asr.model import ModelOptions, load_model

    cache = tmp_path_factory.mktemp("models")
    yield load_model(ModelOptions(cache_dir=cache))
    load_model.cache_clear()
