"""qc.asr.transcribe: a fake Whisper for the wiring, the real model (slow) for the results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from faster_whisper.transcribe import Segment as WSegment
from faster_whisper.transcribe import Word as WWord

from qc.asr import ModelOptions, TranscribeOptions, transcribe_channel
from qc.asr import transcribe as transcribe_module
from qc.asr.cer import corpus_cer
from qc.asr.model import AsrModel
from qc.asr.transcribe import recovery_budget, skipped_speech
from qc.audio import decode
from qc.errors import TranscriptionError
from tests.conftest import SAMPLES, AudioSpec, encode_audio, read_references, tone


def wseg(
    start: float, end: float, text: str, words: list[WWord] | None = None, **kw: Any
) -> WSegment:
    words = words if words is not None else [WWord(start, end, text, 0.8)]
    fields: dict[str, Any] = {
        "id": 0, "seek": 0, "tokens": [], "avg_logprob": -0.3, "compression_ratio": 1.2,
        "no_speech_prob": 0.01, "temperature": 0.0,
    }  # fmt: skip
    fields.update(kw)
    return WSegment(start=start, end=end, text=text, words=words, **fields)


class FakeWhisper:
    """Stands in for ``WhisperModel``: returns canned segments and records the arguments."""

    def __init__(self, segments: list[WSegment] | Exception) -> None:
        self.segments = segments
        self.kwargs: dict[str, Any] = {}

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, None]:
        self.kwargs = kwargs
        if isinstance(self.segments, Exception):
            raise self.segments
        return iter(self.segments), None


def fake_model(segments: list[WSegment] | Exception) -> AsrModel:
    return AsrModel(whisper=FakeWhisper(segments), name="fake", path="fake", options=ModelOptions())  # type: ignore[arg-type]


def test_segments_are_normalised_guarded_and_counted() -> None:
    model = fake_model(
        [
            wseg(0.5, 2.0, " 您好，這裡是客服中心"),
            wseg(3.0, 4.0, "謝謝觀看"),
            wseg(5.0, 6.0, "好的"),
        ]
    )
    result = transcribe_channel(model, np.zeros(16000 * 7, np.float32), 1)
    assert [s.text for s in result.segments] == ["您好,这里是客服中心", "好的"]
    assert result.segments[0].raw_text == "您好，這裡是客服中心"
    assert result.segments[0].words[0].probability == 0.8
    assert all(s.channel == 1 for s in result.segments)
    assert result.dropped_count == 1 and result.dropped[0].reason == "phantom"
    assert result.has_speech and result.speech_s == pytest.approx(2.5)
    assert result.mean_confidence == pytest.approx(0.8)


def test_whisper_gets_the_reliability_settings() -> None:
    model = fake_model([])
    transcribe_channel(model, np.zeros(16000, np.float32), 0, TranscribeOptions(beam_size=1))
    kwargs = model.whisper.kwargs  # type: ignore[attr-defined]
    assert kwargs["vad_filter"] is True
    assert kwargs["condition_on_previous_text"] is False
    assert kwargs["word_timestamps"] is True
    assert kwargs["language"] == "zh" and kwargs["beam_size"] == 1


def test_empty_channel_has_no_speech() -> None:
    result = transcribe_channel(fake_model([]), np.zeros(0, np.float32), 0)
    assert result.segments == () and not result.has_speech


def test_model_failure_is_a_transcription_error() -> None:
    with pytest.raises(TranscriptionError, match="channel 1: transcription failed: boom"):
        transcribe_channel(fake_model(RuntimeError("boom")), np.ones(16000, np.float32), 1)


def test_skipped_speech_is_what_no_segment_covers() -> None:
    regions = [(0.0, 10.0), (12.0, 20.0), (22.0, 22.8)]
    segments = [wseg(0.5, 3.0, "a"), wseg(6.0, 9.5, "b")]
    # (9.5, 10) is VAD padding; (22, 22.8) is shorter than a word worth decoding.
    assert skipped_speech(regions, segments, 1.0) == [(3.0, 6.0), (12.0, 20.0)]
    assert skipped_speech(regions, [wseg(0.0, 21.0, "all")], 1.0) == []


class ScriptedWhisper(FakeWhisper):
    """Answers each ``transcribe`` call with the next canned list (the channel, then clips)."""

    def __init__(self, answers: list[list[WSegment]]) -> None:
        super().__init__([])
        self.answers = answers
        self.calls: list[tuple[int, dict[str, Any]]] = []

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, None]:
        self.calls.append((audio.size, kwargs))
        return iter(self.answers[len(self.calls) - 1]), None


def test_speech_whisper_skipped_is_decoded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        transcribe_module, "speech_regions", lambda audio, vad: [(0.0, 5.0), (6.0, 9.0)]
    )
    whisper = ScriptedWhisper(
        [
            [wseg(0.2, 4.8, "您好，工号三六九二")],  # the channel: the second stretch is missing
            [
                wseg(0.1, 2.5, "请您把验证码告诉我", [WWord(0.1, 2.5, "请您把验证码告诉我", 0.9)]),
                wseg(2.5, 3.0, "谢谢", avg_logprob=-1.6),  # a phantom in the VAD padding
            ],
        ]
    )
    model = AsrModel(whisper=whisper, name="fake", path="fake", options=ModelOptions())  # type: ignore[arg-type]
    result = transcribe_channel(model, np.zeros(16000 * 10, np.float32), 0)
    assert [(s.start_s, s.end_s, s.text) for s in result.segments] == [
        (0.2, 4.8, "您好,工号三六九二"),
        (6.1, 8.5, "请您把验证码告诉我"),
    ]
    assert result.segments[1].words[0].start_s == pytest.approx(6.1)
    clip_size, clip_kwargs = whisper.calls[1]
    assert clip_size == 16000 * 3 and clip_kwargs["vad_filter"] is False
    assert clip_kwargs["max_new_tokens"] == 16 + 15 * 3


def test_a_recovered_clip_that_loops_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    # samples/03: a 1-s leftover decoded as 这些东西，repeated to Whisper's token limit.
    monkeypatch.setattr(transcribe_module, "speech_regions", lambda audio, vad: [(0.0, 5.0)])
    # Three repeats are too few for the guard's loop test; the token rate gives it away.
    loop = wseg(0.0, 1.0, "这些东西," * 3, tokens=list(range(30)), avg_logprob=-0.8)
    turn = wseg(0.0, 1.0, "好的谢谢", tokens=list(range(4)))
    for clip, kept in (([loop], 1), ([turn], 2)):
        whisper = ScriptedWhisper([[wseg(0.2, 3.9, "您好")], clip])
        model = AsrModel(whisper=whisper, name="fake", path="fake", options=ModelOptions())  # type: ignore[arg-type]
        result = transcribe_channel(model, np.zeros(16000 * 5, np.float32), 0)
        assert len(result.segments) == kept


def test_the_recovery_budget_leaves_room_for_the_prompt() -> None:
    assert recovery_budget(2.0, {"hotwords": None, "initial_prompt": None}) == 46
    assert recovery_budget(60.0, {"hotwords": None, "initial_prompt": None}) == 440
    assert recovery_budget(60.0, {"hotwords": "征信", "initial_prompt": None}) == 217
    assert recovery_budget(2.0, {"hotwords": "征信", "initial_prompt": "贷款"}) is None


# --- real model ---------------------------------------------------------------------------------

GOLD_16K = ["BAC009S0764W0121.wav", "TEST_MEETING_T0000000001_S00000.wav", "IT0011W0001.wav"]


@pytest.mark.slow
def test_real_clips_stay_within_the_measured_cer(asr_model: AsrModel, shared_eval: Path) -> None:
    folder = shared_eval / "asr" / "fireredasr_examples"
    refs = read_references(folder)
    pairs = []
    for name in GOLD_16K:
        result = transcribe_channel(asr_model, decode(folder / name).samples[0], 0)
        pairs.append((refs[name], "".join(s.text for s in result.segments)))
    # Measured 0.28 (bench/results/asr.md); the bound leaves room for CPU-dependent decoding.
    assert corpus_cer(pairs) <= 0.40


@pytest.mark.slow
def test_stereo_8k_mulaw_call_is_split_by_channel(asr_model: AsrModel, shared_eval: Path) -> None:
    path = shared_eval / "asr_derived" / "two_speaker_stereo_from_fireredtts2"
    audio = decode(path / "dialogue_stereo_8k_mulaw.wav")
    assert audio.codec == "pcm_mulaw" and audio.channels == 2
    right = transcribe_channel(asr_model, audio.samples[1], 1)
    assert right.has_speech
    assert all(s.start_s >= 12.0 for s in right.segments)  # the right speaker starts at 12.4 s
    ref = "比如具体一点的，他觉得最大的一个跟他预想的不一样的是在什么地方。"
    assert corpus_cer([(ref, "".join(s.text for s in right.segments))]) <= 0.25
    assert right.segments[0].text == right.segments[0].text.strip()


@pytest.mark.slow
def test_silence_music_and_a_silent_channel_invent_nothing(
    asr_model: AsrModel, tmp_path: Path
) -> None:
    rate = 8000
    t = np.arange(rate * 12) / rate
    music = sum(
        0.08 * np.sin(2 * np.pi * f * t) * (1 + np.sin(t + i))
        for i, f in enumerate([262, 330, 392])
    )
    data = np.stack([np.asarray(music, np.float32), np.zeros(rate * 12, np.float32)])
    audio = decode(encode_audio(tmp_path / "hold.wav", AudioSpec("pcm_alaw", "wav", rate, 2), data))
    for ch in (0, 1):
        result = transcribe_channel(asr_model, audio.samples[ch], ch)
        assert result.segments == (), [s.text for s in result.segments]
        assert not result.has_speech


@pytest.mark.slow
def test_synthetic_tone_call_is_quiet(asr_model: AsrModel) -> None:
    result = transcribe_channel(asr_model, np.repeat(tone(6.0, 16000, 1000.0), 1), 0)
    assert not result.has_speech


@pytest.mark.slow
@pytest.mark.skipif(not (SAMPLES / "17_mulaw.json").is_file(), reason="samples not generated")
def test_sample_call_cer_per_channel(asr_model: AsrModel) -> None:
    """samples/17: a G.711 µ-law stereo call (the shipped path: lexicon correction on)."""
    import json

    from qc.config import Settings

    options = TranscribeOptions.from_settings(Settings(_env_file=None))
    turns = json.loads((SAMPLES / "17_mulaw.json").read_text("utf-8"))["turns"]
    audio = decode(SAMPLES / "17_mulaw.wav")
    pairs = []
    for ch, samples in enumerate(audio.samples):
        result = transcribe_channel(asr_model, samples, ch, options)
        ref = "".join(t["text"] for t in turns if int(t["channel"]) == ch)
        pairs.append((ref, "".join(s.text for s in result.segments)))
    # Measured 0.17 on this call (bench/results/asr.md); references spell digits in Chinese.
    assert corpus_cer(pairs) <= 0.25


def test_lexicon_corrects_text_and_keeps_raw_text() -> None:
    from qc.asr.lexicon import build_lexicon

    options = TranscribeOptions(lexicon=build_lexicon(["工号", "还款"]))
    model = fake_model([wseg(0.0, 2.0, "您好，公號三六九二")])
    result = transcribe_channel(model, np.zeros(16000, np.float32), 0, options)
    assert result.segments[0].text == "您好,工号三六九二"
    assert result.segments[0].raw_text == "您好，公號三六九二"
    assert result.corrections == 1


def test_options_from_settings_follow_the_measured_defaults() -> None:
    from qc.config import Settings

    options = TranscribeOptions.from_settings(Settings(), extra_terms=["星海银行"])
    assert options.initial_prompt is None and options.hotwords is None
    assert options.lexicon is not None and "星海银行" in options.lexicon.terms
    assert options.beam_size == 5 and options.language == "zh"
