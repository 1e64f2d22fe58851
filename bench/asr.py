"""ASR benchmark: CER and speed of our pipeline against raw faster-whisper, same run, same files.

Run:  .venv/bin/python bench/asr.py [--sets samples,eval] [--configs pipeline,raw,plain,beam1]
      .venv/bin/python bench/asr.py --configs plain,prompt,hotwords,prompt_all --section biasing

For every file each configuration runs back to back (so CPU contention on a shared machine hits
them alike), then medians are reported:

- ``pipeline``: what ships (Settings defaults): qc.audio.decode → qc.asr.transcribe_channel per
  channel (VAD, no conditioning on previous text, word timestamps, beam 5) → guard → normalise
  → domain-lexicon correction. CER per channel against the channel's reference.
- ``raw``: the same model, ``WhisperModel.transcribe(path, language="zh")`` with faster-whisper's
  defaults on the whole file (stereo is down-mixed), text through OpenCC t2s for fairness. CER
  against the whole reference.
- variants of the pipeline, one change each: ``plain`` (no lexicon correction), ``beam1``,
  ``prompt`` (domain initial_prompt), ``hotwords`` (domain terms as hotwords), ``prompt_all``
  (the prompt sentence as hotwords, i.e. on every window), ``nowords`` (no word timestamps),
  ``temp3`` (a shorter temperature fallback ladder), ``ns06`` (faster-whisper's no-speech
  threshold 0.6 instead of our 0.5, in Whisper and in the guard).

CER: simplified, punctuation stripped (qc.asr.cer); totals are edits / reference characters.
"CER digits" reads spoken numbers as digits on both sides (references spell 工号三六九二, Whisper
writes 3692). RTF: wall seconds / audio seconds per file. The table replaces the ``--section``
block of bench/results/asr.md; the text around it is kept.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qc.asr import (  # noqa: E402
    GuardOptions,
    ModelOptions,
    TranscribeOptions,
    load_model,
    transcribe_channel,
)
from qc.asr.cer import cer_text, edit_distance  # noqa: E402
from qc.asr.model import AsrModel  # noqa: E402
from qc.asr.vocab import build_hotwords, build_prompt, load_terms  # noqa: E402
from qc.audio import decode  # noqa: E402
from qc.config import Settings  # noqa: E402
from qc.text.normalize import digits_view, normalize  # noqa: E402

SHARED_EVAL = REPO.parent / "shared" / "eval"
HEADLINE_TRUST = {"gold", "gold-external-ref", "prompt-text", "derived"}  # not pseudo/unverified


@dataclass
class Clip:
    path: Path
    dataset: str
    channel_refs: dict[int, str]  # channel → reference text of that channel
    full_ref: str  # everything said, in time order


@dataclass
class Run:
    """One configuration on one clip."""

    edits: int
    chars: int
    wall_s: float
    audio_s: float
    dropped: int = 0
    per_channel: dict[int, tuple[int, int]] = field(default_factory=dict)  # ch → (edits, chars)
    hyps: dict[int, str] = field(default_factory=dict)  # what was recognised (for --details)
    digit_edits: int = 0  # the same, with numbers read as Arabic digits on both sides
    digit_chars: int = 0


def load_samples(folder: Path) -> list[Clip]:
    """samples/NN_*.wav with NN_*.json reference timelines (per-turn ``channel`` and ``text``)."""
    clips = []
    for wav in sorted(folder.glob("[0-9][0-9]_*.wav")):
        ref = wav.with_suffix(".json")
        if not ref.is_file():
            continue
        data = json.loads(ref.read_text("utf-8"))
        turns = data if isinstance(data, list) else _turns_of(data)
        turns = sorted(turns, key=lambda t: float(t.get("start_s", t.get("start", 0.0))))
        full = "".join(str(t["text"]) for t in turns)
        refs: dict[int, str] = {}
        for t in turns:
            refs[int(t["channel"])] = refs.get(int(t["channel"]), "") + str(t["text"])
        if isinstance(data, dict) and data.get("mono"):  # one channel holds both speakers
            refs = {0: full}
        clips.append(Clip(wav, "samples", refs, full))
    return clips


def _turns_of(data: dict[str, object]) -> list[dict[str, object]]:
    for key in ("turns", "timeline", "utterances", "segments"):
        value = data.get(key)
        if isinstance(value, list):
            return value
    raise ValueError(f"no list of turns in keys {sorted(data)}")


def load_eval(shared: Path) -> list[Clip]:
    """shared/eval asr + asr_derived clips whose references are trusted (manifest ref_trust)."""
    with (shared / "asr_manifest.tsv").open(encoding="utf-8") as fh:
        manifest = list(csv.DictReader(fh, delimiter="\t"))
    clips = []
    for row in manifest:
        if row["ref_trust"] not in HEADLINE_TRUST:
            continue
        path = shared / row["path"]
        dataset = "eval-8k-mulaw" if row["codec"] == "pcm_mulaw" else "eval-16k"
        refs = {0: row["reference_text"]}
        if row["channels"] == "2":
            refs = _stereo_refs(path)
            dataset = "eval-stereo"
        clips.append(Clip(path, dataset, refs, row["reference_text"]))
    return clips


def _stereo_refs(path: Path) -> dict[int, str]:
    with (path.parent / "transcripts.tsv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh, delimiter="\t") if r["file"] == path.name)
    return {0: row["ch0_left_text"], 1: row["ch1_right_text"]}


def run_pipeline(model: AsrModel, clip: Clip, options: TranscribeOptions) -> Run:
    start = time.perf_counter()
    audio = decode(clip.path)
    results = [transcribe_channel(model, s, ch, options) for ch, s in enumerate(audio.samples)]
    wall = time.perf_counter() - start
    run = Run(0, 0, wall, audio.duration_s, dropped=sum(r.dropped_count for r in results))
    for r in results:
        if r.channel not in clip.channel_refs:
            continue
        hyp = cer_text("".join(s.text for s in r.segments))
        ref = cer_text(clip.channel_refs[r.channel])
        run.per_channel[r.channel] = (edit_distance(ref, hyp), len(ref))
        run.hyps[r.channel] = hyp
        _add_digit_view(run, clip.channel_refs[r.channel], hyp)
    run.edits = sum(e for e, _ in run.per_channel.values())
    run.chars = sum(c for _, c in run.per_channel.values())
    return run


def run_raw(model: AsrModel, clip: Clip) -> Run:
    start = time.perf_counter()
    segments, info = model.whisper.transcribe(str(clip.path), language="zh")
    text = "".join(s.text for s in segments)
    wall = time.perf_counter() - start
    ref, hyp = cer_text(clip.full_ref), cer_text(normalize(text))
    run = Run(edit_distance(ref, hyp), len(ref), wall, info.duration, hyps={-1: hyp})
    _add_digit_view(run, clip.full_ref, hyp)
    return run


def _add_digit_view(run: Run, ref: str, hyp: str) -> None:
    """Spoken numbers as digits on both sides: 工号三六九二 and 工号3692 both read 工号3692."""
    r, h = cer_text(digits_view(ref)), cer_text(digits_view(hyp))
    run.digit_edits += edit_distance(r, h)
    run.digit_chars += len(r)


def configs(base: TranscribeOptions) -> dict[str, Callable[[AsrModel, Clip], Run]]:
    """``base`` is what ships (Settings defaults); each variant changes one thing."""
    terms = load_terms()
    variants = {
        "pipeline": base,
        "plain": replace(base, lexicon=None),
        "beam1": replace(base, beam_size=1),
        "nowords": replace(base, word_timestamps=False),
        "temp3": replace(base, temperatures=(0.0, 0.4, 0.8)),
        "ns06": replace(base, no_speech_threshold=0.6, guard=GuardOptions(max_no_speech_prob=0.6)),
        "prompt": replace(base, initial_prompt=build_prompt(terms)),
        "hotwords": replace(base, hotwords=build_hotwords(terms)),
        "prompt_all": replace(base, hotwords=build_prompt(terms)),
    }
    table: dict[str, Callable[[AsrModel, Clip], Run]] = {
        name: (lambda m, c, o=opts: run_pipeline(m, c, o)) for name, opts in variants.items()
    }
    table["raw"] = run_raw
    return table


def summarise(runs: dict[tuple[str, str], list[Run]], raw_name: str = "raw") -> list[str]:
    lines = [
        "| set | config | files | CER | CER ch0 | CER ch1 | CER digits | median RTF "
        "| median wall / raw |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (dataset, name), rs in sorted(runs.items()):
        cer = sum(r.edits for r in rs) / max(1, sum(r.chars for r in rs))
        chans = [_channel_cer(rs, ch) for ch in (0, 1)]
        rtf = statistics.median(r.wall_s / r.audio_s for r in rs)
        raw = runs.get((dataset, raw_name))
        ratio = (
            f"{statistics.median(r.wall_s / q.wall_s for r, q in zip(rs, raw, strict=True)):.2f}"
            if raw and name != raw_name
            else "–"
        )
        digits = sum(r.digit_edits for r in rs) / max(1, sum(r.digit_chars for r in rs))
        cells = [dataset, name, str(len(rs)), f"{cer:.3f}", *chans, f"{digits:.3f}"]
        cells += [f"{rtf:.3f}", ratio]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _channel_cer(runs: list[Run], ch: int) -> str:
    pairs = [r.per_channel[ch] for r in runs if ch in r.per_channel]
    chars = sum(c for _, c in pairs)
    return f"{sum(e for e, _ in pairs) / chars:.3f}" if chars else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="samples,eval", help="samples and/or eval")
    parser.add_argument("--configs", default="pipeline,raw,plain,beam1")
    parser.add_argument("--threads", type=int, default=0, help="CTranslate2 CPU threads")
    parser.add_argument("--limit", type=int, default=0, help="at most N files per set (0: all)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "asr.md")
    parser.add_argument("--details", type=Path, help="also write one JSON line per file and config")
    parser.add_argument("--section", default="main", help="generated block of --out to replace")
    args = parser.parse_args()
    clips = _select(args.sets.split(","), args.limit)
    model = load_model(ModelOptions(cpu_threads=args.threads))
    table = configs(TranscribeOptions.from_settings(Settings(_env_file=None)))
    names = [n for n in args.configs.split(",") if n in table]
    runs: dict[tuple[str, str], list[Run]] = {}
    for i, clip in enumerate(clips, 1):
        for name in names:
            run = table[name](model, clip)
            runs.setdefault((clip.dataset, name), []).append(run)
            if args.details:
                _append_details(args.details, clip, name, run)
        print(f"[{i}/{len(clips)}] {clip.path.name}", file=sys.stderr, flush=True)
    lines = summarise(runs)
    header = (
        f"model {model.label}, threads {args.threads or 'auto'}, {platform.machine()}, "
        f"python {platform.python_version()}; command: `{' '.join(sys.argv)}`"
    )
    print("\n".join([header, "", *lines]))
    write_section(args.out, args.section, [header, "", *lines])


def write_section(path: Path, name: str, lines: list[str]) -> None:
    """Replace the generated block ``name`` of ``path``, keeping the hand-written text around it."""
    begin, end = f"<!-- bench/asr.py:{name}:begin -->", f"<!-- bench/asr.py:{name}:end -->"
    block = "\n".join([begin, *lines, end])
    text = path.read_text("utf-8") if path.is_file() else "# ASR benchmark\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _append_details(path: Path, clip: Clip, name: str, run: Run) -> None:
    row = {"file": clip.path.name, "config": name, "edits": run.edits, "chars": run.chars}
    row |= {"wall_s": round(run.wall_s, 3), "audio_s": round(run.audio_s, 3)}
    row |= {"dropped": run.dropped, "hyps": run.hyps, "refs": clip.channel_refs}
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _select(sets: list[str], limit: int) -> list[Clip]:
    clips: list[Clip] = []
    if "samples" in sets:
        clips += load_samples(REPO / "samples")[: limit or None]
    if "eval" in sets and SHARED_EVAL.is_dir():
        clips += load_eval(SHARED_EVAL)[: limit or None]
    return clips


if __name__ == "__main__":
    main()
