"""The rule engine: YAML rule packs → compiled rule set → hits with evidence → scorecard.

    ruleset = load_ruleset("rules", "rules/schemes/default.yaml")
    card = evaluate(ruleset, transcript, features)

See rules/README.md for the rule language and CONTRIBUTING.md for adding an operator.
"""

from qc.engine.evaluate import EvalOptions, RuleResult, evaluate, evaluate_rules, run_rule
from qc.engine.loader import check_ruleset, load_ruleset, read_pack, rule_files
from qc.engine.operators import OPERATORS
from qc.engine.problems import Problem
from qc.engine.ruleset import CompiledRule, ReloadResult, RuleSet, RuleSetHolder
from qc.engine.schema import CATEGORIES, SEVERITIES
from qc.engine.scheme import Scheme
from qc.engine.scoring import Scorecard, score_call

__all__ = [
    "CATEGORIES",
    "OPERATORS",
    "SEVERITIES",
    "CompiledRule",
    "EvalOptions",
    "Problem",
    "ReloadResult",
    "RuleResult",
    "RuleSet",
    "RuleSetHolder",
    "Scheme",
    "Scorecard",
    "check_ruleset",
    "evaluate",
    "evaluate_rules",
    "load_ruleset",
    "read_pack",
    "rule_files",
    "run_rule",
    "score_call",
]
