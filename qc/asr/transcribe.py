"""Transcribe one channel with faster-whisper, normalise the text, and guard against phantoms.

Settings and why (DESIGN.md, RELIABILITY.md):

- one pass per channel: a stereo call has the agent and the customer on separate channels;
- VAD on and ``condition_on_previous_text=False``: without them Whisper invents text on silence
  and repeats itself across windows;
- ``word_timestamps=True``: words carry timings and probabilities for PII muting, overlap
  detection and confidence;
- text normalised with OpenCC t2s (Whisper base writes Traditional on about two thirds of
  Mandarin channels); the model's own text is kept in ``raw_text``.

Steps of :func:`transcribe_channel`: Whisper → split segments at VAD joins (qc.asr.timing) →
hallucination guard (qc.asr.guard) → domain-lexicon homophone correction (qc.asr.lexicon).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qc.asr.guard import Dropped, GuardOptions, guard_segments
from qc.asr.lexicon import Lexicon, correct_segment
from qc.asr.timing import RawWord, split_on_gaps
from qc.audio import WHISPER_RATE_HZ
from qc.errors import TranscriptionError
from qc.text.normalize import normalize
from qc.types import Segment, Word

if TYPE_CHECKING:
    from faster_whisper.transcribe import Segment as WhisperSegment

    from qc.asr.model import AsrModel
    from qc.config import Settings


MIN_RECOVERED_LOGPROB = -1.0  # Whisper's own log-prob threshold for a trustworthy window
# A recovered clip decoding faster than this is a loop, not a turn: 1.4× the fastest speech in
# samples/ (10.6 tokens/s, 12_fast_speech). A 1-s leftover of samples/03 looped (这些东西，这些
# 东西，…) to Whisper's 448-token limit, 8 s of decoding, so decoding stops a little past the rate.
RECOVERED_TOKENS_PER_S = 15
RECOVERED_TOKEN_MARGIN = 16
WHISPER_MAX_TOKENS = 448  # prompt and output together (faster-whisper's max_length)


@dataclass(frozen=True, slots=True)
class VadOptions:
    """Silero VAD settings passed to faster-whisper (its names, with units)."""

    threshold: float = 0.5
    min_silence_duration_ms: int = 2000  # faster-whisper's default (not tuned here)
    speech_pad_ms: int = 400

    def as_whisper(self) -> dict[str, Any]:
        """faster-whisper's ``vad_parameters`` (also its ``VadOptions`` fields)."""
        return {
            "threshold": self.threshold,
            "min_silence_duration_ms": self.min_silence_duration_ms,
            "speech_pad_ms": self.speech_pad_ms,
        }


@dataclass(frozen=True, slots=True)
class TranscribeOptions:
    """How one channel is transcribed. Build it with :meth:`from_settings` in services."""

    language: str = "zh"
    beam_size: int = 5
    # faster-whisper's fallback ladder: a window failing the compression/log-prob tests is
    # decoded again at the next temperature (costly: sampling with best_of=5).
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    word_timestamps: bool = True  # needed downstream (PII muting, overlaps); costs an alignment
    # Whisper skips a window as silence when no_speech_prob exceeds this and the log-prob is
    # below -1. faster-whisper's 0.6 let the silent tail after a channel's last word (samples/03
    # channel 1: no_speech_prob 0.54) run the whole fallback ladder to T=1.0 (23 s instead of
    # 19 s for the channel) and end in a phantom line (相信, 大家来看).
    no_speech_threshold: float = 0.5
    # Segments are split where words are further apart than this (qc.asr.timing: VAD joins).
    max_word_gap_s: float = 1.0
    # Speech Whisper skipped (VAD found it, no segment covers it) at least this long is decoded
    # again on its own; shorter leftovers are breaths and VAD padding.
    min_skipped_s: float = 1.0
    initial_prompt: str | None = None  # domain biasing (qc.asr.vocab); off by default
    hotwords: str | None = None
    lexicon: Lexicon | None = None  # homophone correction of ``text`` (qc.asr.lexicon)
    vad: VadOptions = field(default_factory=VadOptions)
    guard: GuardOptions = field(default_factory=GuardOptions)

    @classmethod
    def from_settings(
        cls, settings: Settings, extra_terms: Iterable[str] = ()
    ) -> TranscribeOptions:
        """Options from ``Settings``; ``extra_terms`` (rule-pack key terms) join the vocabulary."""
        from qc.asr.lexicon import build_lexicon
        from qc.asr.vocab import build_hotwords, build_prompt, load_terms

        terms = load_terms(settings.domain_vocab, extra_terms)
        return cls(
            language=settings.asr_language,
            beam_size=settings.asr_beam_size,
            initial_prompt=build_prompt(terms) if settings.asr_domain_prompt else None,
            hotwords=build_hotwords(terms) if settings.asr_hotwords else None,
            lexicon=build_lexicon(terms) if settings.asr_lexicon_correct else None,
        )


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """One channel's transcript after the guard.

    ``has_speech`` is False when nothing survived the guard: absence rules (no greeting, no
    closing) must not be scored on such a channel (RELIABILITY.md B6).
    """

    channel: int
    segments: tuple[Segment, ...]
    dropped: tuple[Dropped, ...]
    has_speech: bool
    speech_s: float
    mean_confidence: float  # mean word probability of the kept segments (0 when none)
    corrections: int = 0  # homophones replaced by domain terms (raw_text keeps the original)

    @property
    def dropped_count(self) -> int:
        return len(self.dropped)


