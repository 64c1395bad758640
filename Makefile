# invoicegraph — every set-up step lives here, so a fresh clone needs only `make run` / `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
export DATABASE_URL ?= sqlite:///./invoicegraph.db

.PHONY: install system system-test assets run serve demo test lint typecheck pytest soak bench schema clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

system:            ## Debian packages the server needs (fonts, HarfBuzz subsetting for PDFs)
	scripts/setup-system.sh runtime

system-test:       ## plus what the tests need (PostgreSQL, Chromium, poppler)
	scripts/setup-system.sh test

assets: install    ## GraphiQL and Redoc (/docs), from the npm registry (never a CDN)
	scripts/build_graphiql.sh
	scripts/build_docs.sh

run: install system assets   ## demo data on the embedded SQLite, then serve
	@echo "Demo write key (send it as 'Authorization: Bearer <key>'):"
	@$(VENV)/bin/invoicegraph demo
	@echo "Serving on http://$(HOST):$(PORT)  (GraphiQL: http://$(HOST):$(PORT)/graphql)"
	$(VENV)/bin/invoicegraph serve --host $(HOST) --port $(PORT)

serve: install
	$(VENV)/bin/invoicegraph serve --host $(HOST) --port $(PORT)

test: install system-test assets lint typecheck pytest   ## the whole suite, as CI runs it

lint: install
	$(VENV)/bin/ruff check invoicegraph tests scripts bench
	$(VENV)/bin/ruff format --check invoicegraph tests scripts bench

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest -n 2 --dist loadgroup

soak: install system-test   ## the red team at length: thousands of fuzzed requests, the kill tests
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} $(VENV)/bin/pytest -n 2 --dist loadgroup -p no:randomly \
		tests/fuzz tests/integration/hardening tests/integration/faults

schema: install   ## regenerate the committed GraphQL SDL
	$(PY) -m invoicegraph.schema.export > schema.graphql

bench: install system-test
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) invoicegraph.db* invoicegraph/static/graphiql build artifacts vendor
