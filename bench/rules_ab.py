"""Rule-engine speed of two checkouts, interleaved in one process.

    .venv/bin/python bench/rules_ab.py OLD_CHECKOUT NEW_CHECKOUT [--rounds 600]

bench/rules.py gives absolute times, which move by up to 1.7x between minutes on this shared
machine. To tell whether a change made the engine faster, both versions are loaded into one
process (each checkout's `qc` package and packs, under its own module objects) and evaluate the
10-minute call of bench/rules.py alternately, one evaluation each per round, the order flipping
every round. Prints both medians and the median per-round ratio NEW / OLD with its quartiles.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def load(checkout: Path) -> Callable[[], object]:
    """One evaluation of the checkout's default packs on its 10-minute bench call."""
    for name in [m for m in sys.modules if m == "rules" or m == "qc" or m.startswith("qc.")]:
        del sys.modules[name]
    sys.path[:0] = [str(checkout), str(checkout / "bench")]
    try:
        bench = importlib.import_module("rules")
        evaluate = importlib.import_module("qc.engine").evaluate
        features = importlib.import_module("qc.pipeline").compute_features
        assert bench.__file__ and bench.__file__.startswith(str(checkout)), bench.__file__
        call = bench.synthetic_call(10, bench.lines())
        feats = features(call)
        ruleset, _ = bench.load(checkout / "rules")
    finally:
        del sys.path[:2]
    return lambda: evaluate(ruleset, call, feats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=600)
    args = parser.parse_args()
    runs = [load(args.old.resolve()), load(args.new.resolve())]
    for _ in range(20):
        for run in runs:
            run()
    times: list[list[int]] = [[], []]
    gc.collect()
    gc.disable()
    try:
        for k in range(args.rounds):
            for i in (0, 1) if k % 2 else (1, 0):
                started = time.process_time_ns()
                runs[i]()
                times[i].append(time.process_time_ns() - started)
    finally:
        gc.enable()
    ratios = sorted(new / old for old, new in zip(*times, strict=True))
    quarter = len(ratios) // 4
    old_ms, new_ms = (statistics.median(t) / 1e6 for t in times)
    print(
        f"old {old_ms:.3f} ms, new {new_ms:.3f} ms, median new/old {statistics.median(ratios):.3f}"
        f" (quartiles {ratios[quarter]:.3f}–{ratios[-quarter - 1]:.3f}, {args.rounds} rounds)"
    )


if __name__ == "__main__":
    main()
