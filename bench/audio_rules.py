"""The rules end to end on audio: a written call set rendered as phone calls, then ASR and rules.

The written sets in ``bench/data`` measure the rules on text. The product is judged on recorded
calls, where Whisper mishears keywords and digits, so this renders a set with
``tools/render_calls.py`` (TTS, in ``.venv-tts``), inspects every WAV once with ``qc inspect
--json`` (the real Whisper model) and backtests the rules on those stored transcripts and on the
written text, side by side::

    .venv/bin/python bench/audio_rules.py bench/data/blind10_calls.jsonl --out /tmp/audio/blind10

Rendering and ASR are skipped when their outputs exist in ``--out``, so re-running after a rule
change costs seconds. ``.venv-tts`` is made by ``bash tools/make_samples.sh`` (``make samples``).
Results are in the README ("Rules on audio").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from qc.engine import RuleSet, load_ruleset
from qc.engine.backtest import BacktestReport, read_labels
from qc.engine.backtest import backtest as run_backtest
from qc.engine.cases import default_features

ROOT = Path(__file__).resolve().parent.parent
QC = ROOT / ".venv" / "bin" / "qc"
TTS_PYTHON = ROOT / ".venv-tts" / "bin" / "python"


def run(cmd: list[str], stdout: Path | None = None) -> None:
    print("$", " ".join(cmd), file=sys.stderr)
    if stdout is None:
        subprocess.run(cmd, check=True, cwd=ROOT)
        return
    with stdout.open("w", encoding="utf-8") as out:
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=out)


def backtest(labels: Path, ruleset: RuleSet) -> BacktestReport:
    """The rules on labelled stored transcripts (no ASR here: ``read_labels`` gets none)."""
    return run_backtest(ruleset, read_labels(labels), default_features)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("calls", type=Path, help="written call set (bench/data/*_calls.jsonl)")
    ap.add_argument("--out", type=Path, required=True, help="work folder for WAVs and transcripts")
    ap.add_argument("--rules", type=Path, default=ROOT / "rules")
    args = ap.parse_args(argv)
    out = args.out.resolve()

    written = [json.loads(line) for line in args.calls.read_text("utf-8").splitlines() if line]
    if not (out / "labels.jsonl").exists():
        if not TTS_PYTHON.exists():
            sys.exit(f"{TTS_PYTHON} is missing: run `bash tools/make_samples.sh` once to set it up")
        run([str(TTS_PYTHON), "tools/render_calls.py", str(args.calls), str(out), "-j", "2"])
    inspections = out / "inspections.jsonl"
    if not inspections.exists():
        wavs = [str(out / f"{call['id']}.wav") for call in written]
        run([str(QC), "inspect", "--json", *wavs], stdout=inspections)

    by_source = {}
    for line in inspections.read_text("utf-8").splitlines():
        obj = json.loads(line)
        by_source[Path(obj["source"]).stem] = obj
    missing = [call["id"] for call in written if call["id"] not in by_source]
    if missing:
        sys.exit(f"no inspection for {missing}: delete {inspections} and run again")
    audio_labels = out / "audio_labels.jsonl"
    lines = [{"transcript": by_source[c["id"]], "expected": c["expected"]} for c in written]
    text_lines = (json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    audio_labels.write_text("".join(text_lines), "utf-8")

    ruleset = load_ruleset(args.rules)
    text, audio = backtest(args.calls, ruleset), backtest(audio_labels, ruleset)
    print(f"{args.calls.name}: {len(written)} calls; tp/fp/fn per category, text → audio")
    for name in sorted(text.per_category):
        t, a = text.per_category[name], audio.per_category[name]
        mark = "" if (t.tp, t.fp, t.fn) == (a.tp, a.fp, a.fn) else "  ≠"
        print(f"  {name:24} {t.tp}/{t.fp}/{t.fn} → {a.tp}/{a.fp}/{a.fn}{mark}")
    for label, report in (("text", text), ("audio", audio)):
        m = report.micro
        print(f"{label:5} micro precision {m.precision:.3f} recall {m.recall:.3f} "
              f"(tp {m.tp}, fp {m.fp}, fn {m.fn})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
