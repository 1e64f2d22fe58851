"""YAML for rule files: line numbers on every node, no duplicate keys, no silent type changes.

PyYAML follows YAML 1.1, which turns unquoted ``0571`` into 377, ``12:30`` into 750 and ``no``
into False (RELIABILITY.md). This loader resolves only ``true``/``false``, plain decimal numbers
and ``null``; every other YAML 1.1 conversion is reported with the hint "quote it" instead of
being applied, so a phone prefix or a time of day can never change under a rule author's feet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_STR = "tag:yaml.org,2002:str"
_SURPRISE = "tag:callqc,2025:surprise"


class MDict(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.value_lines: dict[Any, int] = {}
        self.dupes: list[tuple[Any, int, int]] = []  # key, line, line of the first


class MList(list[Any]):
    """A YAML sequence that remembers its own line and the line of each item (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass(frozen=True, slots=True)
class Surprise:
    """An unquoted scalar that YAML 1.1 would have silently converted; kept as its text."""

    text: str
    line: int
    hint: str


# (pattern, what YAML 1.1 would make of it). Checked only on plain (unquoted) scalars.
_SURPRISES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$"), "YAML 1.1 reads it as a bool"),
    (re.compile(r"^[-+]?0[0-9_]+$"), "YAML 1.1 reads a leading zero as an octal number"),
    (re.compile(r"^[-+]?0[xXoObB][0-9a-fA-F_]+$"), "YAML reads it as a hex/octal/binary number"),
    (re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"),
     "YAML 1.1 reads it as a base-60 number (12:30 becomes 750)"),
    (re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?$"), "YAML reads it as a date"),
    (re.compile(r"^[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?$"), "YAML drops the underscores"),
    (re.compile(r"^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$"), "YAML reads it as infinity/NaN"),
)  # fmt: skip


# libyaml's parser when available (the pure-Python one took ~2 s for the packs); constructors
# and resolvers stay the Python ones below either way.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type,unused-ignore]
    """SafeLoader with a reduced, predictable set of implicit types."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    ("tag:yaml.org,2002:merge", r"^<<$"),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), None)
for _regexp, _ in _SURPRISES:
    _Loader.add_implicit_resolver(_SURPRISE, _regexp, None)


def _construct_surprise(loader: _Loader, node: yaml.ScalarNode) -> Surprise:
    text = str(loader.construct_scalar(node))
    why = next((w for r, w in _SURPRISES if r.match(text)), "YAML would convert it")
    return Surprise(text, node.start_mark.line + 1, f"{why}; quote it: '{text}'")


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MDict:
    loader.flatten_mapping(node)
    out = MDict(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool | Surprise) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        if key in out:
            out.dupes.append((key, line, out.value_lines[key]))
        out[key] = loader.construct_object(value_node, deep=True)
        out.value_lines[key] = line
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MList:
    out = MList(node.start_mark.line + 1)
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.item_lines.append(item.start_mark.line + 1)
    return out


_Loader.add_constructor(_SURPRISE, _construct_surprise)  # type: ignore[arg-type,unused-ignore]
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)  # type: ignore[arg-type,unused-ignore]
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)  # type: ignore[arg-type,unused-ignore]


@dataclass(slots=True)
class YamlIssue:
    """A problem found while reading YAML: ``path`` is a tuple of keys and indices."""

    line: int
    path: tuple[str | int, ...]
    message: str
    hint: str = ""


@dataclass(slots=True)
class YamlDoc:
    data: Any
    issues: list[YamlIssue] = field(default_factory=list)


def load_yaml(text: str) -> YamlDoc:
    """Parse one YAML document. Syntax errors give a single issue with ``data=None``."""
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        hint = ""
        if err.context and err.context_mark and err.context_mark.line + 1 != line:
            hint = f"{err.context} that starts at line {err.context_mark.line + 1}"
        message = f"YAML syntax error: {err.problem or err.context}"
        return YamlDoc(None, [YamlIssue(line, (), message, hint)])
    except yaml.YAMLError as err:
        return YamlDoc(None, [YamlIssue(1, (), f"YAML error: {err}")])
    doc = YamlDoc(None)
    doc.data = _clean(data, (), doc.issues)
    return doc


def _clean(node: Any, path: tuple[str | int, ...], issues: list[YamlIssue]) -> Any:
    """Report duplicate keys and surprises, replacing each surprise by its text."""
    if isinstance(node, Surprise):
        issues.append(YamlIssue(node.line, path, f"unquoted value {node.text!r}", node.hint))
        return node.text
    if isinstance(node, MDict):
        for key, key_line, first in node.dupes:
            name = key.text if isinstance(key, Surprise) else key
            issues.append(
                YamlIssue(
                    key_line,
                    (*path, str(name)),
                    f"duplicate key {name!r}",
                    f"first at line {first}",
                )
            )
        items = list(node.items())
        for key, value in items:
            name = key.text if isinstance(key, Surprise) else key
            if isinstance(key, Surprise):
                issues.append(YamlIssue(key.line, path, f"unquoted key {key.text!r}", key.hint))
                del node[key]
                node.value_lines[name] = node.value_lines.pop(key)
            node[name] = _clean(value, (*path, str(name)), issues)
        return node
    if isinstance(node, MList):
        for i, item in enumerate(node):
            node[i] = _clean(item, (*path, i), issues)
        return node
    return node


def line_of(root: Any, path: tuple[str | int, ...], default: int = 1) -> int:
    """The line of the deepest node along ``path`` that exists in ``root``."""
    line = root.line if isinstance(root, MDict | MList) else default
    node = root
    for step in path:
        if isinstance(node, MDict) and step in node:
            line, node = node.value_lines.get(step, line), node[step]
        elif isinstance(node, MList) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.item_lines[step], node[step]
        else:
            break
    return line
