"""Render a written call set (``bench/data/*.jsonl``) as phone-call audio, to measure the rules end
to end on audio: TTS → WAV → ``qc`` (Whisper, role detection, metrics) → rules.

The written sets are otherwise measured only as text (``qc rules backtest --labels FILE``); the
product is judged on recorded calls, so this renders each call with the voices of
``tools/make_samples.py`` and writes a labels file that ``qc rules backtest`` transcribes.

Runs in the TTS environment (``.venv-tts``, set up by ``tools/make_samples.sh``)::

    .venv-tts/bin/python tools/render_calls.py bench/data/blind7_calls.jsonl /tmp/audio/b7 -j 2
    .venv/bin/qc rules backtest --labels /tmp/audio/blind7/labels.jsonl

For each call it writes

- ``<out>/<id>.wav``: stereo, 8 kHz, 16-bit PCM, agent on channel 0, customer on channel 1, noise
  floor and phone band as in ``make_samples``, ``duration_s`` long;
- ``<out>/<id>.render.json``: per turn the written and the spoken text and the tempo used;

and ``<out>/labels.jsonl``: ``{"call": "<abs wav path>", "expected": [...]}`` in input order.

Each turn's text is made speakable (the TTS front end keeps only Chinese characters and
，、：；。！？…; see ``speakable``), synthesised with the agent or customer voice, then
time-stretched with sox ``tempo`` to fill its labelled ``[start_s, end_s]`` and placed at
``start_s``; overlaps stay (interruptions). The tempo is clamped to ``TEMPO_RANGE``; turns that
hit the clamp end early (padded with silence) or run past ``end_s``, and are reported.
Deterministic, like ``make_samples``; existing WAVs are skipped unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
from make_samples import (  # tools/ is on sys.path when run as a script
    ALLOWED,
    NOISE_DBFS,
    OUT_RATE,
    PHONE_SOX,
    Turn,
    Voice,
    render_turn,
    seed_for,
    sox,
    write_json,
    write_wav,
)

CHANNEL = {"agent": 0, "customer": 1}
TEMPO_RANGE = (0.6, 2.2)  # sox tempo factor: > 1 is faster; beyond this range speech degrades

# --------------------------------------------------------------------------- speakable text

DIGITS = "零一二三四五六七八九"
# A number followed by one of these is a quantity (11640元 → 一万一千六百四十元). Otherwise four or
# more digits, a leading 0, an ID's X, a hyphen or more than eight digits make it a code read digit
# by digit: 工号, 尾号, card, ID and phone numbers, 12378, 2024年.
UNITS = set("元块万千百亿天个月日号期岁次笔张分秒毛周倍")
NUMBER = re.compile(r"(\d+(?:\.\d+)?)(%|[Xx](?![A-Za-z]))?")
LATIN = {"APP": "应用", "ID": "身份", "ETC": "不停车收费"}  # others are dropped
PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。",
                       " ": "，", "\u3000": "，", "—": "，", "-": "，", "~": "，"})  # fmt: skip


def cardinal(n: int) -> str:
    """Spoken Chinese for 0 <= n < 10**8 (两 before 百/千/万 at the start, as said aloud)."""
    if n == 0:
        return "零"
    out, zero = "", False
    for value, unit in ((10**7, "千"), (10**6, "百"), (10**5, "十"), (10**4, "万"),
                        (1000, "千"), (100, "百"), (10, "十"), (1, "")):  # fmt: skip
        d = n // value % 10
        if d:
            out += ("零" if zero and out else "") + DIGITS[d] + unit
            zero = False
        else:
            zero = True
            if value == 10**4 and n >= 10**4 and not out.endswith("万"):
                out += "万"
    out = re.sub(r"^一十", "十", out)
    return re.sub(r"^二(?=[百千万])", "两", out)


def say_number(num: str, suffix: str, around: str) -> str:
    """One number as spoken: a quantity, a decimal, a percentage or a code read digit by digit.

    ``around`` is the character before and the one after the number.
    """
    if suffix == "%":
        return "百分之" + say_number(num, "", "")
    if "." in num:
        whole, frac = num.split(".")
        return cardinal(int(whole)) + "点" + "".join(DIGITS[int(c)] for c in frac)
    quantity = around[-1:] in UNITS
    code = suffix == "X" or "-" in around or len(num) > 8
    if code or (not quantity and (len(num) >= 4 or num.startswith("0"))):
        return "".join(DIGITS[int(c)] for c in num) + ("叉" if suffix == "X" else "")
    return cardinal(int(num))


def speakable(written: str) -> tuple[str, list[str]]:
    """Text the TTS front end reads in full, and the Latin tokens that were dropped."""
    dropped: list[str] = []

    def latin(m: re.Match[str]) -> str:
        word = LATIN.get(m.group().upper())
        if word is None:
            dropped.append(m.group())
        return word or ""

    text = NUMBER.sub(
        lambda m: say_number(
            m[1],
            (m[2] or "").upper(),
            written[max(0, m.start() - 1) : m.start()] + written[m.end() : m.end() + 1],
        ),
        written,
    )
    text = re.sub(r"(?<=[零一二三四五六七八九幺])[Xx](?![A-Za-z])", "叉", text)  # 三七六X
    text = re.sub(r"[A-Za-z]+", latin, text).translate(PUNCT)
    text = re.sub(r"[^\u4e00-\u9fa5，、：；。！？…]", "", text)
    text = re.sub(r"[，、：；]+(?=[，、：；。！？…])", "", text)  # "， 。" → "。"
    text = re.sub(r"^[，、：；。！？…]+", "", text)
    if not re.search(r"[\u4e00-\u9fa5]", text):
        return "", dropped  # nothing to say ("……")
    if not ALLOWED.fullmatch(text):
        raise ValueError(f"not speakable: {text!r}")
    return text, dropped


# --------------------------------------------------------------------------- audio


def fit(y: np.ndarray, slot_s: float) -> tuple[np.ndarray, float]:
    """Stretch ``y`` to ``slot_s`` with sox tempo (clamped); returns the audio and the tempo."""
    target = max(1, round(slot_s * OUT_RATE))
    wanted = len(y) / target
    tempo = min(max(wanted, TEMPO_RANGE[0]), TEMPO_RANGE[1])
    if abs(tempo - 1.0) > 0.005:
        y = sox(["tempo", "-s", f"{tempo:.4f}"], y, OUT_RATE)
    if tempo == wanted:  # sox is off by a few ms: make it exact
        y = np.pad(y, (0, max(0, target - len(y))))[:target]
    return y.astype(np.float32), tempo


def render_call(voice: Voice, call: dict[str, Any]) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The stereo mix of one call and a record of every turn."""
    t = call["transcript"]
    mix = np.zeros((round(float(t["duration_s"]) * OUT_RATE), 2), np.float32)
    turns = []
    for u in t["utterances"]:
        spoken, dropped = speakable(u["text"])
        rec = {k: u[k] for k in ("role", "start_s", "end_s", "text")}
        rec |= {"spoken": spoken, "dropped": dropped}
        if spoken:
            y = render_turn(voice, Turn(role=u["role"], text=spoken, gap_s=0.0, speed=1.0))
            y, tempo = fit(y, float(u["end_s"]) - float(u["start_s"]))
            i = round(float(u["start_s"]) * OUT_RATE)
            part = y[: max(0, len(mix) - i)]
            mix[i : i + len(part), CHANNEL[u["role"]]] += part
            rec |= {"tempo": round(tempo, 3), "audio_end_s": round((i + len(y)) / OUT_RATE, 3)}
            rec["clamped"] = tempo in TEMPO_RANGE
        turns.append(rec)
    rng = np.random.default_rng(seed_for(call["id"]))
    mix += rng.normal(0.0, 10 ** (NOISE_DBFS / 20), size=mix.shape).astype(np.float32)
    return sox(PHONE_SOX, mix, OUT_RATE, channels=2), turns


