"""Mono speaker separation: the clustering and word-labelling logic with fake embeddings (no
torch), plus a real-audio check on a mono mix (marked ``diarize`` and ``slow``)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qc.diarize import DiarizeOptions, label_units
from qc.diarize.cluster import cluster_voices, smooth_labels
from qc.diarize.units import Units, flatten, rebuild
from qc.diarize.windows import Windows, lay_windows, phrases
from qc.errors import ModelError
from qc.types import Segment
from tests.factories import segment

OPTIONS = DiarizeOptions()
DIM = 256


def _voices(seed: int = 0) -> np.ndarray:
    """Two fake voice directions with cosine similarity about 0.5, like two resemblyzer speakers."""
    rng = np.random.default_rng(seed)
    base, a, b = rng.normal(size=(3, DIM))
    return np.stack([base + a, base + b])


def _embed(voices: np.ndarray, who: np.ndarray, noise: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return voices[who] + noise * rng.normal(size=(len(who), DIM))


def _fake_windows(
    units: Units, speaker_at: Callable[[float], int], noise: float = 0.6
) -> tuple[Windows, np.ndarray]:
    """The windows the real pipeline would lay, with the embedding of whoever speaks mid-window."""
    windows = lay_windows(units, phrases(units, OPTIONS), OPTIONS)
    who = np.array([speaker_at(t) for t in windows.starts_s + windows.lengths_s / 2])
    return windows, _embed(_voices(), who, noise)


@pytest.mark.parametrize(
    ("who", "speakers"),
    [
        (np.array([0] * 30 + [1] * 20), 2),
        (np.array([0] * 45 + [1] * 5), 2),
        (np.zeros(50, dtype=int), 1),
        (np.array([0, 1, 0]), 1),  # too few windows to show two voices
    ],
    ids=["two-voices", "short-second-voice", "one-voice", "too-few-windows"],
)
def test_cluster_voices(who: np.ndarray, speakers: int) -> None:
    clustering = cluster_voices(_embed(_voices(), who, noise=0.5), OPTIONS)
    assert clustering.speakers == speakers
    if speakers == 2:
        agree = np.mean(clustering.labels == who)
        assert max(agree, 1 - agree) == 1.0
        assert clustering.silhouette > 0.1
        assert clustering.centroid_similarity < OPTIONS.max_two_voice_similarity
    else:
        assert set(clustering.labels.tolist()) == {0}


def test_long_call_is_clustered_on_a_sample_and_labels_every_window() -> None:
    who = (np.arange(400) // 25) % 2
    options = replace(OPTIONS, max_clustered_windows=40)
    clustering = cluster_voices(_embed(_voices(), who, noise=0.5), options)
    assert clustering.speakers == 2 and len(clustering.labels) == 400
    agree = np.mean(clustering.labels == who)
    assert max(agree, 1 - agree) == 1.0


@pytest.mark.parametrize(
    ("scores", "gaps", "expected"),
    [
        ([1, 1, -1, 1, 1], [False] * 5, [1, 1, 1, 1, 1]),  # one odd word inside speech
        ([1, 1, -1, -1, -1], [False, False, True, False, False], [1, 1, 0, 0, 0]),  # at a pause
        ([-1] * 4 + [1] * 6, [False] * 10, [0] * 4 + [1] * 6),  # enough evidence
    ],
    ids=["flip-in-speech-smoothed", "change-at-pause-kept", "long-run-switches-in-speech"],
)
def test_smooth_labels(scores: list[float], gaps: list[bool], expected: list[int]) -> None:
    pause = np.array(gaps)
    penalties = np.where(pause, OPTIONS.switch_penalty_at_pause, OPTIONS.switch_penalty_in_speech)
    labels = smooth_labels(np.array(scores, float), np.ones(len(scores)), penalties)
    assert labels.tolist() == expected


def _dialogue() -> list[Segment]:
    """Agent, customer, then one ASR segment in which the customer's reply follows the agent's
    question after a pause (Whisper merges such turns on mono audio)."""
    agent_q = segment(0, 4.0, 7.0, "请问您是本人吗")
    reply = segment(0, 7.4, 9.4, "对是我本人")
    merged = Segment(
        0, 4.0, 9.4, "请问您是本人吗对是我本人", "请问您是本人吗对是我本人",
        agent_q.words + reply.words,
    )  # fmt: skip
    return [segment(0, 0.0, 3.5, "您好这里是星海银行"), merged, segment(0, 10.0, 13.0, "好的谢谢")]


def test_merged_turn_is_split_at_the_speaker_change() -> None:
    segments = _dialogue()

    def speaker_at(t: float) -> int:
        return 0 if t < 7.2 or t >= 9.7 else 1

    units = flatten(segments)
    windows, embeddings = _fake_windows(units, speaker_at)
    labels, clustering, confidence = label_units(units, windows, embeddings, OPTIONS)
    out = rebuild(segments, units, labels)
    assert clustering.speakers == 2
    assert [(s.channel, s.text) for s in out] == [
        (0, "您好这里是星海银行"),
        (0, "请问您是本人吗"),
        (1, "对是我本人"),
        (0, "好的谢谢"),
    ]
    assert out[2].start_s == pytest.approx(7.4) and out[2].end_s == pytest.approx(9.4)
    assert 0.3 < confidence <= 1.0


def test_short_reply_between_pauses_gets_its_own_voice() -> None:
    """是我 (0.5 s) alone in its segment: a 1.6 s window around it would be mostly the agent."""
    segments = [
        segment(0, 0.0, 4.0, "请问是朱女士本人吗"),
        segment(0, 4.4, 4.9, "是我"),
        segment(0, 5.3, 9.0, "麻烦您提供身份证号码"),
        segment(0, 9.5, 12.0, "好的我看一下"),
    ]

    def speaker_at(t: float) -> int:
        return int(4.2 < t < 5.1 or t > 9.2)

    units = flatten(segments)
    windows, embeddings = _fake_windows(units, speaker_at, noise=0.3)
    labels, _, _ = label_units(units, windows, embeddings, OPTIONS)
    assert [s.channel for s in rebuild(segments, units, labels)] == [0, 1, 0, 1]


def test_one_voice_keeps_every_segment_on_cluster_zero() -> None:
    segments = _dialogue()
    units = flatten(segments)
    windows, embeddings = _fake_windows(units, lambda t: 0)
    labels, clustering, confidence = label_units(units, windows, embeddings, OPTIONS)
    out = rebuild(segments, units, labels)
    assert clustering.speakers == 1 and confidence == 0.0
    assert [s.channel for s in out] == [0, 0, 0]
    assert [s.text for s in out] == [s.text for s in segments]


def test_missing_extra_is_a_model_error_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from qc.diarize import embed

    for module in ("torch", "resemblyzer"):
        monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` fail
    embed.load_encoder.cache_clear()
    with pytest.raises(ModelError, match=r"pip install -e '\.\[diarize\]'"):
        embed.load_encoder()
    embed.load_encoder.cache_clear()


# --- real audio --------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
HAS_EXTRA = all(importlib.util.find_spec(m) for m in ("torch", "resemblyzer"))


def _real_call() -> tuple[np.ndarray, list[dict[str, object]]] | None:
    """The mono mix of the first stereo sample call, with its reference turns."""
    from qc.audio import decode

    for wav in sorted((ROOT / "samples").glob("[0-9][0-9]_*.wav")):
        ref = wav.with_suffix(".json")
        audio = decode(wav)
        if ref.exists() and len(audio.samples) == 2:
            turns = json.loads(ref.read_text(encoding="utf-8"))["turns"]
            return np.mean(np.stack(audio.samples), axis=0), turns
    return None


@pytest.mark.diarize
@pytest.mark.slow
@pytest.mark.skipif(not HAS_EXTRA, reason="needs the diarize extra: pip install -e '.[diarize]'")
def test_reference_turns_of_a_mono_mix_are_separated() -> None:
    """Oracle turn boundaries, real voices: the acoustic half of separation on its own."""
    from qc.diarize import separate_speakers

    call = _real_call()
    if call is None:
        pytest.skip("no stereo sample call with a reference timeline in samples/")
    samples, turns = call
    segments = [
        Segment(0, float(t["start_s"]), float(t["end_s"]), str(t["text"]), str(t["text"]))
        for t in turns  # type: ignore[arg-type]
    ]
    result = separate_speakers(samples, segments)
    truth = np.array([t["channel"] for t in sorted(turns, key=lambda t: float(t["start_s"]))])  # type: ignore[arg-type]
    predicted = np.array([s.channel for s in result.segments])
    accuracy = max(np.mean(predicted == truth), np.mean(predicted != truth))
    assert result.speakers == 2
    assert accuracy >= 0.8, f"turn accuracy {accuracy:.2f}"
