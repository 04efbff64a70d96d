# Sahayak LMS. `make run` serves the demo (web and job worker, from the Procfile); `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test test-fast test-stress lint translations extract-messages serve clean

run: $(VENV)/.runtime translations
	scripts/system-deps run
	$(FLASK) db upgrade
	$(FLASK) courses publish --new-only
	$(FLASK) demo || echo "(No demo data added: see why above. The site starts with what it has.)"
	@echo
	@echo "Sahayak LMS is starting on http://127.0.0.1:$(PORT)/ with a job worker (Ctrl-C stops both)"
	LMS_LOCAL_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start --port $(PORT)

test: $(VENV)/.dev translations
	scripts/system-deps test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The edit-test loop: lint, then every test but the browser and live-server ones, on SQLite,
# spread over all cores (the PostgreSQL pass shares one database, so it never runs in parallel).
test-fast: $(VENV)/.dev translations
	$(BIN)/ruff check .
	env -u LMS_TEST_DATABASE_URI $(BIN)/pytest -n auto -m "not browser and not live"

# The flake hunt (issue 34): the browser and live-server tests STRESS_RUNS times in a row (20 unless
# given) beside a CPU hog on every core, on SQLite and on PostgreSQL (STRESS_DATABASE_URI, database
# test unless given); then every test that failed even once, in .stress/. `STRESS_RUNS=1` for one pass.
test-stress: $(VENV)/.dev translations
	scripts/system-deps test
	scripts/stress-tests

lint: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Sahayak LMS needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version)." >&2; exit 1; }
	scripts/system-deps run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Compiled catalogues (.mo) are build output, made from the .po files in the repository.
translations: $(VENV)/.runtime
	$(BIN)/pybabel -q compile -d lms/translations

# Refresh the .po files after changing UI strings; then translate the new entries.
extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output \
		--project "Sahayak LMS" -o lms/translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete --width 100 -i lms/translations/messages.pot -d lms/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
