# clean-corpus: every target sets up .venv (pinned versions from requirements.lock) when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INPUT ?= seeds
OUTPUT ?= output
ARGS ?=

.PHONY: clean-corpus test lint eval bench setup clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

clean-corpus: setup
	$(BIN)/clean-corpus $(INPUT) -o $(OUTPUT) $(ARGS)

test: setup
	$(BIN)/ruff check pipeline tests scripts
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check pipeline tests scripts
	$(BIN)/ruff format --check pipeline tests scripts

eval: setup
	$(BIN)/python scripts/evaluate.py $(ARGS)

bench: setup
	$(BIN)/python scripts/bench.py $(ARGS)

clean:
	rm -rf $(VENV) $(OUTPUT)/corpus*.jsonl $(OUTPUT)/rejected.jsonl $(OUTPUT)/report.* $(OUTPUT)/manifest.json
