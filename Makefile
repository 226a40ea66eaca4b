# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
SOFFICE := /usr/bin/soffice
NGINX := /usr/sbin/nginx
DB := data/xxgk.duckdb

.PHONY: run test lint bench bench-formats bench-pdf bench-ocr bench-hostile bench-load bench-large \
	bench-pages clean \
	ocr-libraries c-compiler

# pip also builds the one C module, etl/readers/_pdfium_bulk.c (setup.py). Its
# editable install warns that folders named like the package may shadow it:
# this checkout is that folder, so the warning is silenced.
$(STAMP): pyproject.toml constraints.txt setup.py etl/readers/_pdfium_bulk.c | c-compiler
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==26.3
	PYTHONWARNINGS="ignore:Editable installation" \
		$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# The C module needs a C compiler and Python's headers to build.
c-compiler:
	@command -v cc >/dev/null && \
	test -f "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("include"))')/Python.h" || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc python3-dev; }

# The bundled database: rebuilt from data/reports when missing or older than
# the reports or the loader, built beside the old one and moved over it whole.
$(DB): $(STAMP) $(wildcard data/reports/*.json) $(wildcard etl/db/*.py)
	rm -f $(DB).new
	$(BIN)/python -m etl load data/reports --db $(DB).new --strict
	mv $(DB).new $(DB)
	rm -f $(DB).new.lock

run: $(DB) $(SOFFICE) ocr-libraries
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

# The reverse proxy that compresses what the app sends (deploy/nginx.conf,
# docs/deploy.md); the tests run the dashboard behind it. Installing it may
# start Debian's own nginx service on port 80: the tests do not use it.
$(NGINX):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx

# Streamlit's web files gzipped ahead, which nginx serves from disk
# (deploy/nginx.conf); rebuilt whenever the packages are reinstalled.
STATIC := build/static
$(STATIC): $(STAMP) deploy/precompress.py
	$(BIN)/python deploy/precompress.py $@
	touch $@

# Scanned reports are read by OCR (etl/ocr/): its OpenCV needs the system's
# OpenGL and GLib libraries, which a minimal Debian lacks.
ocr-libraries:
	@ldconfig -p | grep -q 'libGL.so.1 ' && ldconfig -p | grep -q 'libglib-2.0.so.0 ' || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgl1 libglib2.0-0; }

test: lint $(CHROMIUM) $(SOFFICE) $(NGINX) $(STATIC) ocr-libraries
	$(BIN)/python -m etl schema --check
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/parse_text.py

# Reports per second by input format: text, HTML, Markdown, Word, PDF, and
# .doc, .rtf and .odt through LibreOffice.
bench-formats: $(STAMP) $(SOFFICE) ocr-libraries
	$(BIN)/python -m benchmarks.parse_formats

# Where a PDF report's time goes, step by step, and pdfium's own floor.
bench-pdf: $(STAMP)
	$(BIN)/python -m benchmarks.pdf_steps

# The two offline OCR engines on the test scans: the one we use (PP-OCR in
# rapidocr-onnxruntime) and Debian's Tesseract, installed for this comparison only.
bench-ocr: $(STAMP) ocr-libraries
	command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -q chi_sim || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-chi-sim; }
	$(BIN)/python -m benchmarks.ocr_engines

# Files no report could be (scans, bombs, fan-outs): seconds and peak memory to refuse each.
bench-hostile: $(STAMP) ocr-libraries
	$(BIN)/python -m benchmarks.hostile_files

# Loading 100,000 synthetic JSON reports (a few minutes; data in benchmarks/data/).
bench-load: $(STAMP)
	$(BIN)/python -m benchmarks.load_json

# A 1,000,000-report database and the dashboard's query latency (builds for ~25 minutes once).
bench-large: $(STAMP)
	$(BIN)/python -m benchmarks.large_db

# Each dashboard page in the browser on a 20,000-report database (direct and
# through nginx), and 10 sessions at once. DB=… for another database.
# Rebuilt when the database schema changes (an older one is refused, not patched).
PAGES_DB ?= benchmarks/data/synthetic-20000.duckdb
$(PAGES_DB): etl/db/schema.py | $(STAMP)
	mkdir -p $(dir $@)
	rm -f $@
	$(BIN)/python -m etl synth --reports 20000 --seed 1 --out $@

bench-pages: $(STAMP) $(CHROMIUM) $(NGINX) $(STATIC) $(PAGES_DB)
	$(BIN)/python -m benchmarks.page_load --db $(PAGES_DB)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	rm -f etl/readers/*.so
