# Two commands do all the set-up on a fresh machine:
#   make run   - create .venv if missing, install, start the app on the shipped checkpoints (offline)
#   make test  - create .venv if missing, install the dev requirements too, run the whole suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
REPLICAS ?= 2

.PHONY: run serve test venv dev clean checkpoints bench

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
	AEVIZ_OFFLINE=1 $(PY) -m aeviz.ui.launch --server.port=$(PORT)

# N app processes behind nginx on one address (sticky sessions, websockets): see aeviz/serve.py.
# Needs Debian's nginx (apt-get install -y nginx); its config goes to a fresh temp folder.
serve: $(VENV)/.installed
	AEVIZ_OFFLINE=1 $(PY) -m aeviz.serve --replicas $(REPLICAS) --port $(PORT)

test: $(VENV)/.installed-dev
	AEVIZ_OFFLINE=1 $(PY) -m pytest -q $(PYTEST_ARGS)

# How the shipped checkpoints were made (CPU; about an hour on 2 quiet cores). Every autoencoder has the
# PyTorch tutorial's widths (784 -> 128 -> 64 -> 12 -> 2). The AE | VAE pair is trained alike (BCE on
# logits summed, Adam 1e-3, batch 128, same data and seed) with 5 seeds; the sweep ships the seed
# whose AE has the median empty area and records every seed in checkpoints/<dataset>-seed-sweep.json.
# The classifiers come first: the sweep measures realism with them.
checkpoints: $(VENV)/.installed
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model classifier --dataset mnist --epochs 15 --out checkpoints/mnist-classifier
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model classifier --dataset fashion-mnist --epochs 5 --out checkpoints/fashion-mnist-classifier
	AEVIZ_OFFLINE=1 $(PY) -m aeviz sweep --dataset mnist --seeds 5 --epochs 100 --workdir .sweep/mnist --out checkpoints
	AEVIZ_OFFLINE=1 $(PY) -m aeviz sweep --dataset fashion-mnist --seeds 1 --epochs 20 --workdir .sweep/fashion-mnist --out checkpoints
	AEVIZ_OFFLINE=1 $(PY) -m aeviz train --model denoising-ae --dataset mnist --epochs 100 --noise 0.2 --weight-decay 1e-5 --out checkpoints/mnist-denoising-ae
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
