"""RELIABILITY B8: a pathological regex on a looped transcript is stopped within a time limit;
the rule is marked errored, the call goes to review, and the other rules (and calls) go on."""

from __future__ import annotations

import time
from typing import Any

from qc.engine import EvalOptions, evaluate
from tests.engine.conftest import make_call, rule_yaml

# Whisper loops on one syllable; with backtracking this pattern takes seconds (RELIABILITY.md).
LOOPED = make_call(("agent", "您好，" + "嗯" * 40 + "好"), ("customer", "嗯" * 40 + "？"))
PATHOLOGICAL = rule_yaml("{regex: {pattern: '(嗯|嗯嗯)+$', role: any}}", rule_id="t.slow")
NORMAL = rule_yaml("{phrase: {any: [您好]}}", rule_id="t.fast").split("rules:\n", 1)[1]


def test_pathological_regex_is_stopped_and_marked_errored(ruleset_of: Any) -> None:
    ruleset = ruleset_of({"t.yaml": PATHOLOGICAL + NORMAL})
    started = time.perf_counter()
    card = evaluate(ruleset, LOOPED, options=EvalOptions(regex_timeout_s=0.1))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert card.errored_rules == ("t.slow",)
    assert card.needs_review and card.flagged
    assert any(r.startswith("rule_error: t.slow") and "timed out" in r for r in card.flag_reasons)
    assert [h.rule_id for h in card.hits] == ["t.fast"]


def test_the_batch_goes_on(ruleset_of: Any) -> None:
    ruleset = ruleset_of({"t.yaml": PATHOLOGICAL + NORMAL})
    ok_call = make_call(("agent", "您好，请讲。"), ("customer", "嗯。"))
    cards = [
        evaluate(ruleset, c, options=EvalOptions(regex_timeout_s=0.05))
        for c in (LOOPED, ok_call, LOOPED)
    ]
    assert [c.errored_rules for c in cards] == [("t.slow",), (), ("t.slow",)]


def test_a_bounded_pattern_past_the_step_budget_keeps_the_limit(ruleset_of: Any) -> None:
    """Without unbounded repetition, but 2^24 ways to split the 嗯s before a 好 that does not
    end the line: too many steps to run without a time limit (qc/engine/backtracking.py), so
    it is stopped like the one above."""
    slow = rule_yaml("{regex: {pattern: '(嗯|嗯嗯){0,24}(好|坏)$', role: any}}", rule_id="t.slow")
    ruleset = ruleset_of({"t.yaml": slow + NORMAL})
    call = make_call(("agent", "您好，" + "嗯" * 40 + "好吗"), ("customer", "嗯。"))
    started = time.perf_counter()
    card = evaluate(ruleset, call, options=EvalOptions(regex_timeout_s=0.1))
    assert time.perf_counter() - started < 1.0
    assert card.errored_rules == ("t.slow",)
