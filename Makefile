# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?=

.PHONY: run test lint bench install install-dev migrate seed serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	DJANGO_SETTINGS_MODULE=coproduce.settings.dev $(BIN)/python manage.py migrate --no-input -v 0

seed: migrate
	DJANGO_SETTINGS_MODULE=coproduce.settings.dev $(BIN)/python manage.py seed_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")

serve:
	@echo "Serving HTTP and WebSockets at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_SETTINGS_MODULE=coproduce.settings.dev $(BIN)/daphne -b $(HOST) -p $(PORT) coproduce.asgi:application

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
