# The two commands a new user needs: `make demo` and `make test`.
# Both create the virtual environment in .venv and install the project into it when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed
# Test processes run side by side (pytest-xdist): one per core by default.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Port of `make demo`; empty: 8000, or the next free one when 8000 is taken.
PORT ?=

.PHONY: demo test test-sqlite test-postgres lint types bench clean messages lock

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Dependencies come from the locks, every file checked against its SHA-256 (pip's hash-checking
# mode); the project itself is installed on top without resolving anything again.
# The demo needs the application only; the test tools come with `make test`.
$(DEMO_STAMP): pyproject.toml requirements/demo.lock | $(BIN)/python
	@echo "Installing Expediente into $(VENV) (the first time takes a minute or two)…"
	$(BIN)/python -m pip install -q --require-hashes -r requirements/demo.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(DEMO_STAMP)

$(STAMP): pyproject.toml requirements/dev.lock | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP) $(DEMO_STAMP)

## make lock: resolve the dependencies of pyproject.toml again into requirements/*.lock (uv)
lock: | $(BIN)/python
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	  --no-header -q -o requirements/demo.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --no-header -q -o requirements/dev.lock

## make demo: set up a data directory with the synthetic demo case and serve it
demo: $(DEMO_STAMP)
	$(BIN)/expediente demo --data-dir demo-data $(if $(PORT),--port $(PORT))

## make test: lint and type checks, then the whole suite on SQLite and the database tests on
## PostgreSQL, side by side (each pass's output is printed when it ends)
# Each xdist worker of the PostgreSQL pass starts a throwaway cluster of its own. The two passes
# run at once because many tests wait on subprocesses and browsers: the other pass uses the CPU
# meanwhile.
test: $(STAMP) lint types
	$(MAKE) --no-print-directory --output-sync=target -j2 test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

types: $(STAMP)
	$(BIN)/mypy

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q -n $(JOBS)

test-postgres: $(STAMP)
	EXPEDIENTE_TEST_DB=postgres $(BIN)/python -m pytest -q -n $(JOBS) tests/web tests/cli \
	  -m "not browser and not slow"

## make messages: collect the pages' strings into the Spanish catalogue and compile it (needs gettext)
messages: $(STAMP)
	$(BIN)/python src/expediente_web/workspace/locale/update_catalogue.py

clean:
	rm -rf $(VENV) src/*.egg-info
