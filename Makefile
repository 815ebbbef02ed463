PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-browser lint format bench-import bench-graph clean stop

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Start embedded PostgreSQL and Redis, migrate, import the sample once, serve web and worker.
run: install
	$(BIN)/python manage.py runstack

## The whole test suite (real PostgreSQL, Redis, a Celery worker and Chromium).
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-import: install
	$(BIN)/python bench/import.py

bench-graph: install
	$(BIN)/python bench/graph.py

## Stop the embedded servers that `make run` or the tests left running.
stop: install
	$(BIN)/python -c "from bzpeer import embedded; embedded.stop_servers()"

clean: stop
	rm -rf .local staticfiles test-artifacts
