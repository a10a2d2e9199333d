# Set-up, tests and the demo. `make run` and `make test` set up on their own when needed.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint format clean

setup: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: setup
	$(BIN)/dnh segment corpus/documents/my-shelter-sop.pdf | $(BIN)/dnh classify - --format table
	$(BIN)/dnh audit corpus/documents/my-shelter-sop.pdf --country MY --out out/sample-audit --no-store
	@echo "Open out/sample-audit/my-shelter-sop.html (report) and my-shelter-sop.highlighted.pdf in any viewer."

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check analyzer tests
	$(BIN)/ruff format --check analyzer tests

format: setup
	$(BIN)/ruff format analyzer tests
	$(BIN)/ruff check --fix analyzer tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
