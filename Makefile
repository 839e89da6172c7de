# The two commands a new user needs: `make demo` and `make test`.
# Both create the virtual environment in .venv and install the project into it when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test test-sqlite test-postgres lint types bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## make demo: set up a data directory with the synthetic demo case and serve it
demo: $(STAMP)
	$(BIN)/expediente demo --data-dir demo-data

## make test: lint and type checks, the whole suite on SQLite, then the database tests on PostgreSQL
test: $(STAMP) lint types test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

types: $(STAMP)
	$(BIN)/mypy

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q

test-postgres: $(STAMP)
	EXPEDIENTE_TEST_DB=postgres $(BIN)/python -m pytest -q tests/web tests/cli -m "not browser and not slow"

clean:
	rm -rf $(VENV) src/*.egg-info
