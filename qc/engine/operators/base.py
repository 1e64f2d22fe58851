"""The node interface every condition implements, and the base of the operators."""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from qc.engine.outcome import Outcome

if TYPE_CHECKING:
    from qc.engine.conditions import Compiler
    from qc.engine.context import EvalContext
    from qc.engine.literals import LiteralIndex
    from qc.engine.problems import Path

RoleName = Literal["agent", "customer", "any"]
#: a nested condition: validated by the condition compiler, not by pydantic
ConditionData = Annotated[
    dict[str, Any],
    Field(json_schema_extra={"x-condition": True}),
]


class ParamError(Exception):
    """A parameter is well-typed but unusable (an invalid regex): reported at load time."""

    def __init__(self, field: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.field, self.message, self.hint = field, message, hint


class OpParams(BaseModel):
    """Base of every operator's parameters: strict, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ScopeParams(OpParams):
    """Scope parameters shared by the text operators."""

    role: RoleName = Field(default="agent", description="whose utterances: agent, customer or any")
    first: int | None = Field(default=None, ge=1, description="only the role's first N utterances")
    last: int | None = Field(default=None, ge=1, description="only the role's last N utterances")
    first_s: float | None = Field(
        default=None, gt=0, description="only utterances starting in the first S seconds"
    )
    last_s: float | None = Field(
        default=None, gt=0, description="only utterances ending in the last S seconds"
    )

    @model_validator(mode="after")
    def _one_of_each(self) -> ScopeParams:
        if self.first is not None and self.last is not None:
            raise ValueError("give at most one of first/last")
        if self.first_s is not None and self.last_s is not None:
            raise ValueError("give at most one of first_s/last_s")
        return self

    @cached_property  # read by every search of every call
    def scope(self) -> tuple[str, int | None, int | None, float | None, float | None]:
        return (self.role, self.first, self.last, self.first_s, self.last_s)


class Node(ABC):
    """A compiled condition."""

    @abstractmethod
    def evaluate(self, ctx: EvalContext) -> Outcome: ...

    @abstractmethod
    def describe(self) -> str:
        """A short human summary, used in evidence notes (未出现：…)."""

    def roles(self) -> frozenset[str]:
        """Roles whose speech this condition reads (absence needs them to have speech)."""
        return frozenset()

    def region(self, ctx: EvalContext) -> list[int]:
        """Utterance positions this condition reads (absence quotes and rates them)."""
        return []


class Operator(Node):
    """An operator: a YAML name, a params model, and nested conditions if any."""

    name: ClassVar[str]
    params_model: ClassVar[type[OpParams]]
    #: fields of ``params_model`` that hold nested conditions
    conditions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: Any, children: dict[str, Node]) -> None:
        self.params = params
        self.children = children

    @classmethod
    def build(cls, raw: Any, path: Path, compiler: Compiler) -> Node | None:
        """Validate ``raw`` params, compile nested conditions; report problems, never raise."""
        sink = compiler.sink
        if not isinstance(raw, dict):
            sink.add(
                path, f"the parameters of {cls.name!r} must be a mapping", f"{cls.name}: {{…}}"
            )
            return None
        params: OpParams | None = None
        try:
            params = cls.params_model.model_validate(dict(raw))
        except ValidationError as err:
            sink.add_validation(err, path, cls.params_model)
        children = {
            f: compiler.compile(raw[f], (*path, f))
            for f in cls.conditions
            if isinstance(raw.get(f), dict)
        }
        if params is None or any(c is None for c in children.values()):
            return None
        try:
            node = cls(params, {k: v for k, v in children.items() if v is not None})
        except ParamError as err:
            sink.add((*path, err.field), err.message, err.hint)
            return None
        node.share(compiler.literals)
        return node

    def share(self, literals: LiteralIndex) -> None:
        """Add the literals this operator scans for to the index shared by its rule set."""

    def child(self, name: str) -> Node:
        return self.children[name]

    def roles(self) -> frozenset[str]:
        role = getattr(self.params, "role", None)
        inner = frozenset().union(*(c.roles() for c in self.children.values()))
        return inner | ({role} if isinstance(role, str) else frozenset())

    def region(self, ctx: EvalContext) -> list[int]:
        if isinstance(self.params, ScopeParams):
            idx = ctx.role_indices(self.params.role)
            return [idx[p] for p in ctx.span(self.params.scope)]
        return sorted({i for c in self.children.values() for i in c.region(ctx)})


class SearchOperator(Operator):
    """A text search whose outcome depends only on its parameters and the call, so equal
    conditions (a YAML anchor in several rules, a copied condition) are searched once per call."""

    def __init__(self, params: Any, children: dict[str, Node]) -> None:
        super().__init__(params, children)
        self.key = (self.name, params.model_dump_json())

    def evaluate(self, ctx: EvalContext) -> Outcome:
        key = (self.key, ctx.window, ctx.hidden)
        return ctx.cached(key, self.search, ctx)  # type: ignore[no-any-return]

    @abstractmethod
    def search(self, ctx: EvalContext) -> Outcome: ...


class RuleTimeout(Exception):
    """A rule ran out of time (a pathological regular expression): the rule is marked errored."""


#: a safety bound on the evidence one operator returns; hits keep fewer (scoring.MAX_EVIDENCE)
MAX_FOUND = 200
