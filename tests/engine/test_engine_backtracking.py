"""The step bound that lets a regex search run without a time limit (qc/engine/backtracking.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qc.engine import check_ruleset
from qc.engine.backtracking import STEPS_PER_S, steps
from qc.engine.conditions import walk
from qc.engine.context import EvalContext
from qc.engine.operators.regex_op import Regex
from tests.engine.conftest import make_call

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "pattern",
    [
        "(嗯|嗯嗯)+$",  # RELIABILITY B8's pattern: nested unbounded repetition
        "(a|aa)*b",
        "[^x]*y",  # can run across utterances (it matches a newline)
        "(?s).*x",
        "(?:)*a",  # an unbounded repetition that may take nothing
        "a{e<=1}",  # fuzzy matching: syntax the analysis does not read
    ],
)
def test_no_bound(pattern: str) -> None:
    assert steps(pattern, 64) is None


def test_exact_on_small_patterns() -> None:
    assert steps("a", 8) == 1
    assert steps("ab", 8) == 2  # b is tried once, after a
    assert steps("ab|cd", 8) == 3  # at an a: ab takes 2 tests, cd fails after 1
    # a? at "a": test a, then b once after it and once where a was skipped; elsewhere 2 steps
    assert steps("a?b", 8) == 3


def test_a_single_character_repetition_is_bounded_by_the_line() -> None:
    short, long = steps(r"\d+元", 16), steps(r"\d+元", 64)
    assert short is not None and long is not None and short < long


def test_optional_items_do_not_double_what_follows() -> None:
    """(你)?的?(事|情况): skipping 你 leaves 的 or 事 to open, which a text opening with 你 fails
    at once, so three optional items cost far less than the 2 ** 3 naive ways."""
    one = steps("(你|您)?的?(担保)?(事|情况)", 8)
    assert one is not None and one <= 20


def test_nested_bounded_repetition_grows_with_its_ways() -> None:
    small, big = steps("(a|aa){0,8}b", 64), steps("(a|aa){0,16}b", 64)
    assert small is not None and big is not None and big > 100 * small


def test_the_budget_is_per_rule() -> None:
    ctx = EvalContext(make_call(("agent", "您好")), regex_timeout_s=0.1)
    ctx.begin_rule()
    budget = int(0.1 * STEPS_PER_S)
    assert ctx.untimed(budget - 10)
    assert not ctx.untimed(11)  # past the budget: the next search keeps its limit
    assert ctx.untimed(10)
    assert not ctx.untimed(None)  # no bound: always timed
    ctx.begin_rule()
    assert ctx.untimed(budget)


def test_a_subset_of_the_packs_alternatives_is_bounded_by_the_sum_of_theirs() -> None:
    """The regex operator bounds a subset of a pattern's alternatives by the sum of their own
    bounds instead of analysing each subset: check that the sum is never below the subset's
    own bound, on random subsets of every split pattern of the packs."""
    ruleset, problems = check_ruleset(REPO / "rules")
    assert ruleset is not None, problems
    nodes = {
        id(n): n
        for r in ruleset.rules
        for root in (r.when, r.unless)
        if root
        for n in walk(root)
        if isinstance(n, Regex) and len(n.parts) > 1
    }
    rng, compared = random.Random(3), 0
    for node in nodes.values():
        for _ in range(4):
            mask = rng.randrange(1, node.every + 1)
            own = steps(node._source(mask), 64)
            summed = node._bound(mask, 64)
            if own is not None and summed is not None:
                assert summed >= own, node.p.pattern[:60]
                compared += 1
    assert compared > 60
