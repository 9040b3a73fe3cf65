# cnn-lectures: the two commands a user needs are `make lab` and `make test`.
# Each one creates the virtual environment .venv and installs the course into it first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.lecturekit-installed
# JupyterLab refuses to run as root unless told to (containers, Colab-like VMs).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help install lab test lint unit notebooks execute bench homework clean

help:
	@echo "make lab      set up .venv and open the course in JupyterLab"
	@echo "make test     set up .venv, lint, run unit tests and execute every notebook (nbval)"
	@echo "make execute  re-run every notebook in place (class profile) to refresh stored outputs"
	@echo "make bench    print the benchmark table and write it to BENCHMARKS.md"
	@echo "make homework write the student editions to homework/"
	@echo "make clean    remove .venv, caches and build output"

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

lab: $(STAMP)
	cd notebooks && ../$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP) lint unit notebooks

lint: $(STAMP)
	$(BIN)/ruff check lecturekit tests notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests

# Notebooks run in the `smoke` profile under nbval: every cell executes, and the cells
# marked `# NBVAL_CHECK_OUTPUT` must print exactly what the committed notebook shows.
notebooks: $(STAMP)
	LECTUREKIT_PROFILE=smoke LECTUREKIT_NO_PROGRESS=1 $(BIN)/python -m pytest -q --nbval-lax \
		--nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

execute: $(STAMP)
	LECTUREKIT_PROFILE=$${LECTUREKIT_PROFILE:-class} $(BIN)/python -m lecturekit execute notebooks/*.ipynb

# Student editions of every notebook in homework/ (solutions replaced by placeholders).
homework: $(STAMP)
	$(BIN)/python -m lecturekit homework build --output homework

# Benchmarks use real MNIST/CIFAR-10: $LECTUREKIT_DATA, or ../shared/data beside the repository
# where the course's offline build machines keep a copy.
bench: export LECTUREKIT_DATA ?= $(if $(wildcard ../shared/data),$(abspath ../shared/data),)
bench: $(STAMP)
	$(BIN)/python -m lecturekit bench --output BENCHMARKS.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info lecturekit.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
