# gongkai: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8001

.PHONY: demo test install lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "gongkai needs Python 3.11 or newer as $(PYTHON) (make PYTHON=python3.11 ...)"; exit 2; }
	@$(PYTHON) -m venv $(VENV) || \
		{ rm -rf $(VENV); echo "cannot create $(VENV): on Debian/Ubuntu, apt-get install python3-venv"; exit 2; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## make demo: crawl the bundled sample bureau sites and serve Datasette on http://127.0.0.1:8001
demo: install
	$(BIN)/gongkai demo --db var/demo.db --port $(PORT)

## make test: install what the tests need, lint, check the import layering, run the suite
test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: install
	$(BIN)/ruff check crawler pipeline archive datasette tests bench
	$(BIN)/ruff format --check crawler pipeline archive datasette tests bench
	$(BIN)/lint-imports
	@test ! -e datasette/__init__.py || (echo "datasette/__init__.py shadows the installed Datasette" && exit 1)

bench: install
	$(BIN)/python bench/crawl_overhead.py

clean:
	rm -rf var build *.egg-info .pytest_cache
