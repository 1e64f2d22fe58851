# callqc: two commands set up a fresh machine: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: demo test lint bench install samples clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[dev,diarize]'
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/qc models verify
	$(BIN)/qc inspect samples/*.wav

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check qc api models tests bench tools
	$(BIN)/ruff format --check qc api models tests bench tools
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/asr.py
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/sentiment.py

# Regenerates samples/ with the neural TTS (a separate venv; see samples/README.md).
samples:
	bash tools/make_samples.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var
