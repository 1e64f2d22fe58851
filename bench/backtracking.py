"""How long a step of qc/engine/backtracking.py's bound takes the ``regex`` module, at worst.

    .venv/bin/python bench/backtracking.py

The regex operator runs a search without a time limit while its rule's bounded searches stay
inside ``STEPS_PER_S`` times the limit. That is safe if no search takes longer per bound step
than 1 / STEPS_PER_S. The patterns below make the ``regex`` module try (nearly) every path the
bound counts: nested and adjacent repetitions before a character that is in the text (so its
required-character check passes) but never where the match needs it. Prints ns per bound step
(median of 5 runs) and writes bench/results/backtracking.md.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import regex

from qc.engine.backtracking import STEPS_PER_S, steps

REPO = Path(__file__).resolve().parents[1]
CASES = [
    (r"(?:a|aa){0,16}(?:b|c)", "bc" + "a" * 40),
    (r"(?:a|aa|aaa){0,12}(?:b|c)", "bc" + "a" * 40),
    (r"(?:a{0,3}){0,6}(?:b|c)", "bc" + "a" * 40),
    (r"(?:[^\n]{0,5}){0,5}(?:y|z)", "yz" + "我" * 60),
    (r"[^\n]{0,30}[^\n]{0,30}[^\n]{0,30}(?:x|y)", "xy" + "a" * 80),
    (r"\d+\d+\d+(?:x|y)", "xy" + "1" * 60),
    (r"\w+\w+(?:y|z)", "yz" + "我" * 100),
    (r"(?<![^\n]{0,9}[^\n]{0,9}[^\n]{0,9}q)(?:y|z)", "yz" * 50),
    (r"(?<!(不会|不要|不能)[^\n]{0,10})(给|向)[^\n]{0,8}(家人|朋友)", "不会给你的家人朋友" * 6),
]


def main() -> None:
    rows = [
        "| pattern | characters | bound (steps) | median ms | ns per step |",
        "|---|---|---|---|---|",
    ]
    worst = 0.0
    for pattern, text in CASES:
        rx = regex.compile(pattern, regex.MULTILINE)
        bound = (steps(pattern, len(text)) or 0) * (len(text) + 1)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            list(rx.finditer(text))
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        worst = max(worst, median * 1e9 / bound)
        rows.append(
            f"| `{pattern}` | {len(text)} | {bound:,} | {median * 1e3:.3f} "
            f"| {median * 1e9 / bound:.3f} |"
        )
        print(rows[-1], flush=True)
    text = "\n".join(
        [
            "# Backtracking bound: time per bound step",
            "",
            "Command: `.venv/bin/python bench/backtracking.py`",
            "",
            f"- slowest: {worst:.2f} ns per step; the regex operator allows "
            f"{1e9 / STEPS_PER_S:.0f} ns per step (`STEPS_PER_S` = {STEPS_PER_S:,})",
            "",
            *rows,
        ]
    )
    out = REPO / "bench" / "results" / "backtracking.md"
    out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
