# Set-up, tests and the demo. `make run` and `make test` set up on their own when needed.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint format clean

setup: $(STAMP)

$(STAMP): setup.cfg pyproject.toml setup.py analyzer/ingest/_pdfium_calls.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

PORT ?= 8501

run: setup
	$(BIN)/dnh audit corpus/documents/my-shelter-sop.pdf --country MY --out out/sample-audit --no-store
	@echo "Reports of the sample SOP: out/sample-audit/ (HTML report, highlighted PDF, JSON, CSV)."
	$(BIN)/dnh app --samples --db out/dashboard.duckdb --port $(PORT)

# One test process per core, at most 4 (pytest-xdist; each takes ~350 MB, and timing margins shrink with
# load); each test file runs whole in one process, so its module fixtures (an audit, a trained model)
# are made once (session fixtures once per process). TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

test: setup
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile

lint: setup
	$(BIN)/ruff check analyzer tests
	$(BIN)/ruff format --check analyzer tests

format: setup
	$(BIN)/ruff format analyzer tests
	$(BIN)/ruff check --fix analyzer tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
