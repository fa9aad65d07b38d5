# e-Cabinet: `make run` serves the whole product with demo data; `make test` runs every test.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
DAPHNES ?= 2

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.venv/.installed: requirements.txt
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

.PHONY: setup
setup: system .venv/.installed messages ## Install system packages and Python dependencies

.PHONY: system
system: ## Install missing system packages (fonts, PDF tools, Chromium, SoftHSM)
	@bash scripts/system-deps.sh

.PHONY: messages
messages: .venv/.installed ## Compile the translation catalogues
	@$(PY) manage.py compilemessages --ignore=.venv -v 0

.PHONY: makemessages
makemessages: .venv/.installed ## Extract translatable strings into locale/vi
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=var --ignore=static/vendor --no-obsolete

.PHONY: run
run: setup ## Serve the product with demo data on http://127.0.0.1:$(PORT)
	@mkdir -p $${ECABINET_VAR_DIR:-var}
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --no-input -v 0
	PY=$(PY) PORT=$(PORT) bash scripts/run.sh

.PHONY: serve-prod
serve-prod: setup ## The production layout on this machine: nginx on $(PORT) in front of $(DAPHNES) Daphne processes, PostgreSQL + Redis
	PY=$(PY) PORT=$(PORT) DAPHNES=$(DAPHNES) DEMO=1 \
		DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ecabinet} \
		REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} bash scripts/prod-local.sh

.PHONY: verify-records
verify-records: setup ## Judge the demo's archived records with pyHanko's stock AdES-LTA validator, pdfsig and qpdf (now, +1 and +5 years)
	@mkdir -p $${ECABINET_VAR_DIR:-var}
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo > /dev/null
	@rm -rf $${ECABINET_VAR_DIR:-var}/verify-records
	$(PY) manage.py archive_export_records --out $${ECABINET_VAR_DIR:-var}/verify-records
	$(PY) manage.py pki export-root --out $${ECABINET_VAR_DIR:-var}/verify-records/root.pem
	$(PY) scripts/verify_records.py $${ECABINET_VAR_DIR:-var}/verify-records --root $${ECABINET_VAR_DIR:-var}/verify-records/root.pem

.PHONY: test
test: setup ## Run every test: on SQLite and, at the same time, on PostgreSQL + Redis when they are up
	@if bash scripts/services-up.sh "$(PG_URL)" "$(REDIS_TEST_URL)"; then \
		PG_URL="$(PG_URL)" REDIS_TEST_URL="$(REDIS_TEST_URL)" PYTEST_ARGS="$(PYTEST_ARGS)" \
			bash scripts/test-both.sh; \
	elif [ -n "$${CI:-}" ]; then \
		echo "CI needs PostgreSQL and Redis on 127.0.0.1" >&2; exit 1; \
	else \
		echo "PostgreSQL or Redis not reachable: the suite runs on SQLite only"; \
		$(MAKE) --no-print-directory test-sqlite; \
	fi

.PHONY: test-sqlite
test-sqlite: setup ## Run the tests on the embedded default (SQLite, in-memory layer)
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: setup ## Run the tests on PostgreSQL and Redis
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS)

.PHONY: bench
bench: setup ## Live room (one Daphne; nginx + 2 Daphnes), named and secret vote storms (nginx + 2 Daphnes on PostgreSQL), votes through faults, signing, minutes and archive search, each beside a baseline of the same run (needs PostgreSQL and Redis)
	$(PY) -m bench.broadcast --tablets 50 200 500 1000 2000 --rate 5 --seconds 6
	$(PY) -m bench.broadcast --proxy --daphnes 2 --tablets 200 500 1000 2000 --rate 5 --seconds 6
	$(PY) -m bench.vote_storm --proxy --daphnes 2 --voters 500 --duplicates 0.2
	$(PY) -m bench.vote_storm --proxy --daphnes 2 --voters 2000 --duplicates 0.2
	$(PY) -m bench.vote_storm --proxy --daphnes 2 --voters 500 --duplicates 0.2 --secret
	$(PY) -m bench.vote_storm --proxy --daphnes 2 --voters 2000 --duplicates 0.2 --secret
	$(PY) -m bench.faults --tablets 200 --rounds kill redis postgres
	$(PY) -m bench.signing --pages 20 --repeat 5
	$(PY) -m bench.minutes --pages 10 50 200
	$(PY) -m bench.archive_search --docs 100000
	$(PY) -m bench.watermark --pages 20 200 2000 --sizes 150 --repeat 5
	$(PY) -m bench.briefcase --papers 20 --pages 30 --repeat 3

.PHONY: lint
lint: .venv/.installed ## Check style (ruff)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

.PHONY: format
format: .venv/.installed ## Format the code (ruff)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

.PHONY: clean
clean: ## Remove local data (database, media, collected static files)
	rm -rf var
