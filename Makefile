# ClaimDesk developer tasks (GNU make).
#
#   make venv     create/refresh .venv and install the project with its dev extras
#   make run      seed a demo database on first use, then open the desktop app
#   make test     run the test suite headless (Qt offscreen platform)
#   make bench    run the benchmarks
#   make bundle   build the PyInstaller onedir bundle: dist/claimdesk/claimdesk
#   make clean    remove build outputs and caches (keeps .venv)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/stamp

.PHONY: help venv run test bench bundle clean distclean

help:
	@echo "targets: venv run test bench bundle clean distclean"

# --- environment ------------------------------------------------------------

# Re-run whenever the dependency list changes.
$(STAMP): pyproject.toml
	@if [ ! -x "$(PY)" ]; then \
		echo "creating $(VENV) with $(PYTHON3)"; \
		$(PYTHON3) -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# --- everyday tasks ---------------------------------------------------------

run: $(STAMP)
	$(PY) -m app demo --if-missing
	$(PY) -m app

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/run.py

bundle: $(STAMP)
	$(PY) -m PyInstaller --noconfirm --clean build.spec

# --- code sets --------------------------------------------------------------
# Reserved for the `codesets` target (build/refresh the bundled code-set data
# under resources/). When adding it: add `codesets` to .PHONY and to `help`,
# and depend on $(STAMP), e.g.
#
# codesets: $(STAMP)
# 	$(PY) -m app codesets ...

# --- housekeeping -----------------------------------------------------------

clean:
	rm -rf build dist .pytest_cache .hypothesis benchmarks/out
	rm -rf *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
