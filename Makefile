# Tongban — the two commands a new operator needs are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
VENDOR := src/tongban/static/vendor
FONTS  := node_modules/@expo-google-fonts/noto-serif-sc
ASSETS := $(VENDOR)/echarts.common.min.js $(VENDOR)/htmx.min.js \
  $(VENDOR)/swagger-ui-bundle.js $(VENDOR)/swagger-ui.css \
  $(VENDOR)/fonts/NotoSerifSC-Regular.ttf $(VENDOR)/fonts/NotoSerifSC-Bold.ttf
export TONGBAN_DATABASE_URL ?= sqlite:///var/tongban.sqlite3

.PHONY: run test test-fast bench bench-load bench-security lint audit-deps fmt migrate install install-dev lock clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(DEVSTAMP): $(STAMP) requirements-dev.lock
	$(BIN)/pip install -q -r requirements-dev.lock
	touch $@

# Browser assets from the npm registry, pinned in package-lock.json: ECharts (its common
# build: bar, line, pie with tooltips and legends, a third smaller on the wire) is served
# by the dashboard, htmx by every page (partial updates), Swagger UI by the API docs page
# (served from here: government networks are often offline), axe-core is injected by the
# accessibility tests.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; } || \
	  { echo "npm is needed for the browser assets: apt-get install npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --silent

$(VENDOR)/echarts.common.min.js: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.common.min.js $@

$(VENDOR)/htmx.min.js: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# Noto Serif SC (SIL Open Font License), embedded as a subset in e-licence PDFs: no root
# and no system font needed (TONGBAN_LICENCE_FONT names another).
$(VENDOR)/fonts/NotoSerifSC-Regular.ttf: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp $(FONTS)/400Regular/NotoSerifSC_400Regular.ttf $@

$(VENDOR)/fonts/NotoSerifSC-Bold.ttf: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp $(FONTS)/700Bold/NotoSerifSC_700Bold.ttf $@

$(VENDOR)/swagger-ui-bundle.js $(VENDOR)/swagger-ui.css: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/swagger-ui-dist/$(notdir $@) $@

install: $(STAMP) $(ASSETS)       ## runtime dependencies (pinned in requirements.lock, package-lock.json)
install-dev: $(DEVSTAMP) $(ASSETS) ## + test and lint tools (requirements-dev.lock)

run: install            ## serve on the embedded SQLite file with the demo loaded
	$(BIN)/tongban serve --demo

system-deps:            ## Debian packages the browser and PDF signature tests need (installed when run as root)
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdfsig ]; } && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei poppler-utils; fi

test: install-dev system-deps ## lint, type-check and the whole test suite
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r src --severity-level high  # security lint: 0 high-severity findings
	$(BIN)/python tools/audit_dependencies.py --report-only  # known vulnerabilities: printed
	$(BIN)/pytest -n 2 --maxfail=20

bench: install bench-load ## benchmarks under bench/ (results go to BENCHMARKS.md by hand)
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/collect_once.py

bench-security: install-dev ## the security and reliability suites in their long form (figures printed)
	$(BIN)/python bench/security.py

bench-load: install       ## 20 users, no think time, on a SQLite file (loopback; fails on any error)
	$(BIN)/python bench/load.py

test-fast: install-dev
	$(BIN)/pytest -x -q -m "not browser"

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r src --severity-level high  # security lint: 0 high-severity findings
	$(BIN)/python tools/audit_dependencies.py  # known vulnerabilities: fails on any found

audit-deps: install-dev  ## pip-audit of requirements.lock (offline: says NOT AUDITED, exit 0)
	$(BIN)/python tools/audit_dependencies.py

fmt: install-dev
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

migrate: install
	$(BIN)/tongban migrate

lock:                   ## re-pin dependencies after editing requirements*.in
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile -q --python-version 3.11 requirements.in -o requirements.lock
	$(BIN)/uv pip compile -q --python-version 3.11 requirements-dev.in -o requirements-dev.lock

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