# --------------------------------------------------------------------------- driver

_voice: Voice | None = None


def _init_worker() -> None:
    global _voice
    _voice = Voice()


def render_one(job: tuple[dict[str, Any], Path]) -> str:
    """Render one call into ``out_dir``; returns a report line."""
    call, out_dir = job
    if _voice is None:
        raise RuntimeError("render_one runs in a pool started with _init_worker")
    mix, turns = render_call(_voice, call)
    write_wav(out_dir / f"{call['id']}.wav", mix, OUT_RATE)
    write_json(out_dir / f"{call['id']}.render.json", {"id": call["id"], "turns": turns})
    notes = [
        f"#{i} tempo {r['tempo']} ({r['end_s'] - r['start_s']:.2f} s for {r['spoken']})"
        for i, r in enumerate(turns)
        if r.get("clamped")
    ] + [f"#{i} dropped {r['dropped']}" for i, r in enumerate(turns) if r["dropped"]]
    notes += [f"#{i} silent: {r['text']!r}" for i, r in enumerate(turns) if not r["spoken"]]
    return f"{call['id']:<8} {len(turns):2d} turns" + "".join(f"\n    {n}" for n in notes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("calls", type=Path, help="call set JSONL (bench/data/*_calls.jsonl)")
    ap.add_argument("out", type=Path, help="output folder (outside the repository)")
    ap.add_argument("--ids", nargs="+", help="only these call ids")
    ap.add_argument(
        "-j", "--jobs", type=int, default=1, help="parallel TTS processes (one core each)"
    )
    ap.add_argument("--force", action="store_true", help="re-render existing WAVs")
    args = ap.parse_args(argv)
    calls = [json.loads(x) for x in args.calls.read_text(encoding="utf-8").splitlines() if x]
    if args.ids:
        unknown = set(args.ids) - {c["id"] for c in calls}
        if unknown:
            raise SystemExit(f"{args.calls}: no calls {sorted(unknown)}")
        calls = [c for c in calls if c["id"] in args.ids]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # inherited by the workers
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    todo = [(c, out) for c in calls if args.force or not (out / f"{c['id']}.wav").exists()]
    print(f"{len(todo)} to render, {len(calls) - len(todo)} exist (--force re-renders)")
    if todo:
        with mp.get_context("spawn").Pool(args.jobs, initializer=_init_worker) as pool:
            for line in pool.imap(render_one, todo):  # in input order
                print(line, flush=True)
    labels = [{"call": str(out / f"{c['id']}.wav"), "expected": c["expected"]} for c in calls]
    text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in labels)
    (out / "labels.jsonl").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
