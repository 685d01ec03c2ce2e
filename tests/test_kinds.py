"""The sparse and contractive AEs outside the model contract: the one training loop trains them,
the studio and the command line offer them, and a checkpoint remembers the penalty weight."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from aeviz.checkpoints import load_model, save_checkpoint
from aeviz.config import DEFAULT_PENALTY, MODEL_KINDS, ModelConfig, TrainConfig
from aeviz.data import Dataset
from aeviz.jobs import JobSpec
from aeviz.models import build_model
from aeviz.training import train

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small(mnist) -> Dataset:
    return Dataset("mnist", mnist.train_images[:600], mnist.train_labels[:600],
                   mnist.test_images[:200], mnist.test_labels[:200], mnist.class_names, mnist.source, mnist.location)


@pytest.mark.parametrize("kind", ["sparse-ae", "contractive-ae"])
def test_the_one_loop_trains_the_new_kinds_and_the_penalty_counts(small, kind):
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind=kind, penalty=0.5))
    result = train(model, small, TrainConfig(epochs=2, batch_size=100, snapshot_size=100))
    assert result.status == "finished" and result.epochs_done == 2
    h = result.history
    assert h[1]["test_loss"] < h[0]["test_loss"]
    # The reported loss is reconstruction + weight * penalty: larger than the reconstruction alone.
    assert all(e["train_loss"] > e["train_recon"] and e["test_loss"] > e["test_recon"] for e in h)
    assert all(e["train_kl"] == 0 for e in h)


def test_checkpoint_keeps_the_penalty_weight(tmp_path):
    model = build_model(ModelConfig(kind="contractive-ae", penalty=0.3))
    save_checkpoint(model, tmp_path / "c")
    again = load_model(tmp_path / "c")
    assert again.spec.penalty == 0.3 and type(again).__name__ == "ContractiveAutoEncoder"


def test_job_spec_passes_the_weight_to_its_kind_only():
    spec = JobSpec("mnist", kinds=("sparse-ae", "vae"), penalty=0.1)
    assert spec.model_config("sparse-ae").penalty == 0.1
    assert spec.model_config("vae").penalty == 0.0
    assert "sparse AE (weight 0.1)" in spec.describe()
    assert JobSpec("mnist", kinds=("contractive-ae",)).model_config("contractive-ae").penalty == \
        DEFAULT_PENALTY["contractive-ae"]


def test_studio_offers_every_autoencoder_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_string("from aeviz.ui.pages import studio\nstudio.page()\n", default_timeout=90).run()
    assert not at.exception
    box = at.selectbox(key="studio_ae_kind")
    offered = set(box.options)
    latent = [k for k in MODEL_KINDS if k not in ("vae", "classifier")]
    assert len(offered) == len(latent)  # VAE is the other pane; the classifier is not an autoencoder
    box.set_value("contractive-ae").run()
    assert not at.exception
    weight = at.select_slider(key="studio_penalty_contractive-ae")
    assert weight.value == DEFAULT_PENALTY["contractive-ae"] and weight.help


def test_cli_penalty_flag(tmp_path):
    env = {**__import__("os").environ, "AEVIZ_OFFLINE": "1"}
    r = subprocess.run([sys.executable, "-m", "aeviz", "train", "--model", "ae", "--penalty", "1", "--out", "x"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 2 and "--penalty applies to sparse-ae and contractive-ae" in r.stderr
    out = tmp_path / "s"
    r = subprocess.run([sys.executable, "-m", "aeviz", "train", "--model", "sparse-ae", "--penalty", "0.2",
                        "--epochs", "1", "--batch-size", "512", "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads((out / "config.json").read_text())["penalty"] == 0.2
    assert np.isfinite(json.loads(r.stdout.strip().splitlines()[-1])["recon_mse"])
