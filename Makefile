# The book: raw posts + curated data -> scripts/convert.py -> docs/generated/ -> Sphinx -> _build/
#   make html    build the online book into _build/html (sets up .venv on first use)
#   make test    lint, then the whole test suite
#   make linkcheck   check every external address; report in _build/linkcheck/report.md
#   make system-deps   install the Debian packages for PDF and browser tests (root)
# POSTS=some/dir builds a book of any folder of posts (parts by year, no book file).

PYTHON       ?= python3
VENV         := .venv
PY           := $(VENV)/bin/python
POSTS        ?= content/posts
ifeq ($(POSTS),content/posts)
BOOK         ?= content/book.yaml
GLOSSARY     ?= content/glossary.yaml
RESOURCES    ?= content/resources.yaml
endif
GENERATED    := docs/generated
BUILDDIR     := _build
SPHINXOPTS   ?= -W --keep-going -n -j auto
SPHINXBUILD  := $(PY) -m sphinx -c . docs
CONVERT      := $(PY) scripts/convert.py --posts $(POSTS) --out $(GENERATED) \
                $(if $(BOOK),--book $(BOOK)) $(if $(GLOSSARY),--glossary $(GLOSSARY)) \
                $(if $(RESOURCES),--resources $(RESOURCES))
# Debian packages: Chromium for browser tests, fonts for screenshots.
SYSTEM_PACKAGES := chromium fonts-dejavu-core

.PHONY: html linkcheck convert check-generated test lint format system-deps clean

html: convert
	$(SPHINXBUILD) -b html $(BUILDDIR)/html $(SPHINXOPTS)
	@echo "The book is in $(BUILDDIR)/html/index.html"

# Check every external address (posts and resources); report in _build/linkcheck/report.md.
linkcheck: convert
	-$(SPHINXBUILD) -b linkcheck $(BUILDDIR)/linkcheck -q
	$(PY) scripts/linkcheck_report.py $(BUILDDIR)/linkcheck

convert: $(VENV)/.installed
	$(CONVERT)

check-generated: $(VENV)/.installed
	$(CONVERT) --check -q

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

test: lint
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check scripts tests conf.py
	$(PY) -m ruff format --check scripts tests conf.py
	$(PY) -m mypy

format: $(VENV)/.installed
	$(PY) -m ruff format scripts tests conf.py
	$(PY) -m ruff check --fix scripts tests conf.py

system-deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)

clean:
	rm -rf $(BUILDDIR) $(GENERATED)
