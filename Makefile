# Two commands: `make run` sets everything up and serves the app; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Local work runs with DEBUG on; `make serve` (production) turns it off.
export DJANGO_DEBUG ?= true
REPORTS_DIR ?= ../shared/reports

.PHONY: run demo serve test bench install install-app setup fixtures lint format check vendor clean

# Running the app needs requirements.txt only; the tests, linters and benchmarks need
# requirements-dev.txt too (Playwright, Datasette, ruff, pytest), installed by the
# targets that use them, so a first `make run` does not wait for them.
$(VENV)/.installed-app: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed: $(VENV)/.installed-app requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install-app: $(VENV)/.installed-app

install: $(VENV)/.installed

# Migrate and load the published data into a new database; an existing one is kept.
setup: install-app
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_published_data

run: setup
	$(PY) manage.py create_demo_accounts --if-debug
	@echo "Sign in at http://127.0.0.1:$(PORT)/accounts/login/ as admin, inspector or director-<region> (e.g. director-london), password tracker-demo-password (local demo accounts only)."
	@echo "Serving Inspection Findings at http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Generated national data (12 regions, about 110 PDUs, two inspections each) in a
# database of its own, never the published one, served with a banner on every page.
DEMO_DATABASE := sqlite:///$(CURDIR)/demo.sqlite3
demo: install-app
	DJANGO_DEMO=true DATABASE_URL=$(DEMO_DATABASE) $(PY) manage.py migrate --noinput
	DJANGO_DEMO=true DATABASE_URL=$(DEMO_DATABASE) $(PY) manage.py build_demo_data
	DJANGO_DEMO=true DATABASE_URL=$(DEMO_DATABASE) $(PY) manage.py create_demo_accounts --if-debug
	@echo "Serving the generated demonstration data at http://127.0.0.1:$(PORT)/ (not HMIP's data)"
	DJANGO_DEMO=true DATABASE_URL=$(DEMO_DATABASE) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production: gunicorn with DEBUG off, static files collected and compressed, migrations
# applied. Needs DATABASE_URL; Redis at DJANGO_REDIS_URL (default: this machine's).
serve: install-app
	DJANGO_DEBUG=false HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

# Two processes (pytest-xdist), each with a test database of its own.
test: install
	bash scripts/ensure_chromium.sh
	$(PY) -m pytest -n 2

# Every benchmark behind the README's performance tables, in one run (scripts/bench.sh).
bench: install
	bash scripts/bench.sh

# Rebuild fixtures/ from the report texts.
fixtures: install-app
	$(PY) manage.py build_fixtures $(REPORTS_DIR)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=example.org DATABASE_URL=sqlite:///:memory: \
	DJANGO_REDIS_URL=redis://127.0.0.1:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Re-vendor GOV.UK Frontend and plotly.js into static/ (needs npm; commit the result).
vendor: install
	bash scripts/vendor_assets.sh

clean:
	rm -rf $(VENV) db.sqlite3 demo.sqlite3 staticfiles
