"""The seed sweep: trains what is missing, measures every run, ships the median-seed pair."""
from __future__ import annotations

import json

import torch

from aeviz import load_model
from aeviz.checkpoints import save_checkpoint
from aeviz.config import ModelConfig
from aeviz.models import build_model
from aeviz.sweep import read_sweep, run_sweep


def test_sweep_ships_the_median_seed_and_resumes(tmp_path, mnist):
    trained = []

    def train_fn(kind, seed, folder):  # untrained weights: the sweep's bookkeeping is what is tested
        trained.append((kind, seed))
        torch.manual_seed(seed)
        save_checkpoint(build_model(ModelConfig(kind=kind)).eval(), folder,
                        {"training": {"seed": seed}, "metrics": {"recon_mse": 0.1, "knn5_accuracy": 0.5}})

    out = tmp_path / "ckpts"
    out.mkdir()
    record = run_sweep(mnist, [0, 1, 2], tmp_path / "work", out, train_fn)
    assert sorted(trained) == [(k, s) for k in ("ae", "vae") for s in (0, 1, 2)]
    empty = {r["seed"]: r["ae"]["empty_area"] for r in record["runs"]}
    median = sorted(empty, key=empty.get)[1]
    assert record["chosen_seed"] == median
    assert load_model(out / "mnist-ae").config["training"]["seed"] == median
    assert load_model(out / "mnist-vae").config["training"]["seed"] == median
    assert read_sweep(out, "mnist") == json.loads((out / "mnist-seed-sweep.json").read_text())
    lo, hi = record["spread"]["ae"]["empty_area"]
    assert lo == min(empty.values()) and hi == max(empty.values())
    # A second run resumes: nothing is trained again, the same pair is shipped.
    trained.clear()
    assert run_sweep(mnist, [0, 1, 2], tmp_path / "work", out, train_fn)["chosen_seed"] == median
    assert trained == []
    assert sorted(p.name for p in out.iterdir()) == ["mnist-ae", "mnist-seed-sweep.json", "mnist-vae"]
