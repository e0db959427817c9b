# bhg-crawler: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

demo: install
	$(BIN)/bhg-crawl demo

lint: install
	$(BIN)/ruff check bhg_crawler tests bench
	$(BIN)/ruff format --check bhg_crawler tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Figures against peers measured side by side; `make bench ARGS=--full` adds the 100,000-article crawl.
bench: install
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
