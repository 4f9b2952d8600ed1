# The two commands of the README:
#   make build   set up .venv, check the strategy and build the website and the application
#   make test    set up the test tools (Chromium, axe-core) and run lint and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AXE_VERSION := 4.11.0

.PHONY: build test golden lint bench clean

$(BIN)/rek: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/rek

build: $(BIN)/rek
	$(BIN)/rek check
	$(BIN)/rek build

.cache/node/node_modules/axe-core/axe.min.js:
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/node axe-core@$(AXE_VERSION)

/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Chromium fehlt: sudo apt-get install chromium (die Browser-Tests werden sonst übersprungen)"; fi

lint: $(BIN)/rek
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(BIN)/rek .cache/node/node_modules/axe-core/axe.min.js /usr/bin/chromium lint
	$(BIN)/python -m pytest

# after an intended change of the output: rewrite the files of expected output, then read git diff tests/
golden: $(BIN)/rek
	$(BIN)/python -m pytest -q -m golden --update-golden

bench: $(BIN)/rek
	$(BIN)/python scripts/bench.py

clean:
	rm -rf build build-antrag .pytest_cache
