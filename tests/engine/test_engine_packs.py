"""The shipped packs (rules/) lint cleanly and every inline case passes: the CI run of
`qc rules lint` and `qc rules test` (the draft rule-language contract promises it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.engine import RuleSet, check_ruleset
from qc.engine.cases import run_case

RULES = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(scope="module")
def shipped() -> RuleSet:
    if not any(RULES.glob("**/*.yaml")):
        pytest.skip("no rule packs yet")
    ruleset, problems = check_ruleset(RULES)
    assert ruleset is not None, "\n".join(map(str, problems))
    return ruleset


def test_packs_lint_cleanly(shipped: RuleSet) -> None:
    assert shipped.rules and shipped.version.startswith("sha256:")


def test_every_inline_case_passes(shipped: RuleSet) -> None:
    failures = [
        f"{rule.source} {rule.id} / {case.name}: expected {case.expect}, got {result.got} "
        f"({result.detail})"
        for rule in shipped.rules
        for case in rule.spec.cases
        if (result := run_case(rule, case)).ok is False
    ]
    assert not failures, "\n".join(failures)
