"""Pool the written sets' first runs: what the rules scored on calls nobody had read yet.

    .venv/bin/python bench/first_runs.py [--since 13] [--until N]

Each set's section in bench/data/README.md records its "First run": `qc rules backtest --json`
before anyone read the calls, as "micro precision P (TP tp, FP fp), recall R (FN fn)". This
prints those runs and their micro-averaged pool from blind<since> to blind<until> (README,
"Accuracy").
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

README = Path(__file__).resolve().parent / "data" / "README.md"
FIRST_RUN = re.compile(
    r"\*\*First run\*\* \(`qc rules backtest --labels bench/data/blind(\d+)_calls\.jsonl.*?"
    r"\((\d+) tp, (\d+) fp\), recall [\d.]+ \((\d+) fn\)",
    re.DOTALL,
)


def first_runs(text: str) -> dict[int, tuple[int, int, int]]:
    """Set number → (tp, fp, fn) of its first run."""
    flat = " ".join(text.split())
    return {int(n): (int(tp), int(fp), int(fn)) for n, tp, fp, fn in FIRST_RUN.findall(flat)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=int, default=13, help="first set number to pool")
    parser.add_argument("--until", type=int, default=None, help="last set number to pool")
    args = parser.parse_args()
    every = first_runs(README.read_text("utf-8"))
    until = args.until if args.until is not None else max(every, default=0)
    runs = {n: every[n] for n in sorted(every) if args.since <= n <= until}
    print("| set | tp | fp | fn | precision | recall |\n|---|---|---|---|---|---|")
    for n, (tp, fp, fn) in runs.items():
        print(f"| blind{n} | {tp} | {fp} | {fn} | {tp / (tp + fp):.2f} | {tp / (tp + fn):.2f} |")
    tp, fp, fn = (sum(r[k] for r in runs.values()) for k in range(3))
    print(
        f"| **{len(runs)} sets** | {tp} | {fp} | {fn} | **{tp / (tp + fp):.3f}** "
        f"| **{tp / (tp + fn):.3f}** |"
    )


if __name__ == "__main__":
    main()
