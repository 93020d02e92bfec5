# The README's two commands: `make demo` (a real optimization) and `make test` (the whole suite).
# Each creates the virtual environment it needs on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,plot,dask,torch]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/quickstart.py

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(PY) benchmarks/overhead.py
	$(PY) benchmarks/quality.py
	$(PY) benchmarks/parallel.py
	$(PY) benchmarks/cmaes.py

clean:
	rm -rf $(VENV) build *.egg-info
