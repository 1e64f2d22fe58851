"""``metric``: conversation metrics against a threshold (dead air, interruptions, speech rate…).

Per-item metrics (``silence``, ``interruption``, ``speech_rate``) give one piece of evidence per
offending span, so a reviewer can jump to each; the others compare one number for the call.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Literal

from pydantic import Field, model_validator

from qc.engine.context import EvalContext
from qc.engine.operators.base import Operator, OpParams
from qc.engine.outcome import NO_MATCH, Found, Outcome
from qc.types import Evidence, Silence

MetricName = Literal[
    "max_silence_s", "silence", "interruptions", "interruption", "agent_chars_per_min",
    "speech_rate", "agent_talk_ratio", "duration_s", "turns", "agent_talk_s", "customer_talk_s",
]  # fmt: skip
PER_ITEM = ("silence", "interruption", "speech_rate")
COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq,
}  # fmt: skip


class MetricParams(OpParams):
    name: MetricName = Field(
        description="which metric; silence, interruption and speech_rate are per item"
    )
    op: Literal[">", ">=", "<", "<=", "=="] = Field(description="comparison with value")
    value: float = Field(description="threshold (seconds, counts, chars per minute or a ratio)")
    hold_notice: bool | None = Field(
        default=None, description="silences only: false = only silences without a hold notice"
    )
    role: Literal["agent", "customer"] = Field(
        default="agent", description="interruption(s): who interrupts"
    )

    @model_validator(mode="after")
    def _check(self) -> MetricParams:
        if self.hold_notice is not None and self.name not in ("silence", "max_silence_s"):
            raise ValueError("hold_notice applies to silence and max_silence_s only")
        if self.role != "agent" and self.name not in ("interruption", "interruptions"):
            raise ValueError("role applies to interruption and interruptions only")
        return self


class Metric(Operator):
    """A metric compared with a threshold."""

    name = "metric"
    params_model = MetricParams

    def describe(self) -> str:
        p = self.params
        return f"{p.name} {p.op} {p.value:g}"

    def evaluate(self, ctx: EvalContext) -> Outcome:
        found = self._items(ctx) if self.params.name in PER_ITEM else self._scalar(ctx)
        return Outcome(True, tuple(found)) if found else NO_MATCH

    def _hit(self, value: float) -> bool:
        return COMPARE[self.params.op](value, self.params.value)

    def _silences(self, ctx: EvalContext) -> list[Silence]:
        want = self.params.hold_notice
        return [s for s in ctx.metrics.silences if want is None or s.hold_notice == want]

    def _items(self, ctx: EvalContext) -> list[Found]:
        p, m, out = self.params, ctx.metrics, []
        if p.name == "silence":
            for s in self._silences(ctx):
                if self._hit(s.duration_s):
                    out.append(self._span(ctx, s.before, s.start_s, s.end_s, s.duration_s, "静音"))
        elif p.name == "interruption":
            for o in m.overlaps:
                if o.interrupter == p.role and not o.backchannel and self._hit(o.duration_s):
                    u = o.interrupter_utterance
                    out.append(self._span(ctx, u, o.start_s, o.end_s, o.duration_s, "抢话"))
        else:
            for r in m.agent_rates:
                pos = ctx.position(r.utterance)
                if pos is not None and self._hit(r.chars_per_min):
                    note = f"语速 {r.chars_per_min:.0f} 字/分"
                    out.append(
                        ctx.found(
                            pos, value=round(r.chars_per_min, 1), threshold=p.value, note=note
                        )
                    )
        return out

    def _span(
        self, ctx: EvalContext, index: int | None, start: float, end: float, value: float, what: str
    ) -> Found:
        pos = ctx.position(index)
        quote = ctx.quote(pos) if pos is not None else ""
        note = f"{what} {value:.1f} 秒"
        ev = Evidence(
            index, start, end, quote, value=round(value, 2), threshold=self.params.value, note=note
        )
        return Found(ev)

    def _scalar(self, ctx: EvalContext) -> list[Found]:
        p, m = self.params, ctx.metrics
        if p.name == "max_silence_s":
            silences = self._silences(ctx)
            value = max((s.duration_s for s in silences), default=0.0)
            if p.hold_notice is None:
                value = max(value, m.max_silence_s)
            longest = max(silences, key=lambda s: s.duration_s, default=None)
            if self._hit(value) and longest is not None and longest.duration_s == value:
                return [
                    self._span(ctx, longest.before, longest.start_s, longest.end_s, value, "静音")
                ]
        elif p.name == "interruptions" and p.role == "customer":
            value = sum(1 for o in m.overlaps if o.interrupter == "customer" and not o.backchannel)
        elif p.name == "duration_s":
            value = m.duration_s or ctx.duration_s()
        else:
            value = float(getattr(m, p.name))
        if not self._hit(value):
            return []
        ev = Evidence(
            None,
            0.0,
            ctx.duration_s(),
            "",
            value=round(value, 3),
            threshold=p.value,
            note=f"{p.name} = {value:g}",
        )
        return [Found(ev)]
