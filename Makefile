# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
SOFFICE := /usr/bin/soffice
DB := data/xxgk.duckdb

.PHONY: run test lint bench bench-formats bench-load bench-large bench-pages clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==26.3
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# The bundled database: rebuilt from data/reports when missing or older than
# the reports or the loader, built beside the old one and moved over it whole.
$(DB): $(STAMP) $(wildcard data/reports/*.json) $(wildcard etl/db/*.py)
	rm -f $(DB).new
	$(BIN)/python -m etl load data/reports --db $(DB).new --strict
	mv $(DB).new $(DB)
	rm -f $(DB).new.lock

run: $(DB) $(SOFFICE)
	$(BIN)/streamlit run dashboard.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk

# Old Word (.doc), WPS, RTF and ODT reports are read through LibreOffice
# (etl/readers/libreoffice.py): by the loader, the tests and 检查报告's uploads.
$(SOFFICE):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui

test: lint $(CHROMIUM) $(SOFFICE)
	$(BIN)/python -m etl schema --check
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/parse_text.py

# Reports per second by input format: text, HTML, Markdown, Word, PDF, and
# .doc, .rtf and .odt through LibreOffice.
bench-formats: $(STAMP) $(SOFFICE)
	$(BIN)/python -m benchmarks.parse_formats

# Loading 100,000 synthetic JSON reports (a few minutes; data in benchmarks/data/).
bench-load: $(STAMP)
	$(BIN)/python -m benchmarks.load_json

# A 1,000,000-report database and the dashboard's query latency (builds for ~25 minutes once).
bench-large: $(STAMP)
	$(BIN)/python -m benchmarks.large_db

# Each dashboard page in the browser on that database, and 10 sessions at once.
bench-pages: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m benchmarks.page_load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
