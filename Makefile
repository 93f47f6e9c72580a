# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test lint translations migrate demo clean-venv

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

translations: $(VENV)/.runtime-installed
	$(BIN)/pybabel compile --statistics -d planner/translations 2>&1 | tail -n 2

migrate: $(VENV)/.runtime-installed
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo load --if-empty

run: translations demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev-installed translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean-venv:
	rm -rf $(VENV)
