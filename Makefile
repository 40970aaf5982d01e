# Co-Lab: `make run` sets up and serves the app; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app colab
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run dev test install install-dev translations db content demo chromium vnu lighthouse wrk bench bench-inprocess clean extract

run: install translations db content demo ## Set up everything and serve on http://127.0.0.1:5000 as in production
	COLAB_DEVELOPMENT=1 COLAB_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py 'wsgi:app'

dev: install translations db content demo ## Serve with Flask's reloader and debugger (never on a shared network)
	COLAB_DEVELOPMENT=1 $(FLASK) run --debug --host 127.0.0.1 --port $(PORT)

test: install-dev translations chromium vnu ## Lint, then run the whole suite (SQLite, PostgreSQL if configured, browser)
	$(BIN)/ruff check colab tests
	$(BIN)/pytest -n auto --durations=15

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install ## Compile the gettext catalogs
	$(BIN)/pybabel compile --directory translations --statistics 2>&1 | grep -v '^$$' || true
	@test -f translations/es/LC_MESSAGES/messages.mo

extract: install ## Extract new strings and merge them into every catalog
	$(FLASK) translate update

db: install ## Apply migrations and create reference data
	COLAB_DEVELOPMENT=1 $(FLASK) db upgrade
	COLAB_DEVELOPMENT=1 $(FLASK) setup

content: db ## Validate and load content/
	COLAB_DEVELOPMENT=1 $(FLASK) content sync

demo: content ## Create the demo accounts once
	COLAB_DEVELOPMENT=1 $(FLASK) demo

chromium: ## Install Debian's Chromium for the browser tests (needs root; never downloads a browser build)
	@bash scripts/install-chromium

vnu: ## Install the Nu Html Checker (npm's vnu-jar) that checks every page the browser tests render
	@bash scripts/install-vnu

lighthouse: install ## Lighthouse on the main pages, mobile mode (serve the demo first: make run)
	$(BIN)/python scripts/lighthouse.py --base http://$(HOST):$(PORT)

wrk: ## Install Debian's wrk for the HTTP benchmark (needs root)
	@bash scripts/install-wrk

bench: install-dev translations wrk ## Serve under gunicorn beside a bare Flask app and drive both with wrk (docs/performance.md)
	$(BIN)/python scripts/bench_http.py --profile

bench-inprocess: install translations ## Quick in-process page weights and times with the test client
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) instance/colab.sqlite translations/*/LC_MESSAGES/*.mo
