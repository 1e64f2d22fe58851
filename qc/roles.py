"""Which channel (stereo) or speaker cluster (mono) is the agent.

Agents open with a greeting, name the organisation or their 工号, verify identity and offer help;
customers ask and answer. Cues are matched on toneless pinyin as well as text, because Whisper
base writes exact homophones (克服 for 客服, 宫号 for 工号; DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qc.text import pinyin_view
from qc.types import Role, Segment

# (cue, weight). Opening cues weigh more in the first segments of a channel.
AGENT_CUES: tuple[tuple[str, float], ...] = (
    ("工号", 3.0), ("客服", 2.0), ("很高兴为您服务", 3.0), ("为您服务", 2.0), ("这里是", 2.0),
    ("银行", 1.0), ("金融", 1.0), ("有什么可以帮您", 3.0), ("请问您是", 2.0), ("本人吗", 2.0),
    ("核实", 1.0), ("身份证后四位", 2.0), ("感谢您的来电", 3.0), ("祝您生活愉快", 3.0),
    ("请问还有", 1.0), ("帮您查询", 2.0), ("请您稍等", 1.5), ("您的账户", 1.0), ("您的贷款", 1.0),
    ("逾期", 0.5), ("还款日", 0.5), ("您好", 0.5),
)  # fmt: skip
CUSTOMER_CUES: tuple[tuple[str, float], ...] = (
    ("我想问", 2.0), ("我想咨询", 2.0), ("我的卡", 1.5), ("我的贷款", 1.5), ("我是", 0.5),
    ("投诉", 1.0), ("我没钱", 1.5), ("我不知道", 0.5), ("你们", 0.5), ("凭什么", 1.0),
)  # fmt: skip
# Pinyin of each agent cue, computed once: cue_score runs on every segment of every call.
_AGENT_CUE_PINYIN = tuple((cue, pinyin_view(cue), weight) for cue, weight in AGENT_CUES)
OPENING_SEGMENTS = 2
OPENING_BONUS = 2.0


@dataclass(frozen=True, slots=True)
class RoleDecision:
    roles: dict[int, Role]
    method: str  # "configured", "content_cues", "default"
    confidence: float  # 0.5 = a guess, 1.0 = certain


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def cue_score(texts: Sequence[str]) -> float:
    """Agent-likeness of one speaker's texts: agent cues minus customer cues."""
    score = 0.0
    for i, text in enumerate(texts):
        py = pinyin_view(text)
        bonus = OPENING_BONUS if i < OPENING_SEGMENTS else 1.0
        for cue, cue_py, weight in _AGENT_CUE_PINYIN:
            if cue in text or _contains(py, cue_py):
                score += weight * bonus
        for cue, weight in CUSTOMER_CUES:
            if cue in text:
                score -= weight
    return score


def _texts_by_speaker(segments: Sequence[Segment]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    for seg in sorted(segments, key=lambda s: s.start_s):
        texts.setdefault(seg.channel, []).append(seg.text)
    return texts


def assign_roles(
    segments: Sequence[Segment], speakers: Sequence[int], agent: int | None = None
) -> RoleDecision:
    """Map each speaker (channel or cluster) to a role.

    ``agent`` forces the agent speaker. Otherwise the speaker with the highest cue score is the
    agent; with no cue either way, the speaker who talks first is (agents open outbound and
    inbound calls alike), at confidence 0.5.
    """
    if agent is not None:
        return RoleDecision(_roles(speakers, agent), "configured", 1.0)
    texts = _texts_by_speaker(segments)
    scores = {s: cue_score(texts.get(s, [])) for s in speakers}
    ranked = sorted(speakers, key=lambda s: scores[s], reverse=True)
    if len(ranked) < 2:
        return RoleDecision(_roles(speakers, ranked[0] if ranked else None), "default", 0.5)
    margin = scores[ranked[0]] - scores[ranked[1]]
    if margin <= 0:
        first = min(segments, key=lambda s: s.start_s).channel if segments else speakers[0]
        return RoleDecision(_roles(speakers, first), "default", 0.5)
    # 0.5 at no margin, approaching 1 as the evidence grows (a margin of 6 ≈ a greeting + 工号).
    confidence = round(0.5 + 0.5 * min(1.0, margin / 6.0), 3)
    return RoleDecision(_roles(speakers, ranked[0]), "content_cues", confidence)


def _roles(speakers: Sequence[int], agent: int | None) -> dict[int, Role]:
    return {s: ("agent" if s == agent else "customer") for s in speakers}
