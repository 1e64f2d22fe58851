"""The pipeline: a recording in, a ``Transcript`` (and then an ``Inspection``) out.

audio → asr per channel → speakers (channel, or voice cluster for mono) → roles → utterances
→ metrics. Heavy objects (the Whisper model, the voice encoder, the rule set) are loaded once per
process by their own modules; this module only wires the stages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from qc import PIPELINE_VERSION
from qc.activity import channel_activity
from qc.asr import ChannelResult, ModelOptions, TranscribeOptions, load_model, transcribe_channel
from qc.audio import DecodedAudio, DecodeOptions, decode
from qc.metrics import MetricsOptions, compute_metrics
from qc.roles import RoleDecision, assign_roles
from qc.types import ChannelInfo, Features, Inspection, Segment, Transcript
from qc.utterances import MergeOptions, merge_segments

if TYPE_CHECKING:
    from qc.config import Settings
    from qc.engine import EvalOptions, RuleSet


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """Everything the transcription stage needs, built once from ``Settings``."""

    decode: DecodeOptions = field(default_factory=DecodeOptions)
    model: ModelOptions = field(default_factory=ModelOptions)
    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    merge: MergeOptions = field(default_factory=MergeOptions)
    metrics: MetricsOptions = field(default_factory=MetricsOptions)
    mono: bool = False  # treat a stereo file as one mixed channel (speaker separation)
    agent_channel: int | None = None  # None = detect from content

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        mono: bool = False,
        agent_channel: int | None = None,
        extra_terms: tuple[str, ...] = (),
    ) -> PipelineOptions:
        return cls(
            decode=DecodeOptions(max_duration_s=settings.max_duration_s),
            model=ModelOptions.from_settings(settings),
            transcribe=TranscribeOptions.from_settings(settings, extra_terms),
            mono=mono,
            agent_channel=settings.agent_channel if agent_channel is None else agent_channel,
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _separate_mono(audio: DecodedAudio, result: ChannelResult) -> tuple[tuple[Segment, ...], int]:
    """Voice clusters of a mono recording: (segments with channel = cluster, speakers)."""
    from qc.diarize import separate_speakers

    if not result.segments:
        return (), 1
    separation = separate_speakers(audio.samples[0], result.segments)
    return separation.segments, max(2, separation.speakers)


def _mixdown(audio: DecodedAudio) -> npt.NDArray[np.float32]:
    mixed: npt.NDArray[np.float32] = np.mean(np.stack(audio.samples), axis=0).astype(np.float32)
    return mixed


def _channel_info(results: list[ChannelResult], decision: RoleDecision) -> tuple[ChannelInfo, ...]:
    return tuple(
        ChannelInfo(
            index=r.channel,
            role=decision.roles.get(r.channel, "unknown"),
            has_speech=r.has_speech,
            speech_s=round(r.speech_s, 3),
            dropped_segments=len(r.dropped),
            mean_confidence=round(r.mean_confidence, 4),
        )
        for r in results
    )


def transcribe_audio(audio: DecodedAudio, options: PipelineOptions) -> Transcript:
    """Run ASR, speaker/role assignment, utterance merging and metrics on decoded audio."""
    model = load_model(options.model)
    mono = options.mono or audio.channels == 1
    if mono:
        samples = audio.samples[0] if audio.channels == 1 else _mixdown(audio)
        result = transcribe_channel(model, samples, 0, options.transcribe)
        segments, speakers = _separate_mono(replace(audio, samples=(samples,)), result)
        decision = assign_roles(segments, list(range(speakers)), options.agent_channel)
        decision = RoleDecision(decision.roles, f"diarized+{decision.method}", decision.confidence)
        results = [result]
    else:
        results = [
            transcribe_channel(model, audio.samples[ch], ch, options.transcribe)
            for ch in range(min(2, audio.channels))
        ]
        segments = tuple(s for r in results for s in r.segments)
        decision = assign_roles(segments, [r.channel for r in results], options.agent_channel)
    utterances = merge_segments(segments, decision.roles, options.merge)
    activity = None if mono else channel_activity(audio.samples, audio.sample_rate_hz)
    return Transcript(
        source=audio.source,
        duration_s=round(audio.duration_s, 3),
        channels=audio.channels,
        utterances=utterances,
        metrics=compute_metrics(utterances, audio.duration_s, options.metrics, activity),
        channel_info=_channel_info(results, decision) if not mono else _mono_info(results[0]),
        asr_model=model.name,
        role_method=decision.method,
        role_confidence=decision.confidence,
        incomplete=audio.incomplete,
        decoded_ratio=round(audio.decoded_ratio, 4),
    )


def _mono_info(result: ChannelResult) -> tuple[ChannelInfo, ...]:
    # One physical channel holds both roles: speech on it counts for both absence checks.
    return tuple(
        ChannelInfo(
            index=0,
            role=role,
            has_speech=result.has_speech,
            speech_s=round(result.speech_s, 3),
            dropped_segments=len(result.dropped),
            mean_confidence=round(result.mean_confidence, 4),
        )
        for role in ("agent", "customer")
    )


def transcribe_file(path: str | Path, options: PipelineOptions) -> Transcript:
    """Decode and transcribe one recording (raises ``AudioError`` on bad input)."""
    path = Path(path)
    audio = decode(path, options.decode)
    return replace(transcribe_audio(audio, options), sha256=file_sha256(path))


def compute_features(transcript: Transcript) -> Features:
    """Sentiment, empathy and (later) entities for the rule engine."""
    from qc.sentiment import analyse_call

    call = analyse_call(transcript.utterances)
    return Features(sentiment=tuple(call.per_utterance), call_sentiment=call)


def inspect_transcript(
    transcript: Transcript,
    ruleset: RuleSet,
    *,
    call_id: str | None = None,
    eval_options: EvalOptions | None = None,
) -> Inspection:
    """Features, rules and score for a transcript."""
    from qc.engine import EvalOptions, evaluate

    features = compute_features(transcript)
    card = evaluate(ruleset, transcript, features, options=eval_options or EvalOptions())
    return Inspection(
        call_id=call_id or transcript.sha256[:16] or Path(transcript.source).stem,
        transcript=transcript,
        features=features,
        hits=card.hits,
        score=card.score,
        flagged=card.flagged,
        flag_reasons=card.flag_reasons,
        band=card.band,
        vetoed=card.vetoed,
        errored_rules=card.errored_rules,
        rules_version=ruleset.version,
        pipeline_version=PIPELINE_VERSION,
    )
