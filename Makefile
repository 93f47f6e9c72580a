# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run serve test test-fast lint typecheck translations extract-messages migrate demo screenshot clean-venv

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Pishvaz needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt $(VENV)/.runtime-installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# ical.js for tests/ics_check.mjs, which reads every calendar the app emits as a client does.
# Without npm the calendar tests skip (and fail under CI, which installs Node.js).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund && touch $@; \
	else \
	  echo "make: npm is not installed: the calendar tests need Node.js and npm" >&2; \
	fi

translations: $(VENV)/.runtime-installed
	$(BIN)/pybabel compile --statistics -d planner/translations 2>&1 | tail -n 2

# After adding or changing user-facing strings: extract, then translate the new entries in
# planner/translations/fa/LC_MESSAGES/messages.po.
extract-messages: $(VENV)/.runtime-installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k N_ -k html_gettext -k html_ngettext:1,2 -k text_gettext -k text_ngettext:1,2 -c "Translators:" --project=Pishvaz -o planner/translations/messages.pot .
	$(BIN)/pybabel update -i planner/translations/messages.pot -d planner/translations --no-fuzzy-matching

migrate: $(VENV)/.runtime-installed
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo load --if-empty

# One process: the worker's tasks (e-mail) run in the request, as QUEUE_IMMEDIATE=yes says;
# `make serve` runs the real worker beside gunicorn.
QUEUE_IMMEDIATE ?= yes
run: translations demo
	QUEUE_IMMEDIATE=$(QUEUE_IMMEDIATE) $(BIN)/flask run --host 127.0.0.1 --port 5000

# The production set-up, locally: gunicorn (WEB_CONCURRENCY workers, 4 by default, on
# BIND=127.0.0.1:8000) and the background worker, against DATABASE_URL (and REDIS_URL,
# if set). Ctrl-C stops both.
serve: translations migrate $(VENV)/.dev-installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

# The types are checked first: a few seconds (the first run about half a minute), and a
# mistake mypy finds is cheaper to read there than as a failing test.
# The suite runs on every core (pytest-xdist, a database or schema per worker);
# TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

test: typecheck translations node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The loop while writing code: everything but the browser tests.
test-fast: typecheck translations node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

screenshot: $(VENV)/.dev-installed translations
	$(BIN)/python -m docs.screenshot en
	$(BIN)/python -m docs.screenshot fa

lint: typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy on planner/, as configured in pyproject.toml ([tool.mypy]).
typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

clean-venv:
	rm -rf $(VENV)
