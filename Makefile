# The two everyday commands are `make run` and `make test`; both build what
# they need on first use and afterwards only when its inputs change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint schema

run: $(VENV)/.installed
	$(BIN)/viax serve --demo

test: $(VENV)/.installed-test federation/node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Written through a temporary file so that a failing export never leaves a
# truncated schema behind.
schema: $(VENV)/.installed
	@mkdir -p schema
	$(BIN)/viax schema > schema/schema.graphql.tmp
	mv schema/schema.graphql.tmp schema/schema.graphql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	touch $@

# npm writes node_modules/.package-lock.json on every install, which makes it
# the natural record of the lockfile that node_modules was built from.
federation/node_modules/.package-lock.json: federation/package.json federation/package-lock.json
	cd federation && npm ci --no-audit --no-fund
	touch $@
