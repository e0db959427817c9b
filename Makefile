# bhg-crawler: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REPLAY := .venv-replay/.installed

.PHONY: install redis-server chromium demo cluster-demo test lint bench faults clean

install: $(STAMP) $(REPLAY) redis-server chromium

# Debian's redis-server, for the distributed mode's tests and `make cluster-demo`; Debian's chromium, headless,
# for the tests that open the reports as a browser does. Each installed with apt-get when missing (as root).
redis-server chromium:
	@command -v $@ >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $@ >/dev/null; } || { echo "make: $@ is needed: apt-get install $@ (as root)" >&2; exit 1; }

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,deploy]'
	touch $@

# pywb, for the replay test, in an environment of its own (tests/replay-requirements.txt says why).
$(REPLAY): tests/replay-requirements.txt
	test -x .venv-replay/bin/python || $(PYTHON) -m venv .venv-replay
	.venv-replay/bin/python -m pip install --quiet --disable-pip-version-check -r tests/replay-requirements.txt
	touch $@

demo: install
	$(BIN)/bhg-crawl demo

# A local Redis, the replica and two workers sharing one crawl; prints the merged result.
cluster-demo: install
	$(BIN)/bhg-crawl cluster-demo

# Style, types, and the import contracts of the architecture (pyproject.toml, [tool.importlinter]).
lint: install
	$(BIN)/ruff check bhg_crawler bhg_replica tests bench
	$(BIN)/ruff format --check bhg_crawler bhg_replica tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/pytest

# Figures against peers measured side by side; `make bench ARGS=--full` adds the 100,000-article crawl.
bench: install
	$(BIN)/python -m bench $(ARGS)

# The crawl under injected faults, kills and hostile input; `make test` runs a short form of it.
faults: install
	$(BIN)/python -m bench.faults $(ARGS)

clean:
	rm -rf $(VENV) .venv-replay build *.egg-info .pytest_cache .mypy_cache .ruff_cache