def transcribe_channel(
    model: AsrModel,
    samples_16k: npt.NDArray[np.float32],
    channel: int,
    options: TranscribeOptions | None = None,
) -> ChannelResult:
    """Transcribe one channel of 16 kHz float32 samples into guarded, normalised segments.

    Raises TranscriptionError if faster-whisper fails; an all-silent channel is not an error
    (``has_speech=False``).
    """
    options = options or TranscribeOptions()
    try:
        raw = _run_whisper(model, samples_16k, options)
        gap_s = options.max_word_gap_s
        segments = [part for s in raw for part in _to_segments(s, channel, gap_s)]
    except Exception as err:  # CTranslate2/onnxruntime errors have no common base
        raise TranscriptionError(f"channel {channel}: transcription failed: {err}") from err
    checked = guard_segments(segments, options.guard)
    kept, corrections = _correct(checked.kept, options.lexicon)
    return ChannelResult(
        channel=channel,
        segments=kept,
        dropped=checked.dropped,
        has_speech=checked.has_speech,
        speech_s=checked.speech_s,
        mean_confidence=_mean_confidence(checked.kept),
        corrections=corrections,
    )


def _correct(
    segments: tuple[Segment, ...], lexicon: Lexicon | None
) -> tuple[tuple[Segment, ...], int]:
    if lexicon is None:
        return segments, 0
    fixed = [correct_segment(s, lexicon) for s in segments]
    return tuple(s for s, _ in fixed), sum(n for _, n in fixed)


def whisper_kwargs(options: TranscribeOptions) -> dict[str, Any]:
    """The keyword arguments given to ``WhisperModel.transcribe`` (shared with bench/asr.py)."""
    return {
        "language": options.language,
        "beam_size": options.beam_size,
        "temperature": list(options.temperatures),
        "no_speech_threshold": options.no_speech_threshold,
        "vad_filter": True,
        "vad_parameters": options.vad.as_whisper(),
        "condition_on_previous_text": False,
        "word_timestamps": options.word_timestamps,
        "initial_prompt": options.initial_prompt,
        "hotwords": options.hotwords,
    }


def _run_whisper(
    model: AsrModel, samples: npt.NDArray[np.float32], options: TranscribeOptions
) -> list[WhisperSegment]:
    """Whisper on the channel, then again on any stretch of speech it skipped.

    With VAD on, faster-whisper decodes the speech chunks glued together in 30-s windows, and
    Whisper sometimes jumps to the end of a window after its first line: a rendered blind13
    call lost two agent turns (28 s, the offer and the password request), others a closing
    turn. Speech that Silero VAD finds and no segment covers is decoded again on its own.
    faster-whisper does not return its VAD chunks, so VAD runs a second time here (about 2 % of
    the channel's decoding time).
    """
    if samples.size == 0:
        return []
    audio = np.ascontiguousarray(samples, dtype=np.float32)
    kwargs = whisper_kwargs(options)
    found = _decode(model, audio, kwargs)
    regions = speech_regions(audio, options.vad)
    for start_s, end_s in skipped_speech(regions, found, options.min_skipped_s):
        clip = audio[int(start_s * WHISPER_RATE_HZ) : int(end_s * WHISPER_RATE_HZ)]
        # Greedy at T=0 only: a leftover that is only VAD padding after the last word would run
        # the whole fallback ladder and still decode to a phantom (谢谢, 隔壁) at avg_logprob
        # -1.6 to -1.7; the skipped turns decoded at -0.26 and -0.32.
        budget = {"max_new_tokens": recovery_budget(end_s - start_s, kwargs)}
        again = _decode(model, clip, {**kwargs, "vad_filter": False, "temperature": 0.0, **budget})
        if sum(len(s.tokens) for s in again) > RECOVERED_TOKENS_PER_S * (end_s - start_s):
            continue  # faster than anyone speaks: a loop, not a skipped turn
        found += [_shifted(s, start_s) for s in again if s.avg_logprob >= MIN_RECOVERED_LOGPROB]
    return sorted(found, key=lambda s: s.start)


