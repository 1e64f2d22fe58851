"""Problems found in rule files, each with its file, line and field path (pySigma style).

A problem reads ``rules/x.yaml:14 rules[2].when.all[1].metric.op: unknown comparison 'gtt'
(known: <, <=, >, >=)``: file:line, the dotted path of the field, the message, and a hint.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from qc.engine.yamlsrc import YamlIssue, line_of

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """``("rules", 2, "when", "all", 1)`` → ``rules[2].when.all[1]``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f" {self.path}" if self.path else "")
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


@dataclass(slots=True)
class ProblemSink:
    """Collects every problem of one file; knows the file name and the parsed YAML root."""

    file: str
    root: Any = None
    problems: list[Problem] = field(default_factory=list)
    #: fields already reported by the YAML reader (an unquoted 0571 is not also "wrong type")
    _yaml_paths: set[str] = field(default_factory=set)

    def add(self, path: Path, message: str, hint: str = "", line: int | None = None) -> None:
        at = line if line is not None else line_of(self.root, path)
        self.problems.append(Problem(self.file, at, format_path(path), message, hint))

    def add_yaml(self, issues: Iterable[YamlIssue]) -> None:
        for issue in issues:
            self.add(issue.path, issue.message, issue.hint, line=issue.line)
            self._yaml_paths.add(format_path(issue.path))

    def add_validation(self, err: ValidationError, path: Path, model: type[BaseModel]) -> None:
        """Turn each pydantic error into a problem with the right line and a useful hint."""
        for item in err.errors(include_url=False):
            loc = tuple(x for x in item["loc"] if isinstance(x, str | int))
            if format_path((*path, *loc)) in self._yaml_paths:
                continue
            message, hint = describe_error(item, model, loc)
            self.add((*path, *loc), message, hint)


def describe_error(item: Any, model: type[BaseModel], loc: Path) -> tuple[str, str]:
    kind = item["type"]
    if kind == "extra_forbidden":
        known = sorted(_fields_at(model, loc[:-1]))
        name = str(loc[-1]) if loc else "?"
        return f"unknown field {name!r}", _known_hint(name, known)
    if kind == "missing":
        return "required field missing", ""
    if kind in ("literal_error", "enum"):
        options = re.findall(r"'([^']*)'", str(item.get("ctx", {}).get("expected", "")))
        return f"invalid value {_short(item['input'])}", _known_hint(
            str(item["input"]), options, False
        )
    if kind.startswith("value_error"):
        return str(item["msg"]).removeprefix("Value error, "), ""
    return f"{item['msg']}, got {_short(item.get('input'))}", ""


def _known_hint(name: str, known: list[str], sort: bool = True) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    prefix = f"did you mean {close[0]!r}? " if close else ""
    return f"{prefix}known: {', '.join(sorted(known) if sort else known)}"


def unknown_name_hint(name: str, known: Iterable[str]) -> str:
    return _known_hint(name, sorted(known))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(model: type[BaseModel], loc: Path) -> list[str]:
    """The field names of the (nested) model found at ``loc`` inside ``model``."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(step))
        if info is None:
            return []
        current = _unwrap(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``list[X]`` / ``X | None`` / ``tuple[X, ...]`` → ``X`` (the first model inside)."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation
    for arg in typing.get_args(annotation):
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    if origin in (types.UnionType, typing.Union):
        return annotation
    return annotation
