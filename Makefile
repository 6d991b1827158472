# openrecord: `make site` builds the bundled content into site/; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= -n auto --maxprocesses=4 --dist loadfile

.PHONY: site serve test lint typecheck pytest golden clean browser-setup browser bench bench-large bench-peer bench-real bench-clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/openrecord build

serve: $(STAMP)
	$(BIN)/openrecord serve

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy generator

# Debian's Chromium and, from npm, axe-core for the browser tests (see tests/browser).
browser-setup:
	tests/browser/setup.sh

# One test process a core (pytest-xdist), each file's tests in one of them; PYTEST_WORKERS= for one.
pytest: $(STAMP) browser-setup
	$(BIN)/pytest -q $(PYTEST_WORKERS)

browser: $(STAMP) browser-setup
	$(BIN)/pytest -q $(PYTEST_WORKERS) tests/browser

test: lint typecheck pytest

# Refresh the golden output of tests/golden/ after an intended change to the pages.
golden: $(STAMP)
	OPENRECORD_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_golden.py

# Benchmarks (never timed assertions): a generated corpus built end to end, per stage.
bench: $(STAMP)
	$(BIN)/python bench/run.py

bench-large: $(STAMP)
	BENCH_RECORDS=10000 BENCH_COMMITS=50000 BENCH_PREVIEW=0 $(BIN)/python bench/run.py

# A real decision log with its history: REPO is a local clone of rust-lang/rfcs, converted
# into build/bench-real (bench/real.py) and built. Never committed; CI does not need it.
bench-real: $(STAMP)
	@test -n "$(REPO)" || { echo "usage: make bench-real REPO=path/to/a/clone/of/rust-lang/rfcs" >&2; exit 2; }
	$(BIN)/python bench/real.py --repo "$(REPO)" --out build/bench-real
	BENCH_PREVIEW=0 $(BIN)/python bench/run.py --corpus build/bench-real

# The same corpus with mkdocs-material + git-revision-date-localized + rss plugins, and Hugo.
bench-peer: $(STAMP)
	$(BIN)/python bench/run.py --peer

# The benches set the last runs' sites aside instead of deleting them (see bench/disk.py).
bench-clean:
	rm -rf bench/.bench-trash build/.bench-trash

clean:
	rm -rf build site .pytest_cache .mypy_cache .ruff_cache test-artifacts node_modules bench/.bench-trash
