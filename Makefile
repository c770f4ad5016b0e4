# Two set-up commands: `make run` and `make test`. Both create .venv with pip when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The offline machines keep a mirror of every downloadable dataset beside the checkout.
MIRROR := $(abspath ../shared/data)
export BENCHMARKS_MIRROR ?= $(if $(wildcard $(MIRROR)),$(MIRROR),)
# OpenMP threads that spin while waiting cost up to 10x on a machine whose cores are shared.
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: run test bench record report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/python -m benchmarks run

# One worker per core, a test file per worker at a time (module fixtures load their data once; the contract
# tests go one task at a time, see tests/conftest.py): most tests use one core (scikit-learn, numba compiles,
# Python), so a worker per core shortens the wall time.
test: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto --dist loadgroup

# Measures the hot paths for real; JSON lands in results/perf/.
bench: $(VENV)/.installed
	$(BIN)/python -m pytest tests/perf --benchmark-enable --benchmark-only \
		--benchmark-autosave --benchmark-storage=file://results/perf

# Re-records baselines/recorded/: the default and smoke runs of every task, one seed, from a fresh results folder
# (smoke too: a method of yours tried at smoke stands beside the suite's rows)
# (commit first: each record names the commit; records from a dirty tree are flagged).
RECORD_RUN ?= results/recorded-run
record: $(VENV)/.installed
	rm -rf $(RECORD_RUN)
	$(BIN)/python -m benchmarks run --results $(RECORD_RUN) --seeds 1
	$(BIN)/python -m benchmarks run --results $(RECORD_RUN) --seeds 1 --size smoke
	$(BIN)/python -m benchmarks.results.recorded $(RECORD_RUN) baselines

# One self-contained HTML page of results/ with the published and recorded rows: results/report.html.
report: $(VENV)/.installed
	$(BIN)/python -m benchmarks leaderboard --format html --out results/report.html

clean:
	rm -rf $(VENV) .pytest_cache
