"""JSON form of transcripts and inspections (the DESIGN.md contract: fields may be added, never
renamed), and the way back from a stored transcript, so rules can be re-run without re-transcribing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from qc.errors import TranscriptFileError
from qc.text import normalize
from qc.types import (
    ChannelInfo,
    Inspection,
    Metrics,
    Overlap,
    Silence,
    Transcript,
    Utterance,
    UtteranceRate,
    UtteranceSentiment,
    Word,
)


def _utterance(u: Utterance, words: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "index": u.index,
        "role": u.role,
        "channel": u.channel,
        "start_s": u.start_s,
        "end_s": u.end_s,
        "text": u.text,
        "raw_text": u.raw_text,
        "confidence": u.confidence,
    }
    if words:
        out["words"] = [[w.start_s, w.end_s, w.text, round(w.probability, 4)] for w in u.words]
    return out


def metrics_to_dict(m: Metrics) -> dict[str, Any]:
    return asdict(m)


def transcript_to_dict(t: Transcript, *, words: bool = True) -> dict[str, Any]:
    return {
        "source": t.source,
        "sha256": t.sha256,
        "duration_s": t.duration_s,
        "channels": t.channels,
        "utterances": [_utterance(u, words) for u in t.utterances],
        "metrics": metrics_to_dict(t.metrics),
        "channel_info": [asdict(c) for c in t.channel_info],
        "asr_model": t.asr_model,
        "role_method": t.role_method,
        "role_confidence": t.role_confidence,
        "incomplete": t.incomplete,
        "decoded_ratio": t.decoded_ratio,
    }


def _utterance_from(d: dict[str, Any], index: int) -> Utterance:
    if d["role"] not in ("agent", "customer"):
        raise ValueError(f"utterance {index}: role {d['role']!r} is not agent or customer")
    return Utterance(
        index=d.get("index", index),
        role=d["role"],
        channel=d.get("channel", 0 if d["role"] == "agent" else 1),
        start_s=float(d["start_s"]),
        end_s=float(d["end_s"]),
        text=normalize(d["text"]),  # stored text from elsewhere may be Traditional or full-width
        raw_text=d.get("raw_text", d["text"]),
        words=tuple(Word(float(w[0]), float(w[1]), w[2], float(w[3])) for w in d.get("words", [])),
        confidence=float(d.get("confidence", 1.0)),
    )


def metrics_from_dict(d: dict[str, Any]) -> Metrics:
    return Metrics(
        **{
            **d,
            "silences": tuple(Silence(**s) for s in d.get("silences", [])),
            "overlaps": tuple(Overlap(**o) for o in d.get("overlaps", [])),
            "agent_rates": tuple(UtteranceRate(**r) for r in d.get("agent_rates", [])),
        }
    )


def transcript_from_dict(d: dict[str, Any]) -> Transcript:
    """Rebuild a Transcript from ``transcript_to_dict`` output (or an inspection's JSON).

    When the stored object has no metrics they are recomputed from the utterances.
    """
    from qc.metrics import compute_metrics

    utts = tuple(_utterance_from(u, i) for i, u in enumerate(d["utterances"]))
    duration_s = float(d.get("duration_s") or max((u.end_s for u in utts), default=0.0))
    metrics = (
        metrics_from_dict(d["metrics"])
        if "silences" in d.get("metrics", {})
        else compute_metrics(utts, duration_s)
    )
    return Transcript(
        source=d.get("source", ""),
        duration_s=duration_s,
        channels=int(d.get("channels", 2)),
        utterances=utts,
        metrics=metrics,
        channel_info=tuple(ChannelInfo(**c) for c in d.get("channel_info", [])),
        asr_model=d.get("asr_model", ""),
        role_method=d.get("role_method", ""),
        role_confidence=float(d.get("role_confidence", 0.0)),
        incomplete=bool(d.get("incomplete", False)),
        decoded_ratio=float(d.get("decoded_ratio", 1.0)),
        sha256=d.get("sha256", ""),
    )


def read_transcript(path: Path) -> Transcript | None:
    """The stored transcript in ``path``, or None when the file is not JSON (a recording).

    Takes ``qc transcribe --json`` output, an inspection, or a labels-style object with a
    ``transcript`` member, so calls can be re-inspected without re-transcribing. The content is
    probed, not the extension.
    """
    with path.open("rb") as f:
        head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        data = data.get("transcript", data)
        transcript = transcript_from_dict(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise TranscriptFileError(f"not a JSON transcript: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise TranscriptFileError(
            f"malformed transcript: {type(err).__name__} {err} (need utterances with role, "
            "start_s, end_s, text)"
        ) from None
    return transcript if transcript.source else replace(transcript, source=str(path))


def _sentiment(s: UtteranceSentiment | None) -> dict[str, Any]:
    if s is None:
        return {"sentiment": None}
    return {"sentiment": s.label, "sentiment_score": s.score}


def inspection_to_dict(ins: Inspection, *, words: bool = False) -> dict[str, Any]:
    """The ``qc inspect --json`` object."""
    t = ins.transcript
    base = transcript_to_dict(t, words=words)
    sentiments = list(ins.features.sentiment) + [None] * len(t.utterances)
    base["utterances"] = [
        {**u, **_sentiment(sentiments[i])} for i, u in enumerate(base["utterances"])
    ]
    return {
        "call_id": ins.call_id,
        **base,
        "hits": [asdict(h) for h in ins.hits],
        "score": ins.score,
        "flagged": ins.flagged,
        "flag_reasons": list(ins.flag_reasons),
        "band": ins.band,
        "vetoed": ins.vetoed,
        "errored_rules": list(ins.errored_rules),
        "rules_version": ins.rules_version,
        "pipeline_version": ins.pipeline_version,
    }
