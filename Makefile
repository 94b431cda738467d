# The book: raw posts + curated data -> scripts/convert.py -> docs/generated/ -> Sphinx -> _build/
#   make html    build the online book into _build/html (sets up .venv on first use)
#   make test    lint, then the whole test suite (unit, build and browser tests)
#   make test-fast   the unit tests alone (tests/unit/, no Sphinx or browser; under a minute)
#   make pdf / make epub   the book on paper (_build/downloads/); make book: all three
#   make linkcheck   check every external address; report in _build/linkcheck/report.md
#   make bench   speed and memory on synthetic 1,000- and 3,000-post books
#   make system-deps   install the Debian packages for PDF and browser tests (root)
# POSTS=some/dir builds a book of any folder of posts (parts by year, no book file), or of a
# platform's export file (POSTS=myblog.wordpress.xml);
# STATIC=site/static is where images named from the site's root (/images/x.png) are;
# SITE_URL=https://old.blog.example is the blog's address: links to it land in the book.

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
# Parallel Sphinx wherever there are 2 CPUs: every worker reads, resolves and writes its
# own pages (bookgen.sphinx.parallel); `make bench` times serial and -j auto.
NPROC        := $(shell nproc 2>/dev/null || echo 1)
SPHINXJOBS   ?= $(if $(filter-out 0 1,$(NPROC)),-j auto)
SPHINXOPTS   ?= -W --keep-going -n $(SPHINXJOBS)
SPHINXBUILD  := $(PY) -m sphinx -c . docs
CONVERTARGS  := --posts $(POSTS) --out $(GENERATED) --cache $(BUILDDIR)/cache/convert \
                $(if $(BOOK),--book $(BOOK)) $(if $(GLOSSARY),--glossary $(GLOSSARY)) \
                $(if $(RESOURCES),--resources $(RESOURCES)) $(if $(STATIC),--static $(STATIC)) \
                $(if $(SITE_URL),--site-url '$(SITE_URL)')
CONVERT      := $(PY) scripts/convert.py $(CONVERTARGS)
DOWNLOADS    := $(BUILDDIR)/extra/downloads
# Debian packages: Chromium for browser tests; TeX Live (LuaLaTeX, latexmk, xindy for the
# index) with FreeFont and, for what it lacks, Noto CJK, Symbola and Noto Color Emoji
# (emoji after Unicode 9) for the PDF; epubcheck for the EPUB; poppler for tests;
# libcairo2 for CairoSVG (SVG images in the PDF).
SYSTEM_PACKAGES := chromium fonts-dejavu-core \
	texlive-luatex texlive-latex-extra texlive-fonts-recommended latexmk xindy \
	fonts-freefont-otf fonts-noto-cjk fonts-symbola fonts-noto-color-emoji \
	epubcheck default-jre-headless poppler-utils libcairo2

.PHONY: html pdf epub book serve linkcheck convert check-generated test test-fast lint format system-deps clean bench

# booktools.htmlbuild converts (as `make convert`) while it imports Sphinx, then runs Sphinx
# unless nothing the book is made of changed since its last build (booktools.buildstamp
# signs the pages, configuration, extensions and options).
html: $(VENV)/.installed
	PYTHONPATH=scripts $(PY) -m booktools.htmlbuild $(BUILDDIR)/html $(BUILDDIR)/doctrees/html \
	  -- $(SPHINXOPTS) -- $(CONVERTARGS)
	@echo "The book is in $(BUILDDIR)/html/index.html"

# The PDF and EPUB land in _build/extra/downloads/; the next `make html` publishes and links them.
pdf: convert
	@command -v latexmk >/dev/null && command -v lualatex >/dev/null || \
	  { echo "make pdf needs TeX: run 'sudo make system-deps' (texlive-luatex, latexmk, xindy, ...)"; exit 1; }
	$(SPHINXBUILD) -b latex -d $(BUILDDIR)/doctrees/latex $(BUILDDIR)/latex $(SPHINXOPTS)
	@# A LaTeX run that stopped mid-write leaves NUL bytes in its .aux, which stop every run after it.
	@for aux in $(BUILDDIR)/latex/*.aux; do \
	  if [ -f "$$aux" ] && grep -qaP '\x00' "$$aux"; then rm -f "$$aux"; echo "removed $$aux: damaged by an earlier run"; fi; \
	done
	$(MAKE) -C $(BUILDDIR)/latex LATEXMKOPTS="-silent" all-pdf
	@mkdir -p $(DOWNLOADS) && cp $(BUILDDIR)/latex/book.pdf $(DOWNLOADS)/
	@echo "The PDF is in $(DOWNLOADS)/book.pdf"

epub: convert
	$(SPHINXBUILD) -b epub -d $(BUILDDIR)/doctrees/epub $(BUILDDIR)/epub $(SPHINXOPTS)
	@if command -v epubcheck >/dev/null && command -v java >/dev/null; then \
	  java -jar "$$(readlink -f "$$(command -v epubcheck)")" $(BUILDDIR)/epub/book.epub; fi
	@mkdir -p $(DOWNLOADS) && cp $(BUILDDIR)/epub/book.epub $(DOWNLOADS)/
	@echo "The EPUB is in $(DOWNLOADS)/book.epub"

# The HTML last, once the downloads it links exist (and once they have converted the posts).
book:
	$(MAKE) pdf epub
	$(MAKE) html

# Check every external address (posts and resources); report in _build/linkcheck/report.md.
linkcheck: convert
	-$(SPHINXBUILD) -b linkcheck -d $(BUILDDIR)/doctrees/linkcheck $(BUILDDIR)/linkcheck -q
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

# Speed and memory on synthetic books of 1,000 and 3,000 posts (~25 min); figures in
# _build/bench/results.json. BENCHOPTS="--sizes 1000 3000 10000" adds the largest (about
# an hour more); BENCHOPTS="--sizes 200 --stock-sizes 100" is a quick run.
bench: $(VENV)/.installed
	$(PY) scripts/bench.py $(BENCHOPTS)

# Tests by cost: tests/unit/ (no Sphinx, LaTeX or browser), tests/build/ (Sphinx, LaTeX,
# epubcheck) and tests/browser/ (Chromium); `make test` runs all three after lint.
test: lint
	$(PY) -m pytest

test-fast: $(VENV)/.installed
	$(PY) -m pytest tests/unit

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

# Live preview on http://127.0.0.1:8000: re-converts and rebuilds when posts, curated
# data or pages change.
serve: $(VENV)/.installed
	$(VENV)/bin/sphinx-autobuild -c . docs $(BUILDDIR)/html --host 127.0.0.1 --port 8000 \
	  --watch content --watch scripts --ignore "*/generated/*" --pre-build "$(CONVERT) -q"
