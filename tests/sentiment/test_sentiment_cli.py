"""`qc text sentiment`: one `label<TAB>score<TAB>text` line per input line."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

LINE = re.compile(r"^(\w+)\t(\d\.\d{3})\t(.*)$")


def run_cli(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from qc.cli import main; main()", "text", "sentiment", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "lines", "labels"),
    [
        ([], ["我想问一下这个月什么时候扣款", "", "你们乱扣钱 我要投诉", "好的 谢谢你啊"],
         ["neutral", "neutral", "negative", "positive"]),
        (["--role", "agent"], ["理解您的心情 您别着急", "你听不懂吗", "您的还款日是五号"],
         ["empathetic", "rude", "neutral"]),
        (["--role", "customer"], ["我失业了还不上"], ["negative"]),
    ],
    ids=["customer-default", "agent", "customer-explicit"],
)  # fmt: skip
def test_output_format(args: list[str], lines: list[str], labels: list[str]) -> None:
    result = run_cli("\n".join(lines) + "\n", *args)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert len(out) == len(lines)
    for text, label, line in zip(lines, labels, out, strict=True):
        match = LINE.match(line)
        assert match, line
        assert match.group(1) == label
        assert 0.0 <= float(match.group(2)) <= 1.0
        assert match.group(3) == text


def test_empty_line_keeps_alignment() -> None:
    result = run_cli("\n\n")
    assert result.stdout.splitlines() == ["neutral\t1.000\t", "neutral\t1.000\t"]


def test_unknown_role_is_refused() -> None:
    result = run_cli("你好\n", "--role", "boss")
    assert result.returncode != 0
    assert "boss" in result.stderr
