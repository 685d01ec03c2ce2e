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

# How the shipped checkpoints were made (CPU, about 15 minutes on 2 quiet cores). The AE is
# regularised with input noise and weight decay: on 7,000 digits a plain AE over-fits its 2-D codes.
checkpoints: $(VENV)/.installed
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model ae --dataset mnist --epochs 150 --noise 0.2 --weight-decay 1e-5 --out checkpoints/mnist-ae
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model vae --dataset mnist --epochs 150 --out checkpoints/mnist-vae
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model classifier --dataset mnist --epochs 15 --out checkpoints/mnist-classifier
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model ae --dataset fashion-mnist --epochs 20 --noise 0.2 --weight-decay 1e-5 --out checkpoints/fashion-mnist-ae
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model vae --dataset fashion-mnist --epochs 20 --out checkpoints/fashion-mnist-vae
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model classifier --dataset fashion-mnist --epochs 5 --out checkpoints/fashion-mnist-classifier
	# The lenses page: the other kinds, the bottleneck sizes and the beta-VAEs (tutorial widths,
	# 100 epochs, batch 128, Adam 1e-3, seed 0, BCE unless said).
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model sparse-ae --dataset mnist --epochs 100 --penalty 1 --out checkpoints/mnist-sparse-ae
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model contractive-ae --dataset mnist --epochs 100 --penalty 1 --out checkpoints/mnist-contractive-ae
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model linear-ae --dataset mnist --epochs 100 --recon mse --out checkpoints/mnist-linear-ae
	for d in 4 8 16 32; do AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model ae --dataset mnist --epochs 100 --latent-dim $$d --out checkpoints/mnist-ae-d$$d || exit 1; done
	for b in 0 0.5 4 16; do AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model vae --dataset mnist --epochs 100 --beta $$b --out checkpoints/mnist-vae-b$$b || exit 1; done

bench: $(VENV)/.installed-dev
	AEVIZ_OFFLINE=1 $(PY) benchmarks/train_speed.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
