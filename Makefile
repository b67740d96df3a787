# newsearch: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= newsearch-index
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast install install-test system-deps lint index serve bench clean

# A virtualenv with the app only, re-installed when pyproject.toml changes. An editable
# install compiles no bytecode (and PYTHONDONTWRITEBYTECODE keeps Python from caching it), so
# every `newsearch` call would compile the package's sources again (~0.2 s): compile once.
$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q indexer webapp
	touch $@

# The same virtualenv with the test and benchmark extras.
$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m compileall -q indexer webapp
	touch $(VENV)/.installed-run $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

## run: install, index seeds/ into $(INDEX), serve the web app on http://$(HOST):$(PORT)/
run: install
	$(BIN)/newsearch index seeds --index $(INDEX)
	$(BIN)/newsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

## test: install with test extras (and Debian's chromium), lint, run the whole suite on both
## cores (pytest-xdist, one module per unit of work so that module fixtures are built once;
## tests marked `alone` run with the other worker paused, see tests/conftest.py)
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder
# pytest keeps each test module's assertion-rewritten bytecode in __pycache__/ (git-ignored),
# but not under PYTHONDONTWRITEBYTECODE: then every worker rewrites all the test modules on
# every run, ~3 CPU-seconds each. The app's own modules are compiled once at install.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest
test: install-test system-deps lint
	$(PYTEST) $(XDIST)

## test-fast: the inner loop: everything but the slow reliability tests and the Reuters-wide ones,
## on both cores (pytest-xdist; TEST_WORKERS=0 runs them in one process)
test-fast: install-test
	$(PYTEST) -q -m "not slow and not reuters" $(XDIST)

system-deps:
	bash .ci/system-deps

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

index: install
	$(BIN)/newsearch index seeds --index $(INDEX)

serve: install
	$(BIN)/newsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

## bench: every benchmark under bench/ (needs ../shared/corpora/reuters21578)
bench: install-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(INDEX) test-artifacts .pytest_cache
