# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Re-install only when the declared or pinned dependencies change.
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-browser browser-tools audit lint format check-deploy check-migrations bench bench-scale install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The task worker (pictures' renditions, moderators' emails) runs beside the web server
# and stops with it.
run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --demo-accounts --base-url http://127.0.0.1:$(PORT)/
	$(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# axe-core (accessibility tests) and Lighthouse (make audit), from the npm registry, into
# the git-ignored tools/browser/node_modules. Without npm the browser tests say how to get it.
BROWSER_TOOLS := tools/browser/node_modules/.installed
$(BROWSER_TOOLS): tools/browser/package.json tools/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tools/browser && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: the accessibility tests will be skipped (apt-get install npm)"; fi

browser-tools: $(BROWSER_TOOLS)

# Everything: unit, integration and real-browser tests.
test: $(STAMP) $(BROWSER_TOOLS)
	$(BIN)/pytest

# Everything but the real-browser tests (about 20 seconds).
test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser"

test-browser: $(STAMP) $(BROWSER_TOOLS)
	$(BIN)/pytest -m browser

# Lighthouse scores of the running site's home and article pages (start it with make run),
# JSON reports in artifacts/lighthouse/. Targets: 100 accessibility, best practices and
# SEO; 95 performance. AUDIT_URL=http://host:port audits another running site.
AUDIT_URL ?= http://127.0.0.1:$(PORT)
audit: $(BROWSER_TOOLS)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PYTHON) tools/audit.py $(AUDIT_URL)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# What CI runs against the production settings, with throwaway secrets.
check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=newsroom.settings.prod \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=news.example.com \
	$(MANAGE) check --deploy --fail-level WARNING

# Fails when a model changed without its migration (CI runs it).
check-migrations: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run

# Requests per second of each public page against a bare Django response (see bench/run.py).
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Every page on a kept 100,000-article, 1,000,000-comment archive (PostgreSQL by default);
# see bench/README.md. Options through ARGS, e.g. make bench-scale ARGS="--database sqlite".
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py $(ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
