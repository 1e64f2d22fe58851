"""Call-level sentiment: trajectory, peak, empathy gaps, complaint risk and rude agent turns.

Everything carries evidence (utterance indices, times, cues) so that rules can point at it.
Indices are ``Utterance.index`` values; ``per_utterance`` is aligned with the input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qc.sentiment.lexicon import EMPATHY, Cue
from qc.sentiment.utterance import Scored, score
from qc.types import Utterance, UtteranceSentiment

# A customer utterance counts as negative for empathy gaps from this P(negative) on.
NEGATIVE_MIN_SCORE = 0.5
# The agent's next turns that may acknowledge the customer (the issue: "next 1-2 turns").
WITHIN_AGENT_TURNS = 2
QUARTERS = 4


@dataclass(frozen=True, slots=True)
class Trajectory:
    """Mean customer P(negative) per quarter of the call (None: no customer speech there).

    ``start``/``end`` are the first and last quarters, falling back to the first and last
    customer utterance when those quarters are empty. Quarters are by time (utterance midpoint);
    by position when the utterances carry no times.
    """

    quarters: tuple[float | None, ...]
    start: float | None
    end: float | None

    @property
    def change(self) -> float | None:
        """end − start: above 0 the customer left more negative than they came."""
        return None if self.start is None or self.end is None else self.end - self.start


@dataclass(frozen=True, slots=True)
class NegativityPeak:
    """The customer's most negative utterance."""

    utterance: int
    start_s: float
    end_s: float
    score: float  # P(negative)
    cues: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EmpathyGap:
    """A negative or hardship customer utterance that the agent's next turns do not acknowledge."""

    customer_utterance: int
    agent_utterances: tuple[int, ...]  # the agent turns looked at (1 or 2)
    reason: str  # "hardship" (a hardship cue fired) or "negative" (P(negative) ≥ threshold)
    negativity: float  # P(negative) of the customer utterance
    cues: tuple[str, ...]  # the customer's cues


