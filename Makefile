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
# Prerequisites are expanded when a rule is read, so these come before the rules that use them.
CODESETS := resources/codesets.sqlite3
CODESET_INPUTS := $(shell find resources/sources resources/reference app/codesets -type f \
	-not -path '*/__pycache__/*' 2>/dev/null) db/codesets.py

.PHONY: help venv codesets run test bench bundle clean distclean

help:
	@echo "targets: venv codesets run test bench bundle clean distclean"

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

run: $(STAMP) $(CODESETS)
	$(PY) -m app demo --if-missing
	$(PY) -m app

test: $(STAMP) $(CODESETS)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP) $(CODESETS)
	$(PY) benchmarks/run.py

bundle: $(STAMP) $(CODESETS)
	$(PY) -m PyInstaller --noconfirm --clean build.spec

# --- code sets --------------------------------------------------------------
# The read-only code-set database, built from the official sources under resources/sources
# (and the ICD-10-CM tabular inside the pinned simple-icd-10-cm package). Rebuilt when a source,
# a loader or the schema changes.
$(CODESETS): $(STAMP) $(CODESET_INPUTS)
	$(PY) -m app.codesets.build --output $(CODESETS)

codesets: $(CODESETS)

# --- housekeeping -----------------------------------------------------------

clean:
	rm -rf build dist .pytest_cache .hypothesis benchmarks/out $(CODESETS) $(CODESETS).building
	rm -rf *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
