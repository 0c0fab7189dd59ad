# Two commands do everything on a fresh machine (see README.md):
#   make demo   - install, start services, migrate, seed demo data, run web + worker + beat
#   make test   - install, start services, lint, check migrations, run the whole test suite

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DEMO_PASSWORD ?= demo-pass-2026

.PHONY: demo test setup venv services migrate run lint format messages clean

demo: setup
	$(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)"
	bash scripts/run_all.sh

test: venv services
	@bash scripts/browser_deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

setup: venv services migrate

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@bash scripts/venv.sh "$(PYTHON)" "$(VENV)"
	@touch $@

services: venv
	@bash scripts/services.sh

migrate: venv services
	$(PY) manage.py migrate --no-input

run:
	bash scripts/run_all.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages:
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles test-output
