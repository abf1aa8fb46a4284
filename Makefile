# clean-corpus: every target sets up .venv (pinned versions from requirements.lock) when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INPUT ?= seeds
OUTPUT ?= output
ARGS ?=

.PHONY: clean-corpus test lint eval bench setup clean report-screenshot

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

eval: setup
	$(BIN)/python scripts/evaluate.py $(ARGS)

bench: setup
	$(BIN)/python scripts/bench.py $(ARGS)

# Clean INPUT, then render OUTPUT/report.html in headless Chromium (installed with apt when missing)
# to OUTPUT/report.png, to look at the page as a browser shows it.
report-screenshot: clean-corpus
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	chromium --headless --no-sandbox --disable-gpu --window-size=1200,4000 \
		--screenshot=$(abspath $(OUTPUT))/report.png file://$(abspath $(OUTPUT))/report.html

clean:
	rm -rf $(VENV) $(OUTPUT)/corpus*.jsonl $(OUTPUT)/corpus*.parquet $(OUTPUT)/rejected.jsonl $(OUTPUT)/report.* \
		$(OUTPUT)/manifest.json
