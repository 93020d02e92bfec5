# The README's two commands: `make demo` (a real optimization) and `make test` (the whole suite).
# Each creates the virtual environment it needs on first use; `make docs` builds the API
# reference (warnings are errors).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BASE := $(VENV)/.created
DEMO := $(VENV)/.installed-demo
ALL := $(VENV)/.installed

.PHONY: demo test test-fast lint docs bench clean

$(BASE):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $(BASE)

# the demo needs the package and matplotlib only (no torch, dask or test tools)
$(DEMO): $(BASE) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[plot]"
	touch $(DEMO)

$(ALL): $(BASE) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,plot,dask,torch,gym,docs]"
	touch $(ALL) $(DEMO)

demo: $(DEMO)
	$(PY) examples/quickstart.py

test: $(ALL)
	$(PY) -m pytest -q

# the fast lane: everything but the tests marked slow (subprocesses, long runs)
test-fast: $(ALL)
	$(PY) -m pytest -q -m "not slow"

lint: $(ALL)
	$(PY) -m ruff check metaopt problems tests benchmarks examples tools
	$(PY) tools/docstrings.py

docs: $(ALL)
	$(PY) -m sphinx -q -W --keep-going -b html docs docs/_build/html
	@echo "API reference: docs/_build/html/index.html"

bench: $(ALL)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(PY) benchmarks/overhead.py
	$(PY) benchmarks/quality.py
	$(PY) benchmarks/parallel.py
	$(PY) benchmarks/cmaes.py
	$(PY) benchmarks/startup.py

clean:
	rm -rf $(VENV) build *.egg-info docs/_build
