"""The shipped packs keep their precision and recall on the studied written call sets.

Each studied set in bench/data was measured once blind and then studied (bench/data/README.md),
so these are regression floors, not a measure of generalisation: a rule change that loses calls
the packs already get right fails here. The floors sit a little under today's figures (README
"Rules: samples and blind sets"). Left out: blind2, whose writer required the recording notice on
outbound calls only (the packs require it on every call), and the sets never read, which measure
generalisation rather than set a floor (bench/data/README.md, "Status"). blind27, blind30,
blind31, blind59, blind70 and blind86 keep false positives on judgement calls (the sentiment and
tone models on long calls; elderly customers' worry; 跟你们没完 as a complaint), so their precision
floors are lower, and so are blind146's, blind147's and blind158's (calm objections such as
这不合理吧 read as distress; a 保本 claim its writer counted as misleading only); blind115 keeps a
law firm that never names its creditor (taken for a lawyer impersonation). blind116 keeps misses
the packs cannot see without a wider loan-offer notion (a merchant instalment the customer asks
about at a clinic counter, two amounts disclosed before verification), so its recall floor is
lower.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.engine import RuleSet, check_ruleset
from qc.engine.backtest import backtest, read_labels
from qc.engine.cases import default_features

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = {
    "blind189_calls",
    "blind192_calls",
    "blind191_calls",
    "blind190_calls",
    "blind187_calls",
    "blind182_calls",
    "blind183_calls",
    "blind184_calls",
    "blind181_calls",
    "blind174_calls",
    "blind176_calls",
    "blind175_calls",
    "blind173_calls",
    "blind164_calls",
    "blind163_calls",
    "blind162_calls",
    "blind161_calls",
    "blind144_calls",
    "blind143_calls",
    "blind142_calls",
    "blind141_calls",
    "blind2_calls",
    "blind16_calls",
    "blind25_calls",
    "blind44_calls",
    "blind45_calls",
    "blind47_calls",
    "blind48_calls",
    "blind49_calls",
    "blind50_calls",
    "blind66_calls",
    "blind63_calls",
    "blind64_calls",
    "blind65_calls",
    "blind71_calls",
    "blind72_calls",
    "blind73_calls",
    "blind74_calls",
    "blind75_calls",
    "blind78_calls",
    "blind77_calls",
    "blind76_calls",
    "blind87_calls",
    "blind88_calls",
    "blind101_calls",
    "blind102_calls",
    "blind103_calls",
    "blind104_calls",
    "blind105_calls",
    "blind106_calls",
    "blind107_calls",
    "blind108_calls",
    "blind121_calls",
    "blind122_calls",
    "blind123_calls",
    "blind124_calls",
}  # blind2: outbound-only notice; others unseen
# Sets whose remaining false positives are labeller judgement calls (README of bench/data)
FLOOR = {
    "blind27_calls": 0.88,
    "blind30_calls": 0.86,
    "blind31_calls": 0.88,
    "blind59_calls": 0.88,
    "blind70_calls": 0.88,
    "blind86_calls": 0.88,
    "blind115_calls": 0.90,
    "blind146_calls": 0.90,
    "blind147_calls": 0.90,
    "blind158_calls": 0.90,
}
RECALL_FLOOR = {"blind116_calls": 0.90}
SETS = sorted(
    p for p in (ROOT / "bench" / "data").glob("blind*_calls.jsonl") if p.stem not in LEFT_OUT
)


@pytest.fixture(scope="module")
def shipped() -> RuleSet:
    ruleset, problems = check_ruleset(ROOT / "rules")
    assert ruleset is not None, "\n".join(map(str, problems))
    return ruleset


def test_the_written_sets_are_present() -> None:
    assert len(SETS) >= 11


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_written_set_keeps_precision_and_recall(shipped: RuleSet, path: Path) -> None:
    report = backtest(shipped, read_labels(path), default_features)
    precision, recall = report.micro.precision, report.micro.recall
    misses = {name: (t.fp, t.fn) for name, t in sorted(report.per_category.items()) if t.fp or t.fn}
    floor = FLOOR.get(path.stem, 0.92)
    detail = f"precision {precision}, recall {recall}; (fp, fn): {misses}"
    assert precision is not None and precision >= floor, detail
    assert recall is not None and recall >= RECALL_FLOOR.get(path.stem, 0.92), detail