@dataclass(frozen=True, slots=True)
class ComplaintRisk:
    """The customer names an escalation channel: 投诉, 12378, 银保监会, 消协, 媒体, 起诉 …"""

    utterance: int
    cue: str  # lexicon form
    heard: str  # as written in the utterance (differs on a homophone: 头诉)
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class RudeUtterance:
    """An agent utterance with rude tone, with its probability and cues."""

    utterance: int
    score: float
    cues: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CallSentiment:
    per_utterance: tuple[UtteranceSentiment, ...]  # aligned with the input utterances
    customer_negativity: tuple[float | None, ...]  # P(negative); None for agent utterances
    trajectory: Trajectory
    peak: NegativityPeak | None
    empathy_gaps: tuple[EmpathyGap, ...]
    complaint_risk: tuple[ComplaintRisk, ...]
    rude_utterances: tuple[RudeUtterance, ...]
    empathetic_utterances: tuple[int, ...]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _quarter_of(utterances: Sequence[Utterance]) -> list[int]:
    t0 = min(u.start_s for u in utterances)
    span = max(u.end_s for u in utterances) - t0
    if span <= 0:
        return [min(QUARTERS - 1, QUARTERS * k // len(utterances)) for k in range(len(utterances))]
    mids = [(u.start_s + u.end_s) / 2 - t0 for u in utterances]
    return [min(QUARTERS - 1, int(QUARTERS * m / span)) for m in mids]


def trajectory(utterances: Sequence[Utterance], negativity: Sequence[float | None]) -> Trajectory:
    """Mean customer negativity per quarter, and at the start and end of the call."""
    if not utterances:
        return Trajectory((None,) * QUARTERS, None, None)
    buckets: list[list[float]] = [[] for _ in range(QUARTERS)]
    for q, value in zip(_quarter_of(utterances), negativity, strict=True):
        if value is not None:
            buckets[q].append(value)
    quarters = tuple(_mean(b) for b in buckets)
    present = [v for v in negativity if v is not None]
    start = quarters[0] if quarters[0] is not None else (present[0] if present else None)
    end = quarters[-1] if quarters[-1] is not None else (present[-1] if present else None)
    return Trajectory(quarters, start, end)


def _peak(
    utterances: Sequence[Utterance], scored: Sequence[Scored | None]
) -> NegativityPeak | None:
    best: NegativityPeak | None = None
    for u, s in zip(utterances, scored, strict=True):
        if s is None:
            continue
        p = s.probability("negative")
        if best is None or p > best.score:
            best = NegativityPeak(u.index, u.start_s, u.end_s, round(p, 4), s.sentiment.cues)
    return best


def _distress(s: Scored) -> str | None:
    """Why a customer utterance needs acknowledging, or None."""
    if any(c.category == "hardship" and not c.negated for c in s.cues):
        return "hardship"
    if s.sentiment.label == "negative" and s.probability("negative") >= NEGATIVE_MIN_SCORE:
        return "negative"
    return None


def _acknowledges(s: Scored) -> bool:
    """Empathetic tone, or an explicit acknowledgement/apology/reassurance cue."""
    if s.sentiment.label == "empathetic":
        return True
    return any(c.category in EMPATHY - {"help"} and not c.negated for c in s.cues)


def empathy_gaps(
    utterances: Sequence[Utterance],
    customer: Sequence[Scored | None],
    agent: Sequence[Scored | None],
) -> tuple[EmpathyGap, ...]:
    """Distress not acknowledged within the agent's next turns.

    A customer utterance with no agent turn after it is not judged (the call ended or was
    cut). Consecutive customer utterances answered by the same agent turns give one gap, at the
    first of them, so that one missed acknowledgement is counted once.
    """
    gaps: list[EmpathyGap] = []
    agent_positions = [k for k, s in enumerate(agent) if s is not None]
    for k, s in enumerate(customer):
        reason = _distress(s) if s is not None else None
        if s is None or reason is None:
            continue
        window = [a for a in agent_positions if a > k][:WITHIN_AGENT_TURNS]
        indices = tuple(utterances[a].index for a in window)
        if not window or any(_acknowledges(a) for a in (agent[w] for w in window) if a):
            continue
        if gaps and gaps[-1].agent_utterances == indices:
            continue
        negativity = round(s.probability("negative"), 4)
        gaps.append(EmpathyGap(utterances[k].index, indices, reason, negativity, s.sentiment.cues))
    return tuple(gaps)


def _complaints(u: Utterance, cues: Sequence[Cue]) -> list[ComplaintRisk]:
    seen: set[str] = set()
    found: list[ComplaintRisk] = []
    for c in cues:
        if c.category == "escalation" and not c.negated and c.phrase not in seen:
            seen.add(c.phrase)
            found.append(ComplaintRisk(u.index, c.phrase, c.heard, u.start_s, u.end_s))
    return found


def analyse_call(utterances: Sequence[Utterance]) -> CallSentiment:
    """Sentiment of every utterance and the call-level signals built on it."""
    scored = [score(u.text, u.role) for u in utterances]
    is_agent = [u.role == "agent" for u in utterances]
    customer = [None if a else s for s, a in zip(scored, is_agent, strict=True)]
    agent = [s if a else None for s, a in zip(scored, is_agent, strict=True)]
    negativity = [None if s is None else round(s.probability("negative"), 4) for s in customer]
    rude = tuple(
        RudeUtterance(u.index, s.sentiment.score, s.sentiment.cues)
        for u, s in zip(utterances, agent, strict=True)
        if s is not None and s.sentiment.label == "rude"
    )
    complaints = [
        risk
        for u, s in zip(utterances, customer, strict=True)
        if s is not None
        for risk in _complaints(u, s.cues)
    ]
    return CallSentiment(
        per_utterance=tuple(s.sentiment for s in scored),
        customer_negativity=tuple(negativity),
        trajectory=trajectory(utterances, negativity),
        peak=_peak(utterances, customer),
        empathy_gaps=empathy_gaps(utterances, customer, agent),
        complaint_risk=tuple(complaints),
        rude_utterances=rude,
        empathetic_utterances=tuple(
            u.index
            for u, s in zip(utterances, agent, strict=True)
            if s is not None and s.sentiment.label == "empathetic"
        ),
    )
