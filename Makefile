# Bền Vững — the two commands of the README are `make run` and `make test`.
# Everything else here is a step they use, or a tool for maintainers.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# A laptop runs with DEBUG on unless told otherwise; production uses docs/deploy.md.
export DEBUG ?= 1

.PHONY: setup setup-test browser documents run dev prepare serve test lint format pytest lock messages benchmark clean help

help:
	@echo "make run    install, prepare the database with reference and demo data, serve the site"
	@echo "            as production does (DEBUG off); make dev: the same with DEBUG on, reloading"
	@echo "make test   install test dependencies, lint, run the whole suite (SQLite, and"
	@echo "            PostgreSQL too when DATABASE_URL points at one)"

# --- installation (idempotent: pip only installs what changed) -------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "setuptools==84.2.1" "wheel==0.48.0"

$(VENV)/.installed: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test.txt
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test browser documents

# The browser tests (benvung/portal/tests/test_accessibility.py) drive Debian's chromium, never a
# browser downloaded by Playwright. Installed here when missing and we may (root with apt-get);
# otherwise, or if apt fails, those tests are skipped and say why.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends chromium >/dev/null; } \
	  || echo "WARNING: chromium could not be installed: the browser tests will be skipped"; \
	else \
	  echo "(no $(CHROMIUM), and not root with apt-get: the browser tests will be skipped)"; \
	fi

# Official documents are converted to PDF by LibreOffice, and the test that nothing is lost in
# the PDF reads its words back with poppler's pdftotext; Liberation Serif stands in for Times New
# Roman with the same metrics. Installed here when missing and we may (root with apt-get);
# otherwise the PDF is left out with a message, and that test is skipped and says why.
DOCUMENT_PACKAGES ?= libreoffice-writer-nogui poppler-utils fonts-liberation2
documents:
	@if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing LibreOffice and poppler-utils for the official documents' PDF"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(DOCUMENT_PACKAGES) >/dev/null; } \
	  || echo "WARNING: LibreOffice could not be installed: documents come without their PDF"; \
	else \
	  echo "(no LibreOffice, and not root with apt-get: documents come without their PDF)"; \
	fi

# --- run ---------------------------------------------------------------------------------------
prepare: setup documents
	$(BIN)/benvung migrate --no-input
	$(BIN)/benvung load_reference
	$(BIN)/benvung load_plan
	$(BIN)/benvung load_demo $(DEMO_FLAGS)
	$(BIN)/benvung indicators --recompute

# `make run` serves as production does (docs/deploy.md): DEBUG off, gunicorn with WhiteNoise's
# compressed, fingerprinted static files, the product's own error pages, beside the task worker
# and the scheduler. What a laptop cannot have is turned off, and only that: HTTPS (no redirect,
# no HSTS, cookies not marked Secure). The secret key is generated once into var/ and kept, so
# sessions survive restarts. `make dev` is the developers' server (DEBUG on, reloads on change).
SECRET_KEY_FILE ?= $(CURDIR)/var/secret-key
$(SECRET_KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: export DEBUG = 0
run: export SECRET_KEY_FILE := $(SECRET_KEY_FILE)
run: export ALLOWED_HOSTS ?= $(HOST),localhost,127.0.0.1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: export SECURE_SSL_REDIRECT ?= 0
run: export SECURE_COOKIES ?= 0
run: export SECURE_HSTS_SECONDS ?= 0
run: export LOG_FORMAT ?= plain
# The demo's accounts have a published password: load_demo asks for this flag with DEBUG off,
# and a laptop's `make run` is the training installation it is meant for.
run: DEMO_FLAGS = --allow-production
run: $(SECRET_KEY_FILE) prepare
	@$(BIN)/benvung collectstatic --no-input -v0
	@$(BIN)/benvung demo_signins
	@echo "Serving http://$(HOST):$(PORT)/  (a task worker and the scheduler run beside it; Ctrl+C stops all)"
	@$(BIN)/python -m benvung.devtools.serve --host $(HOST) --port $(PORT)

dev: export SITE_URL ?= http://$(HOST):$(PORT)
dev: prepare
	@$(BIN)/benvung demo_signins
	@echo "Development server http://$(HOST):$(PORT)/  (DEBUG on, reloads on code changes)"
	@$(BIN)/python -m benvung.devtools.serve --host $(HOST) --port $(PORT) --reload

# --- test --------------------------------------------------------------------------------------
# lint-imports checks the layers of the apps (docs/architecture.md; contracts in pyproject.toml):
# an import upwards or between sibling domains fails the lint, hence `make test`.
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy benvung config
	$(BIN)/lint-imports

format: setup-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite always runs on SQLite; when DATABASE_URL names a PostgreSQL server it runs there too.
# On every core (pytest-xdist; each worker has its own test database): PYTEST_WORKERS=0 runs it
# in one process.
PYTEST_WORKERS ?= auto
pytest: setup-test
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@case "$$DATABASE_URL" in \
	  postgres*) echo "--- the same suite on PostgreSQL ($$DATABASE_URL)"; \
	             $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS) ;; \
	  *) echo "(DATABASE_URL does not name PostgreSQL: the PostgreSQL run is skipped)" ;; \
	esac

test: lint pytest

# --- maintainers -------------------------------------------------------------------------------
# Re-lock the whole dependency tree after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet "pip-tools==7.6.2"
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --extra test --constraint requirements/base.txt --output-file requirements/test.txt pyproject.toml

# Loader, lookup and page timings on a fresh SQLite database (printed, never asserted).
benchmark: setup
	rm -f var/benchmark.sqlite3*
	DATABASE_URL=sqlite:///$(CURDIR)/var/benchmark.sqlite3 $(BIN)/benvung migrate --no-input -v0
	DATABASE_URL=sqlite:///$(CURDIR)/var/benchmark.sqlite3 ALLOWED_HOSTS=testserver $(BIN)/benvung benchmark

# Re-extract and compile the translation catalogues (needs GNU gettext).
messages: setup-test
	$(BIN)/benvung makemessages --locale vi --no-obsolete --ignore ".venv/*" --ignore "var/*"
	$(BIN)/benvung compilemessages --locale vi --ignore ".venv/*"

clean:
	rm -rf $(VENV) var/test.sqlite3*
