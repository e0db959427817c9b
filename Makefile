# bhg-crawler: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CRAWLER := $(VENV)/.installed-crawler
TOOLS := $(VENV)/.installed
REPLAY := .venv-replay/.installed
# Debian's packages: redis-server, for the distributed mode's tests and `make cluster-demo`; jq, for the recipe
# pages (docs/recipes/) that tests/e2e/test_recipes.py runs as written.
DEBIAN := redis-server jq

.PHONY: install $(DEBIAN) demo cluster-demo test lint bench faults clean

install: $(TOOLS) $(REPLAY) $(DEBIAN)

# Debian's packages, installed when missing.
$(DEBIAN):
	@command -v $@ >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $@ >/dev/null; } || { echo "make: $@ is needed: apt-get install $@ (as root)" >&2; exit 1; }

# The crawler alone: all that `make demo` needs.
$(CRAWLER): pyproject.toml
	@echo "make: installing the crawler in $(VENV)/"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

# Its test, lint and deploy tools besides.
$(TOOLS): $(CRAWLER)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,deploy]'
	touch $@

# pywb, for the replay test, in an environment of its own (tests/replay-requirements.txt says why).
$(REPLAY): tests/replay-requirements.txt
	test -x .venv-replay/bin/python || $(PYTHON) -m venv .venv-replay
	.venv-replay/bin/python -m pip install --quiet --disable-pip-version-check -r tests/replay-requirements.txt
	touch $@

demo: $(CRAWLER)
	@$(BIN)/bhg-crawl demo

# A local Redis, the replica and two workers sharing one crawl; prints the merged result.
cluster-demo: $(CRAWLER) redis-server
	$(BIN)/bhg-crawl cluster-demo

# Style, types, and the import contracts of the architecture (pyproject.toml, [tool.importlinter]).
lint: $(TOOLS)
	$(BIN)/ruff check bhg_crawler bhg_replica tests bench
	$(BIN)/ruff format --check bhg_crawler bhg_replica tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint install
	$(BIN)/pytest

# Figures against peers measured side by side; `make bench ARGS=--full` adds the 100,000-article crawl.
bench: install
	$(BIN)/python -m bench $(ARGS)

# The crawl under injected faults, kills and hostile input; `make test` runs a short form of it.
faults: install
	$(BIN)/python -m bench.faults $(ARGS)

clean:
	rm -rf $(VENV) .venv-replay build *.egg-info .pytest_cache .mypy_cache .ruff_cache
