# Two commands do everything on a fresh machine with Python 3.11+ and npm:
#   make run    set up, migrate, seed the demo city, serve web + Celery worker + beat
#   make test   set up and run the whole suite (ruff, import layers, migrations check, pytest)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# An empty PYTHONPATH puts the working directory on sys.path, and our portfolio/tasks.py would
# then shadow the tasks app: never inherit one.
unexport PYTHONPATH
export DEBUG ?= true

.PHONY: run test bench lint messages clean install install-dev assets backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to install the front-end packages (Bootstrap, htmx, ECharts)."; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
assets: node_modules/.installed

run: install assets
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo
	@echo "  城市数字化转型项目赋能平台: http://127.0.0.1:$(PORT)/"
	@echo "  Demo accounts and their password: var/demo-accounts.txt"
	@echo
	PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: install-dev assets lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev assets
	$(BIN)/python -m bench $(BENCH_ARGS)

messages: install-dev
	$(BIN)/python manage.py catalogues

# Backup and restore of the PostgreSQL database that DATABASE_URL names (docs/reliability.md):
#   make backup FILE=portfolio-2026-12-08.dump     pg_dump, custom format (compressed; schema,
#                                                  data, sequences, triggers and their functions)
#   make restore FILE=portfolio-2026-12-08.dump    pg_restore into an EMPTY database, in one
#                                                  transaction: all of it or, on any error, nothing
# Owners and grants are left out (--no-owner --no-privileges): the restoring role owns what it
# restores; grant the application's role afterwards (manage.py grant_app_role).
backup restore: _check-backup-arguments
backup:
	pg_dump --format=custom --no-owner --no-privileges --file="$(FILE)" "$$DATABASE_URL"
	@echo "$(FILE): backup of $${DATABASE_URL##*/} written."
restore:
	@test -f "$(FILE)" || { echo "$(FILE): no such file."; exit 2; }
	pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$$DATABASE_URL" "$(FILE)"
	@echo "$(FILE) restored into $${DATABASE_URL##*/}."
_check-backup-arguments:
	@test -n "$(FILE)" || { echo "Name the file: make $(MAKECMDGOALS) FILE=path/to/portfolio.dump"; exit 2; }
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "DATABASE_URL must name a PostgreSQL database (postgres://user@host:5432/name)."; \
	     echo "The embedded SQLite database is one file: copy it with sqlite3 var/db.sqlite3 '.backup FILE'."; exit 2;; esac

clean:
	rm -rf $(VENV) node_modules var
