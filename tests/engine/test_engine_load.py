"""Loading rule files (RELIABILITY B7): every problem with file:line and field; the rules that
were active stay active; version hashes are stable."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from qc.engine import RuleSetHolder, check_ruleset, load_ruleset
from qc.engine.context import EvalContext
from qc.errors import RuleError
from tests.engine.conftest import make_call, rule_yaml

GOOD = rule_yaml("{phrase: {any: [您好]}}")

BROKEN = [
    pytest.param(
        "pack: t\nrules:\n  - id: t.a\n    when: {phrase: {any: [x]}\n",
        "t.yaml:5: YAML syntax error",
        id="syntax-error",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好]}}", extra="    severity: major\n"),
        "t.yaml:8 rules[0].severity: duplicate key 'severity' (first at line 5)",
        id="duplicate-key",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好]}}", colour="red"),
        "t.yaml:7 rules[0].colour: unknown field 'colour'",
        id="unknown-rule-field",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好], rol: agent}}"),
        "t.yaml:7 rules[0].when.phrase.rol: unknown field 'rol' (did you mean 'role'?",
        id="unknown-param",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好]}}", points="many"),
        "t.yaml:7 rules[0].points: Input should be a valid number",
        id="wrong-type",
    ),
    pytest.param(
        rule_yaml("{regex: {pattern: '(工号'}}"),
        "t.yaml:7 rules[0].when.regex.pattern: invalid regular expression",
        id="invalid-regex",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好]}}", points="0571"),
        "t.yaml:7 rules[0].points: unquoted value '0571' (YAML 1.1 reads a leading zero",
        id="unquoted-0571",
    ),
    pytest.param(
        rule_yaml("{metric: {name: max_silence_s, op: gtt, value: 5}}"),
        "t.yaml:7 rules[0].when.metric.op: invalid value 'gtt' (known: >, >=, <, <=, ==)",
        id="bad-comparison",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [特别担心, 很担心], exclude: [别担心]}}"),
        "t.yaml:7 rules[0].when.phrase.exclude: an exclusion is part of 特别担心, so",
        id="exclusion-inside-a-phrase",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好, 你好], fuzzy: pinyin}}"),
        "t.yaml:7 rules[0].when.phrase.any: 你好 is the same phrase as 您好 once read as pinyin",
        id="phrase-listed-twice-fuzzy",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [别着急, 别著急]}}"),
        "t.yaml:7 rules[0].when.phrase.any: 别著急 is the same phrase as 别着急 once normalised",
        id="phrase-listed-twice",
    ),
    pytest.param(
        rule_yaml("{all: [{phrase: {any: [a]}}, {phrse: {any: [b]}}]}"),
        "t.yaml:7 rules[0].when.all[1].phrse: unknown operator 'phrse' (did you mean 'phrase'?",
        id="unknown-operator",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好]}}", category="greetings"),
        "t.yaml:4 rules[0].category: invalid value 'greetings' (did you mean 'greeting'?",
        id="category-outside-taxonomy",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好]}}", severity="critical"),
        "t.yaml:5 rules[0].severity: invalid value 'critical'",
        id="bad-severity",
    ),
    pytest.param(
        rule_yaml(r"{regex: {pattern: '\b\d{11}\b'}}"),
        r"t.yaml:7 rules[0].when.regex.pattern: \b finds no boundary between a digit",
        id="word-boundary-regex",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [您好]}}", rule_id="other.a"),
        "t.yaml:3 rules[0].id: rule id 'other.a' must start with the pack name 't.'",
        id="id-outside-pack",
    ),
    pytest.param(
        "pack: t\nrules:\n  - id: t.a\n    title: x\n    category: greeting\n    severity: minor\n",
        "t.yaml:3 rules[0].when: required field missing",
        id="missing-when",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [a], all: [b]}}"),
        "t.yaml:7 rules[0].when.phrase: give exactly one of any/all",
        id="phrase-any-and-all",
    ),
    pytest.param(
        rule_yaml("{phrase: {any: [a]}, regex: {pattern: b}}"),
        "t.yaml:7 rules[0].when: a condition is a mapping with exactly one key",
        id="two-keys-in-condition",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN)
def test_broken_file_is_refused_with_file_line_and_field(
    write_rules: Any, text: str, expected: str
) -> None:
    root = write_rules({"t.yaml": text})
    with pytest.raises(RuleError) as err:
        load_ruleset(root)
    messages = [p.removeprefix(str(root) + "/") for p in err.value.problems]
    assert any(m.startswith(expected) for m in messages), messages


@pytest.mark.parametrize(("text", "expected"), BROKEN)
def test_active_rules_stay_active_when_a_reload_fails(
    write_rules: Any, text: str, expected: str
) -> None:
    root = write_rules({"t.yaml": GOOD})
    holder = RuleSetHolder(lambda: load_ruleset(root))
    before = holder.current
    (root / "t.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    result = holder.reload()
    assert not result.ok and result.version == before.version
    assert holder.current is before and [r.id for r in holder.current.rules] == ["t.rule"]
    assert any(expected in p for p in result.problems)


def test_reload_swaps_in_a_good_set(write_rules: Any) -> None:
    root = write_rules({"t.yaml": GOOD})
    holder = RuleSetHolder(lambda: load_ruleset(root))
    (root / "t.yaml").write_text(rule_yaml("{phrase: {any: [再见]}}"), encoding="utf-8")
    result = holder.reload()
    assert result.ok and holder.current.version == result.version


def test_all_problems_of_a_file_are_collected(write_rules: Any) -> None:
    text = """\
        pack: t
        rules:
          - id: t.a
            title: a
            category: greetin
            severity: minor
            when: {metric: {name: nope, op: '>', value: 1}}
          - id: t.b
            title: b
            category: greeting
            severity: no
            points: 0571
            when: {regex: {pattern: '[x'}}
    """
    _, problems = check_ruleset(write_rules({"t.yaml": text}))
    where = [(p.line, p.path) for p in problems]
    assert where == [
        (5, "rules[0].category"),
        (7, "rules[0].when.metric.name"),
        (11, "rules[1].severity"),
        (12, "rules[1].points"),
        (13, "rules[1].when.regex.pattern"),
    ]


def test_duplicate_ids_across_files(write_rules: Any) -> None:
    root = write_rules({"a.yaml": GOOD, "b.yaml": GOOD})
    _, problems = check_ruleset(root)
    (problem,) = problems
    assert problem.file.endswith("b.yaml") and "duplicate rule id 't.rule'" in problem.message
    assert "a.yaml:3" in problem.hint


def test_schemes_folder_is_not_a_rule_pack(write_rules: Any) -> None:
    root = write_rules(
        {"t.yaml": GOOD, "sub/u.yaml": GOOD.replace("t.rule", "t.other")}, scheme="start: 100\n"
    )
    ruleset = load_ruleset(root)
    assert sorted(r.id for r in ruleset.rules) == ["t.other", "t.rule"]
    assert ruleset.files == ("sub/u.yaml", "t.yaml")


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        pytest.param(
            "start: 100\nveto: {scor: 0}\n", "default.yaml:2 veto.scor: unknown field", id="field"
        ),
        pytest.param(
            "bands: [{name: a, min: 0}, {name: b, min: 50}]\n",
            "default.yaml:1: bands must be listed highest first",
            id="bands",
        ),
        pytest.param(
            "review: {min_confidence: 2}\n",
            "default.yaml:1 review.min_confidence: Input should be less than or equal to 1",
            id="range",
        ),
    ],
)
def test_scheme_problems_are_reported(write_rules: Any, scheme: str, expected: str) -> None:
    _, problems = check_ruleset(write_rules({"t.yaml": GOOD}, scheme=scheme))
    texts = [str(p) for p in problems]
    assert any(expected in t for t in texts), texts


def test_version_is_stable_across_file_order_and_location(tmp_path: Path) -> None:
    def make(root: Path, order: list[str]) -> str:
        for name in order:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(rule_yaml("{phrase: {any: [x]}}", rule_id=f"t.{name[0]}"))
        return load_ruleset(root).version

    first = make(tmp_path / "one", ["a.yaml", "b.yaml"])
    second = make(tmp_path / "two", ["b.yaml", "a.yaml"])
    assert first == second and first.startswith("sha256:") and len(first) == 71
    (tmp_path / "two" / "b.yaml").write_text(rule_yaml("{phrase: {any: [y]}}", rule_id="t.b"))
    assert load_ruleset(tmp_path / "two").version != first


def test_scheme_changes_the_version(write_rules: Any) -> None:
    root = write_rules({"t.yaml": GOOD}, scheme="start: 100\n")
    before = load_ruleset(root).version
    (root / "schemes" / "default.yaml").write_text("start: 90\n")
    assert load_ruleset(root).version != before


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no such file or directory"):
        load_ruleset(tmp_path / "nope")


def test_key_terms_from_packs(write_rules: Any) -> None:
    root = write_rules({"t.yaml": "key_terms: [工号, 逾期]\n" + GOOD})
    assert load_ruleset(root).key_terms == ("工号", "逾期")


def test_named_regex_pieces_expand_in_patterns(write_rules: Any) -> None:
    pack = "patterns: {not_negated: '(?<!(不会|没有)[^\\n]{0,4})'}\n" + rule_yaml(
        "{regex: {pattern: '{{not_negated}}(上门|去你家)'}}"
    )
    rule = load_ruleset(write_rules({"t.yaml": pack})).rules[0]
    calls = {"我们明天就上门": True, "我们不会上门的": False}
    for text, hit in calls.items():
        ctx = EvalContext(make_call(("agent", text)))
        ctx.begin_rule()
        assert rule.when.evaluate(ctx).matched is hit, text


def test_unknown_regex_piece_is_a_load_error(write_rules: Any) -> None:
    pack = "patterns: {neg: '(?<!不)'}\n" + rule_yaml("{regex: {pattern: '{{negation}}会'}}")
    _, problems = check_ruleset(write_rules({"t.yaml": pack}))
    assert [p.message for p in problems] == ["unknown pattern piece {{negation}}"]
    assert "neg" in problems[0].hint and problems[0].line == 8
