"""Mono speaker separation benchmark: mix every stereo sample call to mono, run ASR + separation,
and score speakers and roles against the reference timelines.

    .venv/bin/python bench/diarize.py [--samples samples] [--out bench/results/diarize.md]

Per call, a reference turn takes the cluster that covers most of its time (ASR words inside it).
- speaker accuracy: best cluster → reference-channel mapping, per turn and time-weighted;
- role accuracy "first speaker": cluster 0 (who speaks first) is the agent;
- role accuracy "content cues": qc.roles.assign_roles on the separated segments (the pipeline);
- "oracle turns": the reference turns as segments, without ASR (the acoustic half alone;
  DESIGN.md quotes 0.93 for this with first-speaker roles).
Without sample calls it falls back to the two-speaker eval clip (shared/eval), mixed in memory.
ASR results are cached in ~/.cache/callqc/bench-diarize so that re-tuning separation is fast.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc.audio import decode  # noqa: E402
from qc.diarize import SpeakerSeparation, load_encoder, separate_speakers  # noqa: E402
from qc.roles import assign_roles  # noqa: E402
from qc.types import Segment, Word  # noqa: E402

EVAL_DIALOGUE = ROOT.parent / "shared/eval/asr_derived/two_speaker_stereo_from_fireredtts2"
CACHE_DIR = Path.home() / ".cache" / "callqc" / "bench-diarize"


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: int  # 0 agent, 1 customer
    role: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    samples_16k: np.ndarray
    turns: tuple[Turn, ...]


def load_sample_calls(samples_dir: Path) -> list[Call]:
    """Every ``NN_*.wav`` with a reference ``NN_*.json``: stereo ones mixed to mono in memory,
    mono ones (a mix made by the sample generator) as they are."""
    calls = []
    for wav in sorted(samples_dir.glob("[0-9][0-9]_*.wav")):
        ref = wav.with_suffix(".json")
        if not ref.exists():
            continue
        audio = decode(wav)
        data = json.loads(ref.read_text(encoding="utf-8"))
        # The speaker is the role: the mono mix's timeline puts every turn on channel 0.
        turns = tuple(
            Turn(int(t["role"] != "agent"), str(t["role"]), float(t["start_s"]), float(t["end_s"]))
            for t in data["turns"]
        )
        calls.append(Call(wav.stem, np.mean(np.stack(audio.samples), axis=0), turns))
    return calls


def load_eval_calls() -> list[Call]:
    """The FireRedTTS2 two-speaker clip: channel 0 speaks first (PROVENANCE.md spans)."""
    audio = decode(EVAL_DIALOGUE / "dialogue_stereo_16k.wav")
    turns = (Turn(0, "agent", 0.0, 11.93), Turn(1, "customer", 12.40, 17.66))
    return [Call("eval_fireredtts2", np.mean(np.stack(audio.samples), axis=0), turns)]


def asr_segments(call: Call) -> tuple[Segment, ...]:
    """Segments of the mono mix from the pipeline's ASR (qc.asr), cached by audio content."""
    key = hashlib.sha1(call.samples_16k.tobytes()).hexdigest()[:16]
    cached = CACHE_DIR / f"{key}.json"
    if cached.exists():
        rows = json.loads(cached.read_text(encoding="utf-8"))
        return tuple(Segment(**{**r, "words": tuple(Word(**w) for w in r["words"])}) for r in rows)
    from qc.asr.model import ModelOptions, load_model
    from qc.asr.transcribe import transcribe_channel

    result = transcribe_channel(load_model(ModelOptions()), call.samples_16k, 0)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    rows = [asdict(s) for s in result.segments]
    cached.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return result.segments


def _units(segments: tuple[Segment, ...]) -> list[tuple[int, float, float]]:
    """(cluster, start, end) per word, or per segment when it has no words."""
    out = []
    for seg in segments:
        spans = [(w.start_s, w.end_s) for w in seg.words] or [(seg.start_s, seg.end_s)]
        out.extend((seg.channel, a, b) for a, b in spans)
    return out