def recovery_budget(clip_s: float, kwargs: dict[str, Any]) -> int | None:
    """``max_new_tokens`` for a recovered clip, within what the prompt leaves of Whisper's limit.

    faster-whisper rejects a budget that does not fit beside the prompt, whose hotwords and
    initial prompt take up to ``WHISPER_MAX_TOKENS // 2 - 1`` tokens each (None: no cap fits).
    """
    biasing = (kwargs.get("hotwords") is not None) + (kwargs.get("initial_prompt") is not None)
    room = WHISPER_MAX_TOKENS - 8 - biasing * (WHISPER_MAX_TOKENS // 2 - 1)
    wanted = RECOVERED_TOKEN_MARGIN + math.ceil(RECOVERED_TOKENS_PER_S * clip_s)
    return min(wanted, room) if room > 0 else None


def _decode(
    model: AsrModel, audio: npt.NDArray[np.float32], kwargs: dict[str, Any]
) -> list[WhisperSegment]:
    segments, _info = model.whisper.transcribe(audio, **kwargs)
    return list(segments)  # the generator does the work: consume it inside the try


def speech_regions(audio: npt.NDArray[np.float32], vad: VadOptions) -> list[tuple[float, float]]:
    """Silero VAD's speech stretches in seconds, with the settings Whisper's own pass uses."""
    from faster_whisper.vad import VadOptions as SileroOptions
    from faster_whisper.vad import get_speech_timestamps

    silero = SileroOptions(**vad.as_whisper())
    found = get_speech_timestamps(audio, silero, sampling_rate=WHISPER_RATE_HZ)
    return [(t["start"] / WHISPER_RATE_HZ, t["end"] / WHISPER_RATE_HZ) for t in found]


def skipped_speech(
    regions: Iterable[tuple[float, float]], segments: Iterable[WhisperSegment], min_s: float
) -> list[tuple[float, float]]:
    """The parts of ``regions`` at least ``min_s`` long that no segment overlaps."""
    covered = sorted((float(s.start), float(s.end)) for s in segments)
    out = []
    for start, end in regions:
        pos = start
        for lo, hi in covered:
            if hi <= pos or lo >= end:
                continue
            if lo - pos >= min_s:
                out.append((pos, lo))
            pos = max(pos, hi)
        if end - pos >= min_s:
            out.append((pos, end))
    return out


def _shifted(seg: WhisperSegment, offset_s: float) -> WhisperSegment:
    """``seg`` of a clip decoded on its own, moved to the clip's place in the channel."""
    words = seg.words and [
        replace(w, start=w.start + offset_s, end=w.end + offset_s) for w in seg.words
    ]
    return replace(seg, start=seg.start + offset_s, end=seg.end + offset_s, words=words)


def _to_segments(seg: WhisperSegment, channel: int, max_word_gap_s: float) -> list[Segment]:
    """One Whisper segment → one Segment per stretch of speech (see qc.asr.timing)."""
    scores = {"avg_logprob": round(float(seg.avg_logprob), 4)}
    scores["no_speech_prob"] = round(float(seg.no_speech_prob), 4)
    if not seg.words:
        raw = seg.text.strip()
        start_s, end_s = round(float(seg.start), 3), round(float(seg.end), 3)
        return [Segment(channel, start_s, end_s, normalize(raw), raw, (), **scores)]
    raw_words = [
        RawWord(float(w.start), float(w.end), w.word, float(w.probability)) for w in seg.words
    ]
    out = []
    for group in split_on_gaps(raw_words, max_word_gap_s):
        raw = "".join(w.text for w in group).strip()
        words = tuple(
            Word(round(w.start_s, 3), round(w.end_s, 3), normalize(w.text), round(w.probability, 4))
            for w in group
        )
        start_s, end_s = words[0].start_s, words[-1].end_s
        out.append(Segment(channel, start_s, end_s, normalize(raw), raw, words, **scores))
    return out


def _mean_confidence(segments: Iterable[Segment]) -> float:
    probs = [w.probability for s in segments for w in s.words]
    return round(float(np.mean(probs)), 4) if probs else 0.0
