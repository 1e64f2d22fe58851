"""The rule YAML reader: line numbers, duplicate keys, values YAML 1.1 would silently change."""

from __future__ import annotations

import pytest

from qc.engine.yamlsrc import line_of, load_yaml

SURPRISES = [
    pytest.param("0571", "octal", id="leading-zero-0571"),
    pytest.param("0589", "octal", id="leading-zero-0589"),
    pytest.param("12:30", "base-60", id="sexagesimal"),
    pytest.param("no", "bool", id="no"),
    pytest.param("Yes", "bool", id="Yes"),
    pytest.param("on", "bool", id="on"),
    pytest.param("OFF", "bool", id="OFF"),
    pytest.param("2024-01-05", "date", id="date"),
    pytest.param("0x1F", "hex", id="hex"),
    pytest.param("1_000", "underscores", id="underscores"),
    pytest.param(".inf", "infinity", id="inf"),
]


@pytest.mark.parametrize(("value", "why"), SURPRISES)
def test_unquoted_surprise_is_reported_and_kept_as_text(value: str, why: str) -> None:
    doc = load_yaml(f"a: 1\nb: {value}\n")
    assert doc.data["b"] == value
    (issue,) = doc.issues
    assert (issue.line, issue.path) == (2, ("b",))
    assert issue.message == f"unquoted value {value!r}"
    assert why in issue.hint and f"quote it: '{value}'" in issue.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("'0571'", "0571", id="quoted-zero"),
        pytest.param('"12:30"', "12:30", id="quoted-time"),
        pytest.param("true", True, id="true"),
        pytest.param("False", False, id="False"),
        pytest.param("5", 5, id="int"),
        pytest.param("-3", -3, id="negative"),
        pytest.param("0", 0, id="zero"),
        pytest.param("0.5", 0.5, id="float"),
        pytest.param("null", None, id="null"),
        pytest.param("y", "y", id="y-stays-text"),
        pytest.param("您好", "您好", id="chinese"),
    ],
)
def test_plain_values(text: str, expected: object) -> None:
    doc = load_yaml(f"v: {text}\n")
    assert doc.issues == []
    assert doc.data["v"] == expected and type(doc.data["v"]) is type(expected)


def test_surprise_inside_a_list_names_the_index() -> None:
    doc = load_yaml("a:\n  - x\n  - no\n")
    (issue,) = doc.issues
    assert (issue.line, issue.path) == (3, ("a", 1))


def test_duplicate_key_reported_with_both_lines() -> None:
    doc = load_yaml("rules:\n  - id: a\n    when: {}\n    id: b\n")
    (issue,) = doc.issues
    assert (issue.line, issue.path, issue.message) == (4, ("rules", 0, "id"), "duplicate key 'id'")
    assert issue.hint == "first at line 2"


def test_syntax_error_gives_its_line() -> None:
    doc = load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert doc.data is None
    (issue,) = doc.issues
    assert issue.message.startswith("YAML syntax error") and issue.line == 3


def test_line_of_follows_the_path_as_far_as_it_exists() -> None:
    doc = load_yaml("pack: p\nrules:\n  - id: a\n    when:\n      phrase: {any: [x]}\n")
    assert line_of(doc.data, ("rules", 0, "when", "phrase")) == 5
    assert line_of(doc.data, ("rules", 0, "missing", "deeper")) == 3
