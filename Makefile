# Two commands do all the set-up on a fresh machine:
#   make run   - create .venv if missing, install, start the app on the shipped checkpoints (offline)
#   make test  - create .venv if missing, install the dev requirements too, run the whole suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test venv dev clean checkpoints bench

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	AEVIZ_OFFLINE=1 $(PY) -m streamlit run app.py --server.port=$(PORT)

test: $(VENV)/.installed-dev
	AEVIZ_OFFLINE=1 $(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	AEVIZ_OFFLINE=1 $(PY) benchmarks/train_speed.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