def turn_votes(turns: tuple[Turn, ...], segments: tuple[Segment, ...]) -> np.ndarray:
    """(turns, 2) seconds of each cluster's words inside each reference turn."""
    votes = np.zeros((len(turns), 2))
    for i, turn in enumerate(turns):
        for cluster, a, b in _units(segments):
            votes[i, cluster] += max(0.0, min(b, turn.end_s) - max(a, turn.start_s))
    return votes


@dataclass(frozen=True, slots=True)
class Score:
    turns: int
    matched: int  # turns with any ASR word inside
    speaker_ok: int  # best mapping
    speaker_time_ok_s: float
    speaker_time_s: float
    first_agent_ok: int
    cues_ok: int


def score(call: Call, separation: SpeakerSeparation) -> Score:
    votes = turn_votes(call.turns, separation.segments)
    matched = votes.sum(axis=1) > 0
    predicted = np.argmax(votes, axis=1)
    truth = np.array([t.speaker for t in call.turns])
    agent = np.array([t.role == "agent" for t in call.turns])
    maps = [np.array([0, 1]), np.array([1, 0])]  # cluster -> reference speaker
    ok = [int(np.sum(matched & (m[predicted] == truth))) for m in maps]
    best = maps[int(np.argmax(ok))]
    time_ok = sum(
        votes[i, c] for i, t in enumerate(call.turns) for c in (0, 1) if best[c] == t.speaker
    )
    roles = assign_roles(separation.segments, [0, 1]).roles
    cue_agent = np.array([roles.get(int(c)) == "agent" for c in predicted])
    return Score(
        turns=len(call.turns),
        matched=int(matched.sum()),
        speaker_ok=max(ok),
        speaker_time_ok_s=float(time_ok),
        speaker_time_s=float(votes.sum()),
        first_agent_ok=int(np.sum(matched & ((predicted == 0) == agent))),
        cues_ok=int(np.sum(matched & (cue_agent == agent))),
    )


def oracle_accuracy(call: Call) -> tuple[float, float]:
    """Best-mapping speaker accuracy and first-speaker role accuracy on reference turns."""
    segments = [Segment(0, t.start_s, t.end_s, "", "") for t in call.turns]
    result = separate_speakers(call.samples_16k, segments)
    ordered = sorted(call.turns, key=lambda t: t.start_s)
    predicted = np.array([s.channel for s in result.segments])
    truth = np.array([t.speaker for t in ordered])
    agent = np.array([t.role == "agent" for t in ordered])
    speaker = max(np.mean(predicted == truth), np.mean(predicted != truth))
    return float(speaker), float(np.mean((predicted == 0) == agent))


def _pct(num: float, den: float) -> str:
    return f"{num / den:.3f}" if den else "n/a"


