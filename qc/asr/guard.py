"""Drop what Whisper invents: phantom lines, loops, repeats and no-speech segments.

RELIABILITY.md: Whisper invents text on silence, music and IVR (known Chinese phantom lines from
its subtitle training data: 请不吝点赞 订阅 转发 打赏, 字幕由…提供, 明镜与点点栏目) and can loop on
one phrase. A dropped segment would otherwise feed rules (a phantom 谢谢观看 is not a closing) and
make a silent channel look spoken, so absence rules would be scored on it.

Each check is a small function returning a reason or None; :func:`guard_segments` applies them
and reports every dropped segment with its reason, so a reviewer can see what was removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from qc.text.normalize import normalize, strip_punct
from qc.types import Segment

# Subtitle credits and video outros that Whisper emits on silence or music. They are matched on
# the normalised text (simplified, punctuation stripped); none of them is said in a bank call.
PHANTOM_PATTERNS: tuple[str, ...] = (
    r"(点赞|订阅|转发|打赏).{0,6}(点赞|订阅|转发|打赏)",  # 请不吝点赞 订阅 转发 打赏
    r"字幕.{0,20}(提供|制作|翻译|校对|志愿者)",  # 字幕由…提供, 字幕志愿者
    r"(中文|简体|繁体)字幕",
    r"明镜.{0,3}点点",  # 明镜与点点栏目
    r"(谢谢|感谢)(大家|您|你们)?的?(观看|收看|收听)",
    r"(欢迎|记得)?订阅(我的)?频道",
    r"本(期)?视频",
    r"下(期|集)(再见|见)",
    r"独播剧场",
    r"amara\.?org",
)
_PHANTOM = regex.compile("|".join(f"(?:{p})" for p in PHANTOM_PATTERNS), regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class GuardOptions:
    """Thresholds of the hallucination guard (defaults measured on silence/music, bench/asr.py)."""

    # A segment whose text is one phrase repeated: at least this many repeats of the phrase...
    loop_min_repeats: int = 4
    # ... and the repeated run covering at least this share of the segment's characters.
    loop_min_coverage: float = 0.6
    # Single-character runs (好好好, 对对对, 嗯嗯) are real speech up to this length.
    loop_max_single_char_run: int = 8
    # Identical consecutive segments of at least this many characters: keep only the first.
    repeat_min_chars: int = 4
    # Whisper's own no-speech test, applied again because VAD can pass music and noise; 0.5 as
    # in TranscribeOptions.no_speech_threshold (silent channel tails measured at 0.54).
    max_no_speech_prob: float = 0.5
    min_avg_logprob: float = -1.0
    # A channel with less kept speech than this is marked as having no speech.
    min_speech_s: float = 0.3


@dataclass(frozen=True, slots=True)
class Dropped:
    """A segment removed by the guard and why."""

    segment: Segment
    reason: str  # "phantom", "loop", "repeat", "no_speech"
    detail: str = ""


@dataclass(frozen=True, slots=True)
class GuardResult:
    kept: tuple[Segment, ...]
    dropped: tuple[Dropped, ...]
    has_speech: bool
    speech_s: float


def guard_segments(segments: Sequence[Segment], options: GuardOptions | None = None) -> GuardResult:
    """Split ``segments`` into kept and dropped (with reasons); decide whether speech remains."""
    options = options or GuardOptions()
    kept: list[Segment] = []
    dropped: list[Dropped] = []
    previous_key: str | None = None
    for segment in segments:
        key = strip_punct(normalize(segment.text)).lower()
        found = _check(segment, key, options)
        if found is None and key and key == previous_key and len(key) >= options.repeat_min_chars:
            found = ("repeat", "same text as the previous segment")
        if found is not None:
            dropped.append(Dropped(segment, *found))
        else:
            kept.append(segment)
        previous_key = key  # compare with what Whisper wrote before, kept or not
    speech_s = sum(max(0.0, s.end_s - s.start_s) for s in kept if s.text.strip())
    return GuardResult(
        kept=tuple(kept),
        dropped=tuple(dropped),
        has_speech=speech_s >= options.min_speech_s,
        speech_s=round(speech_s, 3),
    )


def _check(segment: Segment, key: str, options: GuardOptions) -> tuple[str, str] | None:
    if not key:
        return ("no_speech", "empty text")
    if match := _PHANTOM.search(key):
        return ("phantom", f"known phantom line: {match.group(0)}")
    if loop := loop_phrase(key, options):
        return ("loop", f"phrase {loop!r} repeated")
    if (
        segment.no_speech_prob > options.max_no_speech_prob
        and segment.avg_logprob < options.min_avg_logprob
    ):
        return (
            "no_speech",
            f"no_speech_prob {segment.no_speech_prob:.2f} > {options.max_no_speech_prob}, "
            f"avg_logprob {segment.avg_logprob:.2f} < {options.min_avg_logprob}",
        )
    return None


def loop_phrase(text: str, options: GuardOptions | None = None) -> str | None:
    """The phrase that ``text`` loops on, or None.

    A loop is the longest run of one phrase repeated back to back (at least
    ``loop_min_repeats`` times) covering at least ``loop_min_coverage`` of the text. Runs of a
    single character are allowed up to ``loop_max_single_char_run`` (好好好好 is real speech).
    """
    options = options or GuardOptions()
    n = len(text)
    best: tuple[int, str] | None = None
    for period in range(1, n // options.loop_min_repeats + 1):
        for start in range(0, n - period * options.loop_min_repeats + 1):
            phrase = text[start : start + period]
            repeats = _count_repeats(text, start, phrase)
            covered = repeats * period
            if repeats < options.loop_min_repeats or covered < options.loop_min_coverage * n:
                continue
            if period == 1 and repeats <= options.loop_max_single_char_run:
                continue
            if best is None or covered > best[0]:
                best = (covered, phrase)
    return best[1] if best else None


def _count_repeats(text: str, start: int, phrase: str) -> int:
    count, pos, size = 0, start, len(phrase)
    while text.startswith(phrase, pos):
        count += 1
        pos += size
    return count
