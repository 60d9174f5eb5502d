# 微社群: two commands do all the set-up on a fresh machine.
#   make run   - virtualenv, install, migrate, demo data on first run, serve on 127.0.0.1:5000
#   make test  - virtualenv, install, lint, format check, the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

run: install
	$(FLASK) db upgrade
	$(FLASK) forum demo
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest -q -p no:cacheprovider
	node --test miniprogram/test/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