HEADER = (
    "| call | audio s | turns | matched | voices | conf | speaker (turn) | speaker (time) "
    "| role: first speaker | role: content cues | oracle speaker | oracle first | separation s |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(name: str, dur_s: float, s: Score, sep: SpeakerSeparation | None, extra: list[str]) -> str:
    voices = [str(sep.speakers), f"{sep.confidence:.2f}"] if sep else ["", ""]
    cells = [
        name, f"{dur_s:.1f}", str(s.turns), str(s.matched), *voices,
        _pct(s.speaker_ok, s.matched), _pct(s.speaker_time_ok_s, s.speaker_time_s),
        _pct(s.first_agent_ok, s.matched), _pct(s.cues_ok, s.matched), *extra,
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def run_calls(calls: list[Call]) -> tuple[list[str], float, float]:
    """Table rows (one per call, then the micro total), seconds of audio, seconds of separation."""
    lines, totals, audio_s, sep_s, oracle = [], [], 0.0, 0.0, []
    for call in calls:
        segments = asr_segments(call)
        t0 = time.perf_counter()
        sep = separate_speakers(call.samples_16k, segments)
        elapsed = time.perf_counter() - t0
        o_speaker, o_first = oracle_accuracy(call)
        s, dur_s = score(call, sep), len(call.samples_16k) / 16_000
        totals.append(s)
        oracle.append((o_speaker * s.turns, o_first * s.turns))
        audio_s, sep_s = audio_s + dur_s, sep_s + elapsed
        cells = [f"{o_speaker:.3f}", f"{o_first:.3f}", f"{elapsed:.2f}"]
        lines.append(row(call.name, dur_s, s, sep, cells))
        print(lines[-1], flush=True)
    total = Score(*(sum(getattr(s, f) for s in totals) for f in Score.__dataclass_fields__))
    n = total.turns
    cells = [_pct(sum(o[0] for o in oracle), n), _pct(sum(o[1] for o in oracle), n), f"{sep_s:.2f}"]
    lines.append(row("**all (micro)**", audio_s, total, None, cells))
    return lines, audio_s, sep_s


def one_voice_channels(samples_dir: Path) -> tuple[int, int]:
    """How many single channels of the stereo samples (one voice each) are found to be one voice."""
    found = total = 0
    for wav in sorted(samples_dir.glob("[0-9][0-9]_*.wav")):
        audio = decode(wav)
        for channel in audio.samples if len(audio.samples) == 2 else ():
            call = Call(f"{wav.stem}/{total}", channel, ())
            found += separate_speakers(channel, asr_segments(call)).speakers == 1
            total += 1
    return found, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/diarize.md")
    args = parser.parse_args()
    load_encoder()  # model load is once per process: keep it out of the per-call cost
    samples = load_sample_calls(args.samples)
    lines, audio_s, sep_s = run_calls(samples)
    cost = f"{sep_s / (audio_s / 60):.2f} s per minute of audio" if audio_s else "n/a"
    real = run_calls(load_eval_calls())[0][:1] if EVAL_DIALOGUE.exists() else []
    one, channels = one_voice_channels(args.samples)
    print(f"\nseparation cost: {cost} (ASR excluded); one voice found on {one}/{channels} channels")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(_markdown([HEADER, *lines, *real], cost, (one, channels)), encoding="utf-8")


def _markdown(lines: list[str], cost: str, one_voice: tuple[int, int]) -> str:
    table = "\n".join(lines)
    return f"""# Mono speaker separation (qc.diarize)

Generated by `.venv/bin/python bench/diarize.py`. Each stereo sample call is mixed to mono in
memory (`16_mono_mix` is already mono), Whisper base (qc.asr) transcribes the mix, then
`separate_speakers` labels the words. A reference turn takes the cluster that covers most of its
time; accuracies are over turns with ASR words inside (`matched`). `speaker` uses the best
cluster-to-speaker mapping; `role: first speaker` takes cluster 0 (who speaks first) as the agent;
`role: content cues` runs qc.roles.assign_roles on the separated segments; `oracle` uses the
reference turns as segments (no ASR; DESIGN.md quotes 0.93 for oracle + first speaker).
`eval_fireredtts2` is the only real-voice two-speaker clip (shared/eval, 2 turns), not in the total.

{table}

- Separation cost: {cost}, single-threaded encoder, ASR excluded (model load excluded).
- One voice found on {one_voice[0]}/{one_voice[1]} single channels of the stereo samples (each
  channel alone is one speaker); a missed one-voice call splits a speaker in two, a missed
  second voice would cost half the roles, so the threshold favours two voices
  (`DiarizeOptions.max_two_voice_similarity`).
- The sample voices are one TTS voice and its sox pitch-shifted copy, closer to each other
  (centroid similarity 0.79-0.83) than two real people (0.48-0.65 on shared/eval clips).
"""


if __name__ == "__main__":
    main()
