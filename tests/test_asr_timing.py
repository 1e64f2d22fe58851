"""qc.asr.timing: segments decoded across a VAD join are split back into turns."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper.transcribe import Word as WWord

from qc.asr import transcribe_channel
from qc.asr.timing import RawWord, split_on_gaps
from tests.test_asr_transcribe import fake_model, wseg


def words(*spec: tuple[float, float, str]) -> list[RawWord]:
    return [RawWord(s, e, t, 0.9) for s, e, t in spec]


def texts(groups: list[list[RawWord]]) -> list[str]:
    return ["".join(w.text for w in g) for g in groups]


def test_split_where_words_are_far_apart() -> None:
    # samples/01 channel 1: one Whisper segment held three customer turns.
    ws = words(
        (25.2, 25.6, "我叫"), (25.6, 28.0, "张伟"), (33.9, 35.7, "后四位"), (46.2, 50.3, "要收吗")
    )
    assert texts(split_on_gaps(ws, 1.0)) == ["我叫张伟", "后四位", "要收吗"]


def test_natural_pauses_stay_together() -> None:
    ws = words((0.0, 0.5, "好的"), (1.2, 2.0, "请稍等"))
    assert texts(split_on_gaps(ws, 1.0)) == ["好的请稍等"]


def test_stray_first_word_is_moved_to_its_sentence() -> None:
    # faster-whisper#125: the first word after a silence placed at the previous chunk's end.
    ws = words((69.05, 69.3, "没"), (75.3, 75.6, "有"), (75.6, 76.6, "谢谢你"))
    groups = split_on_gaps(ws, 1.0)
    assert texts(groups) == ["没有谢谢你"]
    assert groups[0][0].start_s == pytest.approx(75.05)
    assert groups[0][0].end_s == pytest.approx(75.3)


def test_transcribe_channel_returns_split_segments() -> None:
    parts = [WWord(25.0, 28.0, "我叫张伟，", 0.9), WWord(34.0, 36.0, "後四位一二", 0.8)]
    seg = wseg(25.0, 50.0, "我叫张伟，後四位一二", words=parts)
    result = transcribe_channel(fake_model([seg]), np.zeros(16000, np.float32), 1)
    assert [(s.start_s, s.end_s, s.text, s.raw_text) for s in result.segments] == [
        (25.0, 28.0, "我叫张伟,", "我叫张伟，"),
        (34.0, 36.0, "后四位一二", "後四位一二"),
    ]
