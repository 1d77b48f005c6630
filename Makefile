# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT   ?= 8000
export PORT

.PHONY: run test lint install migrate demo bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tend needs Python 3.11 or newer")'
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} TEND_DEMO=1 $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-1} TEND_DEMO=1 $(BIN)/python manage.py seed_maintenance
	DEBUG=$${DEBUG:-1} TEND_DEMO=1 $(BIN)/python manage.py seed_monitoring
	DEBUG=$${DEBUG:-1} TEND_DEMO=1 $(BIN)/python manage.py seed_problems
	DEBUG=$${DEBUG:-1} TEND_DEMO=1 $(BIN)/python manage.py seed_capacity

## web + worker + beat, on SQLite and a file broker unless DATABASE_URL / REDIS_URL are set
# Links in e-mails point at the port served here unless TEND_BASE_URL says otherwise.
run: export TEND_BASE_URL ?= http://127.0.0.1:$(PORT)
# The demo's staff reach the desk without enrolling a second factor (production requires
# one of DSEs, managers and admins): `TEND_MFA_REQUIRED_ROLES=DSE,Manager,Admin make run`.
run: export TEND_MFA_REQUIRED_ROLES ?=
run: demo
	@DEBUG=$${DEBUG:-1} TEND_DEMO=1 $(BIN)/python manage.py demo_logins --port $(PORT)
# Ctrl-C (or a SIGTERM to the group) is how `make run` ends, not an error: the trap, run
# once honcho has stopped web, worker and beat, keeps make from reporting "Error 130/143".
	@trap 'exit 0' INT TERM; DEBUG=$${DEBUG:-1} PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/honcho -f Procfile start

## style, the import ladder, and the house plan: only services write, no cycles, layout
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache --no-logo
	@status=0; for check in writes cycles layout; do \
		echo "$(BIN)/python tools/check_$$check.py"; $(BIN)/python tools/check_$$check.py || status=1; \
	done; exit $$status

## the whole suite; tests needing Postgres/Redis/Chromium skip with a reason unless CI=true
test: $(STAMP) lint
	DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings >/dev/null || (echo "Missing migrations: run manage.py makemigrations" && exit 1)
	$(BIN)/pytest -n 2 --dist loadfile -p no:cacheprovider -m "not transactional" $(PYTEST_ARGS)
	$(BIN)/pytest -p no:cacheprovider -m transactional $(PYTEST_ARGS) || test $$? -eq 5

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var/tend.sqlite3* var/celery var/celerybeat-schedule* var/cache var/media var/test-media
