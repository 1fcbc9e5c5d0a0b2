# fitkit: `make run` (the main job) and `make test` (CI). Both set up .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fitkit-installed

.PHONY: run test venv clean lint

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,dask,bench]"
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/fitkit run

lint: $(STAMP)
	$(BIN)/ruff check fitkit tests $(wildcard benchmarks scripts)

test: $(STAMP)
	$(BIN)/ruff check fitkit tests $(wildcard benchmarks scripts)
	$(BIN)/mypy fitkit
	MPLBACKEND=Agg $(BIN)/python -m pytest -q

clean:
	rm -rf results .pytest_cache
