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

.PHONY: run test lint bench install install-dev migrate seed serve clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are reproducible: exact versions from the lock files (requirements/), regenerated
# from pyproject.toml by `make lock`. Stamp files: reinstall only when a lock file changes.
$(VENV)/.installed: requirements/base.txt pyproject.toml | $(BIN)/python
	@echo "Installing the Python packages (first run only)..."
	$(BIN)/python -m pip install --quiet -r requirements/base.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

# The other engines the browser tests run (tests/browser/test_other_engines.py): the Nu HTML
# checker and HTML_CodeSniffer, from npm (package-lock.json); reinstalled only when it changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# The suite runs on every core (pytest-xdist; each worker has its own test database). To run
# it in one process, e.g. to debug: make test PYTEST_ARGS=
PYTEST_ARGS ?= -n auto
test: install-dev node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: install-dev
	$(BIN)/python -m bench

# Regenerate the lock files after changing dependencies in pyproject.toml (needs the network to
# PyPI; pip-tools runs in a throwaway environment so it is not itself a dependency).
LOCK_FLAGS = --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet "pip-tools>=7.4,<8"
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) --output-file requirements/base.txt pyproject.toml
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) --extra dev --output-file requirements/dev.txt pyproject.toml
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
