"""Conversation metrics computed from the utterance timeline.

Each metric keeps its positions (utterance indices, time spans) so a rule can quote them as
evidence: the longest silence and where it fell, who interrupted whom and when, the speech rate of
each agent utterance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qc.activity import Activity, confirm_overlaps
from qc.text import pinyin_view, strip_punct
from qc.types import Metrics, Overlap, Silence, Utterance, UtteranceRate

# An agent asking the customer to wait makes the following silence expected (not dead air),
# even if the customer answered "好的" after it. Announcing a lookup (我查一下, 我看一下) is not
# asking to wait: QA standards want 请您稍等 before a hold; a long silence after 我查一下 is
# dead air. Matched by toneless pinyin too: Whisper wrote 稍后骗客, 不要刮断 for 稍候片刻, 不要挂断.
HOLD_PHRASES: tuple[str, ...] = (
    "稍等", "稍候", "不要挂机", "不要挂断", "别挂", "等一下", "等一等", "等我一下", "请您等待",
    "耐心等待", "需要一点时间", "需要一些时间", "需要几分钟", "耽误您一点时间", "耽误您几分钟",
)  # fmt: skip
# Short acknowledgements said over the other speaker; they are not interruptions.
BACKCHANNELS: frozenset[str] = frozenset(
    {"嗯", "嗯嗯", "对", "对对", "对对对", "好", "好的", "是", "是的", "是是", "行", "哦", "噢"}
)


@dataclass(frozen=True, slots=True)
class MetricsOptions:
    min_silence_s: float = 2.0  # shorter pauses are ordinary turn-taking
    min_interruption_s: float = 0.5  # shorter overlaps are turn-taking jitter
    backchannel_max_chars: int = 2
    rate_min_chars: int = 8  # short utterances give unstable rates
    rate_min_duration_s: float = 1.5


def _chars(text: str) -> int:
    return len(strip_punct(text))


def _speech_span(u: Utterance) -> tuple[float, float]:
    if u.words:
        return u.words[0].start_s, u.words[-1].end_s
    return u.start_s, u.end_s


@lru_cache(maxsize=1)
def _hold_syllables() -> tuple[str, ...]:
    return tuple(f" {' '.join(pinyin_view(p))} " for p in HOLD_PHRASES)


def has_hold_notice(agent: Utterance | None) -> bool:
    """Whether the agent's latest utterance before a silence asked the customer to wait."""
    if agent is None:
        return False
    if any(p in agent.text for p in HOLD_PHRASES):
        return True
    said = f" {' '.join(pinyin_view(strip_punct(agent.text)))} "
    return any(p in said for p in _hold_syllables())


def find_silences(utts: Sequence[Utterance], options: MetricsOptions) -> tuple[Silence, ...]:
    """Gaps in which nobody speaks, between the first and the last speech of the call."""
    silences: list[Silence] = []
    ordered = sorted(utts, key=lambda u: u.start_s)
    latest_end = None
    latest: Utterance | None = None
    last_agent: Utterance | None = None
    for u in ordered:
        if latest is not None and latest_end is not None:
            gap_s = u.start_s - latest_end
            if gap_s >= options.min_silence_s:
                hold = has_hold_notice(last_agent)
                silences.append(Silence(latest_end, u.start_s, latest.index, u.index, hold))
        if latest_end is None or u.end_s >= latest_end:
            latest_end, latest = u.end_s, u
        if u.role == "agent":
            last_agent = u
    return tuple(silences)


def _is_backchannel(u: Utterance, options: MetricsOptions) -> bool:
    text = strip_punct(u.text)
    return text in BACKCHANNELS or len(text) <= options.backchannel_max_chars


def find_overlaps(utts: Sequence[Utterance], options: MetricsOptions) -> tuple[Overlap, ...]:
    """Pairs of utterances of different roles that overlap: the later starter interrupted."""
    overlaps: list[Overlap] = []
    ordered = sorted(utts, key=lambda u: u.start_s)
    for i, first in enumerate(ordered):
        for later in ordered[i + 1 :]:
            if later.start_s >= first.end_s:
                break
            if later.role == first.role:
                continue
            end_s = min(first.end_s, later.end_s)
            overlaps.append(
                Overlap(
                    start_s=later.start_s,
                    end_s=end_s,
                    interrupter=later.role,
                    interrupted=first.role,
                    interrupter_utterance=later.index,
                    interrupted_utterance=first.index,
                    backchannel=_is_backchannel(later, options)
                    or end_s - later.start_s < options.min_interruption_s,
                )
            )
    return tuple(overlaps)


def agent_rates(utts: Sequence[Utterance], options: MetricsOptions) -> tuple[UtteranceRate, ...]:
    rates = []
    for u in utts:
        start_s, end_s = _speech_span(u)
        chars, duration_s = _chars(u.text), end_s - start_s
        if u.role != "agent" or chars < options.rate_min_chars:
            continue
        if duration_s < options.rate_min_duration_s:
            continue
        rates.append(UtteranceRate(u.index, round(chars / duration_s * 60.0, 1)))
    return tuple(rates)


def _overall_rate(utts: Sequence[Utterance], rates: Sequence[UtteranceRate]) -> float:
    counted = {r.utterance for r in rates}
    chars = sum(_chars(u.text) for u in utts if u.index in counted)
    seconds = sum(_speech_span(u)[1] - _speech_span(u)[0] for u in utts if u.index in counted)
    return round(chars / seconds * 60.0, 1) if seconds > 0 else 0.0


def compute_metrics(
    utts: Sequence[Utterance],
    duration_s: float,
    options: MetricsOptions | None = None,
    activity: Activity | None = None,
) -> Metrics:
    """All conversation metrics of one call.

    With ``activity`` (per-channel speech masks of a stereo call) overlaps are confirmed against
    the audio, because word timestamps alone can place a word seconds away from where it was said.
    """
    options = options or MetricsOptions()
    silences = find_silences(utts, options)
    overlaps = find_overlaps(utts, options)
    if activity is not None:
        overlaps = confirm_overlaps(overlaps, utts, activity, options.min_interruption_s)
    rates = agent_rates(utts, options)
    agent_s = sum(u.duration_s for u in utts if u.role == "agent")
    customer_s = sum(u.duration_s for u in utts if u.role == "customer")
    talk_s = agent_s + customer_s
    return Metrics(
        duration_s=round(duration_s, 3),
        turns=len(utts),
        silences=silences,
        max_silence_s=round(max((s.duration_s for s in silences), default=0.0), 3),
        overlaps=overlaps,
        interruptions=sum(
            1
            for o in overlaps
            if o.interrupter == "agent" and o.interrupted == "customer" and not o.backchannel
        ),
        agent_chars_per_min=_overall_rate(utts, rates),
        agent_rates=rates,
        agent_talk_s=round(agent_s, 3),
        customer_talk_s=round(customer_s, 3),
        agent_talk_ratio=round(agent_s / talk_s, 3) if talk_s > 0 else 0.0,
    )
