# The horizon book: `make book` builds it, `make test` tests it. Both create .venv first if needed.
#
#   make book                               default edition (params/default.yml)
#   make book PARAMS=params/offline.yml     another parameter set
#   make book RUNS=path/to/runs.jsonl       rerun every chapter on these run files (names or
#                                           paths; sets both `runs` and `rebench_runs`)
#   make book ARGS="--focus-models NewModel o3 --n-bootstrap 200"   any other parameter flag
#   make book TOC=my_toc.yml                build another table of contents (e.g. with the
#                                           chapters/template.md chapter; see chapters/fork.md)
#   make check RUNS=path/to/runs.jsonl      validate run files only (fast; builds nothing)
#   make check PARAMS=params/offline.yml    validate every input file of a parameter set
#   make check-pages                        open every page of the built book (HTML=_build/html)
#                                           in headless Chromium; screenshots in _build/screenshots
#   make test                               the whole test suite (including whole-book builds
#                                           and the headless-Chromium check of every page)
#   make test-fast                          the suite without whole-book builds
#   make bench                              run benchmarks/*.py
#   make clean                              remove _build (distclean: also .venv and data/raw)

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.horizon-installed
PARAMS ?= params/default.yml
RUNS ?=
ARGS ?=
TOC ?=
OUT ?= _build
HTML ?= $(OUT)/html
PYTEST_ARGS ?=
MATHJAX_VERSION := 3.2.2
MATHJAX_SHA256 := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09

.PHONY: book test test-fast check check-pages bench clean distclean venv vendor-mathjax

# The venv is (re)installed when missing or when the pins change. `--no-build-isolation` builds
# the editable horizonlib with the venv's own setuptools (no download needed for that step).
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP)

book: $(STAMP)
	$(PY) -m horizonlib book --params $(PARAMS) --out $(OUT) \
		$(if $(strip $(RUNS)),--runs $(RUNS) --rebench-runs $(RUNS)) \
		$(if $(strip $(TOC)),--toc $(TOC)) $(ARGS)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not book" $(PYTEST_ARGS)

check: $(STAMP)
	$(PY) -m horizonlib check $(if $(strip $(RUNS)),--runs $(RUNS),--params $(PARAMS))

check-pages: $(STAMP)
	$(PY) -m horizonlib check-pages --html $(HTML)

bench: $(STAMP)
	@shopt -s nullglob; scripts=(benchmarks/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no benchmarks/*.py"; exit 0; fi; \
	for f in "$${scripts[@]}"; do echo "== $$f"; $(PY) "$$f" || exit 1; done

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(VENV) data/raw

# Re-vendor MathJax from the npm registry (the book loads it from _build/html/_static/mathjax,
# never from a CDN). Only needed to change the MathJax version.
vendor-mathjax:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null && \
	echo "$(MATHJAX_SHA256)  mathjax-$(MATHJAX_VERSION).tgz" | sha256sum -c - && \
	tar xzf mathjax-$(MATHJAX_VERSION).tgz && cd $(CURDIR) && \
	dest=_vendor/_static/mathjax && rm -rf $$dest/tex-chtml.js $$dest/output $$dest/input && \
	mkdir -p $$dest/output/chtml/fonts $$dest/input/tex && \
	cp $$tmp/package/es5/tex-chtml.js $$tmp/package/LICENSE $$dest/ && \
	cp -r $$tmp/package/es5/output/chtml/fonts/woff-v2 $$dest/output/chtml/fonts/ && \
	cp -r $$tmp/package/es5/input/tex/extensions $$dest/input/tex/ && \
	rm -rf $$tmp && echo "MathJax $(MATHJAX_VERSION) vendored into $$dest"
