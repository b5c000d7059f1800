# MDS Connectée — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Test services: PostgreSQL and Redis on this machine by default (override on the command line).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mds_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run test services services-stop lint typecheck pytest e2e bench bench-queue bench-pageweight clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 ou plus est nécessaire (PYTHON=python3.12 make ...).")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## make run: environment, migrations, demo data, server on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_periodic_tasks
	$(BIN)/python manage.py seed_demo
	@echo "MDS Connectée : http://127.0.0.1:8000"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy .

## make services: reuse or start PostgreSQL, Redis and Chromium for the tests (scripts/test-services.sh,
## also used by .ci/run); it prints what to install when it cannot. make services-stop: stop the
## private ones it started (.services/, or docker compose).
services:
	@TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL="$(TEST_REDIS_URL)" scripts/test-services.sh start

services-stop:
	@scripts/test-services.sh stop

## make test: lint, types, then the whole suite on PostgreSQL + Redis, Celery worker and Chromium.
test: install
	@if [ "$$ALLOW_SQLITE" = "1" ]; then \
	  echo "ALLOW_SQLITE=1 : suite sur SQLite, tâches Celery exécutées sans broker."; \
	else \
	  TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL="$(TEST_REDIS_URL)" scripts/test-services.sh start; \
	fi
	$(MAKE) --no-print-directory lint typecheck
	@if [ "$$ALLOW_SQLITE" = "1" ]; then \
	  env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(PYTEST_ARGS); \
	else \
	  DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest $(PYTEST_ARGS); \
	fi

e2e: install
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest tests/e2e $(PYTEST_ARGS)

## make bench: the check-in benchmark against a bare view (figures, not a test; see bench/README.md)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mds_bench
bench: install
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python bench/checkin.py $(BENCH_ARGS)

## make bench-queue: bytes per poll of the waiting list at 100 present (bench/queue_poll.py)
bench-queue: install
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python bench/queue_poll.py $(BENCH_ARGS)

## make bench-pageweight: bytes and load times of the accueil pages on a 400 kbit/s, 400 ms link
bench-pageweight: install
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python bench/pageweight.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
