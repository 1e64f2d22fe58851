"""The examples in rules/README.md load and their cases pass (the doc cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qc.engine.cases import run_case
from qc.engine.yamlsrc import load_yaml

README = Path(__file__).resolve().parents[2] / "rules" / "README.md"


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_pack_example_loads_and_its_cases_pass(ruleset_of: Any) -> None:
    ruleset = ruleset_of({"courtesy.yaml": _yaml_blocks()[0]})
    (rule,) = ruleset.rules
    results = [run_case(rule, case) for case in rule.spec.cases]
    assert [r.ok for r in results] == [True, True]
    assert ruleset.key_terms == ("工号", "客服", "逾期")


def test_scheme_example_is_valid(ruleset_of: Any) -> None:
    scheme = next(b for b in _yaml_blocks() if b.startswith("start:"))
    ruleset = ruleset_of({"courtesy.yaml": _yaml_blocks()[0]}, scheme=scheme)
    assert ruleset.scheme.sections["通话管理"].cap == 20


def test_case_example_is_valid_yaml() -> None:
    block = next(b for b in _yaml_blocks() if b.startswith("cases:"))
    doc = load_yaml(block)
    assert doc.issues == [] and doc.data["cases"][0]["metrics"] == {"max_silence_s": 12}
