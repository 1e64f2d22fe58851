"""`qc inspect` on stored JSON transcripts: no ASR, the same JSON contract, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qc.cli import _register, app
from qc.serialize import read_transcript

runner = CliRunner()
CALL = {
    "source": "written/t1",
    "utterances": [
        # Traditional characters on purpose: stored text from elsewhere is normalised on load.
        {"role": "agent", "start_s": 0.5, "end_s": 5.0, "text": "喂，你這個月欠款三千二百元"},
        {"role": "customer", "start_s": 5.5, "end_s": 7.0, "text": "你是誰啊？"},
    ],
}


@pytest.fixture(scope="module", autouse=True)
def commands() -> None:
    _register()


def test_inspect_reads_a_transcript_without_asr(tmp_path: Path) -> None:
    (tmp_path / "call.wav").write_text(json.dumps(CALL, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["inspect", "--json", str(tmp_path / "call.wav")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["source"] == "written/t1"
    assert out["utterances"][0]["text"].startswith("喂,你这个月欠款")  # simplified on load
    categories = {h["category"] for h in out["hits"]}
    assert {"greeting", "identity_verification"} <= categories
    assert out["rules_version"].startswith("sha256:")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"utterances": [{"role": "boss", "start_s": 0, "end_s": 1, "text": "x"}]}', "boss"),
        ('{"utterances": [{"role": "agent", "text": "x"}]}', "start_s"),
        ("{not json", "not a JSON transcript"),
    ],
)
def test_bad_transcripts_fail_with_a_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["inspect", "--json", str(path)])
    assert result.exit_code == 1
    failure = json.loads(result.output)
    assert failure["status"] == "failed" and message in failure["error"]


def test_audio_is_not_taken_for_a_transcript(tmp_path: Path) -> None:
    path = tmp_path / "call.json"  # the extension is not trusted either way
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    assert read_transcript(path) is None
