# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?=
# Where the site is served; links in the demo's emails follow it.
ADDRESS := http://$(HOST):$(PORT)
export WAGTAILADMIN_BASE_URL ?= $(ADDRESS)

.PHONY: run test lint bench install install-dev migrate seed serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing the Python packages (first run only)..."
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	@echo "Setting up the database (the first run takes a minute or two; a dot per step):"
	@set -o pipefail; DJANGO_SETTINGS_MODULE=coproduce.settings.dev $(BIN)/python manage.py migrate --no-input -v 1 \
		| awk '/Applying/ { printf "."; fflush() } END { print " done." }'

seed: migrate
	@echo "Adding the demo content:"
	@DJANGO_SETTINGS_MODULE=coproduce.settings.dev $(BIN)/python manage.py seed_demo --address "$(ADDRESS)" $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")

serve:
	@echo "Serving HTTP and WebSockets at $(ADDRESS)/ (Ctrl+C to stop)"
	@DJANGO_SETTINGS_MODULE=coproduce.settings.dev $(BIN)/daphne -b $(HOST) -p $(PORT) coproduce.asgi:application

run: seed serve

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
