# Every target sets itself up: a virtual environment with pinned packages, npm packages, Debian packages.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
REQ_HASH := $(shell sha1sum requirements.txt | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQ_HASH)
NODE_STAMP := node_modules/.installed
BUILDER ?= mkdocs
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
# Reproducible builds: the dates MkDocs writes (sitemap lastmod, the sitemap.xml.gz header) are the last commit's.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)

.DEFAULT_GOAL := help
.PHONY: help setup site generate serve test bench goldens schema validate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m generator vendor
	@rm -f $(VENV)/.installed-*; touch $@

$(NODE_STAMP): package.json package-lock.json
	@scripts/ensure-system-deps node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(STAMP) $(NODE_STAMP) ## Create .venv and install pinned packages
	@scripts/ensure-system-deps fonts pdf

generate: setup ## Validate data/ and generate content/ (both editions)
	$(BIN)/python -m generator build

# The link check fails the MkDocs build; after a Zensical build it reports only, as Zensical rewrites relative
# links inside raw HTML as if they were relative to the Markdown file (see CHANGELOG.md).
site: generate ## Generate and build the site into site/ (mkdocs build --strict, or BUILDER=zensical); check its links
	$(BIN)/python -m generator site --builder $(BUILDER)
	$(if $(filter zensical,$(BUILDER)),-)$(BIN)/python -m generator linkcheck

serve: setup ## Preview on http://127.0.0.1:8000 (English: :8001/en/), regenerating when data/ or templates/ change
	$(BIN)/python -m generator serve

validate: $(STAMP) ## Check data/ and report every problem
	$(BIN)/python -m generator validate

schema: $(STAMP) ## Regenerate data/schema/ from the models
	$(BIN)/python -m generator schema

test: setup ## Run the whole test suite (unit, golden, build, browser)
	@scripts/ensure-system-deps browser fonts pdf
	$(BIN)/python -m pytest

goldens: setup ## Refresh the golden pages after an intended change
	$(BIN)/python -m pytest tests/test_golden.py --update-goldens -q

bench: setup ## Benchmark generation and site build at 1,000 and 10,000 collectibles
	@scripts/ensure-system-deps browser
	$(BIN)/python -m generator bench

clean: ## Remove generated content and site/ (hand-written pages stay)
	-$(BIN)/python -m generator clean
	rm -rf site
