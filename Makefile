# The two commands of the README:
#   make build   set up .venv, check the strategy and build the website and the application
#   make test    set up the test tools (Chromium, axe-core, LibreOffice) and run lint and the whole test suite
# For contributors (CONTRIBUTING.md, "Tests"):
#   make test-fast   lint and every test that builds no document, no site and no browser (under 2 minutes)
#   make golden      rewrite the files of expected output after an intended change (then: git diff tests/)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AXE_VERSION := 4.11.0
# the browser editor (rek cms): its package, and the local backend its browser test writes through
DECAP_VERSION := 3.16.3
DECAP_SERVER_VERSION := 3.11.3
NODE_TOOLS := .cache/node/.installed-axe-$(AXE_VERSION)-decap-server-$(DECAP_SERVER_VERSION)
DECAP_PACKAGE := .cache/rek/decap-cms-$(DECAP_VERSION).tgz

.PHONY: build test test-fast golden lint bench clean

$(BIN)/rek: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/rek

build: $(BIN)/rek
	$(BIN)/rek check
	$(BIN)/rek build

# one npm install for all node tools: a second 'npm install --no-save' would remove the first one's packages
$(NODE_TOOLS):
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/node axe-core@$(AXE_VERSION) \
		decap-server@$(DECAP_SERVER_VERSION)
	touch $@

# rek cms takes Decap CMS from here (XDG_CACHE_HOME=.cache) and checks its sha512 before use
$(DECAP_PACKAGE):
	mkdir -p .cache/rek
	npm pack --silent decap-cms@$(DECAP_VERSION) --pack-destination .cache/rek >/dev/null

/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Chromium fehlt: sudo apt-get install chromium (die Browser-Tests werden sonst übersprungen)"; fi

# LibreOffice (writer and calc without a GUI) converts rek's DOCX/XLSX to PDF in tests/test_office.py;
# poppler-utils reads the PDFs back; Liberation fonts stand in for Arial; hyphen-de hyphenates as Word does
OFFICE_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation2 hyphen-de

/usr/bin/soffice:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends -o=Dpkg::Use-Pty=0 $(OFFICE_PACKAGES) >/dev/null; \
	else echo "LibreOffice fehlt: sudo apt-get install $(OFFICE_PACKAGES) (die Office-Tests werden sonst übersprungen)"; fi

lint: $(BIN)/rek
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(BIN)/rek $(NODE_TOOLS) $(DECAP_PACKAGE) /usr/bin/chromium /usr/bin/soffice lint
	$(BIN)/python -m pytest

# no Chromium, Pandoc, Typst or MkDocs; property tests with 25 examples each instead of 150
FAST := not browser and not documents and not slow
test-fast: $(BIN)/rek lint
	REK_FUZZ_EXAMPLES=$${REK_FUZZ_EXAMPLES:-25} $(BIN)/python -m pytest -q -m "$(FAST)"

# after an intended change of the output: rewrite the files of expected output, then read git diff tests/
golden: $(BIN)/rek
	$(BIN)/python -m pytest -q -m golden --update-golden

bench: $(BIN)/rek
	$(BIN)/python scripts/bench.py

clean:
	rm -rf build build-antrag .pytest_cache
