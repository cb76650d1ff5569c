# lienthong — the two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test lint check setup clean

## Set up the virtualenv (once, and again whenever pyproject.toml changes).
setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Start the broker and the four services on embedded defaults (Ctrl-C stops them).
run: setup
	$(BIN)/lienthong up $(ARGS)

## Run the whole test suite (unit, integration, end-to-end on a real broker).
test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

## Lint and type-check.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lienthong services tests scripts

check: lint test

clean:
	rm -rf $(VENV) .lienthong .pytest_cache .mypy_cache .ruff_cache *.egg-info
