"""bench/first_runs.py reads the first runs recorded in bench/data/README.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("first_runs", ROOT / "bench" / "first_runs.py")
assert _spec and _spec.loader
first_runs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(first_runs)


def test_a_first_run_split_over_lines_is_read() -> None:
    text = (
        "**First run** (`qc rules backtest --labels bench/data/blind7_calls.jsonl --json`,\n"
        "rules at `abc1234`, before anyone read the calls): micro precision 0.82 (54 tp,\n12 fp), "
        "recall 0.95 (3 fn).\n\n**First run**: not yet measured.\n"
    )
    assert first_runs.first_runs(text) == {7: (54, 12, 3)}


def test_every_recorded_set_since_blind13_has_a_first_run() -> None:
    runs = first_runs.first_runs(first_runs.README.read_text("utf-8"))
    recorded = sorted(
        int(p.stem[5:-6])
        for p in (ROOT / "bench" / "data").glob("blind*_calls.jsonl")
        if p.stem[5:-6].isdigit()
    )
    assert [n for n in recorded if n >= 13 and n not in runs] == []
