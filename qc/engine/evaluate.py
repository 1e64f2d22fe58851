"""Evaluating a rule set on one call: rule outcomes, then the scorecard.

A rule that fails at run time (a regex timeout, a bug) is marked errored and the call goes to
review; the other rules and the batch go on (RELIABILITY B8).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from qc.engine.context import EvalContext
from qc.engine.operators.base import RuleTimeout
from qc.engine.outcome import Found
from qc.engine.ruleset import CompiledRule, RuleSet
from qc.engine.scoring import Scorecard, score_call
from qc.types import Features, Transcript

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EvalOptions:
    regex_timeout_s: float = 0.25  # per rule and call (Settings.regex_timeout_s)


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule on one call. ``unscored`` on a match: hit, but only for review."""

    rule: CompiledRule
    matched: bool
    found: tuple[Found, ...] = ()
    missing: tuple[str, ...] = ()
    unscored: tuple[str, ...] = ()
    error: str | None = None


def run_rule(rule: CompiledRule, ctx: EvalContext) -> RuleResult:
    """Evaluate ``when`` then ``unless``; never raises."""
    ctx.begin_rule()
    try:
        out = rule.when.evaluate(ctx)
        if not out.matched:
            return RuleResult(rule, False, (), out.missing, out.unscored)
        if rule.unless is None:
            return RuleResult(rule, True, out.found)
        exempt = rule.unless.evaluate(ctx)
        if exempt.matched:
            return RuleResult(rule, False)
        # An undecidable exemption cannot clear the hit, nor confirm it: review.
        return RuleResult(rule, True, out.found, unscored=exempt.missing + exempt.unscored)
    except RuleTimeout as err:
        log.warning("rule %s: %s", rule.id, err)
        return RuleResult(rule, False, error=str(err))
    except Exception as err:  # a faulty rule must not stop the call or the batch
        log.exception("rule %s failed", rule.id)
        return RuleResult(rule, False, error=f"{type(err).__name__}: {err}")


def context(
    transcript: Transcript, features: Features | None = None, options: EvalOptions | None = None
) -> EvalContext:
    opts = options or EvalOptions()
    return EvalContext(transcript, features, regex_timeout_s=opts.regex_timeout_s)


def evaluate_rules(
    ruleset: RuleSet,
    transcript: Transcript,
    features: Features | None = None,
    options: EvalOptions | None = None,
) -> list[RuleResult]:
    ctx = context(transcript, features, options)
    return [run_rule(rule, ctx) for rule in ruleset.rules if rule.spec.enabled]


def evaluate(
    ruleset: RuleSet,
    transcript: Transcript,
    features: Features | None = None,
    *,
    options: EvalOptions | None = None,
) -> Scorecard:
    """Every enabled rule on one call, scored with the rule set's scheme."""
    results = evaluate_rules(ruleset, transcript, features, options)
    return score_call(results, ruleset.scheme, ruleset.version)
