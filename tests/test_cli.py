"""The command line, as a user runs it: a real process, real data, a real checkpoint folder."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from aeviz import load_model

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "aeviz", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**__import__("os").environ, "AEVIZ_OFFLINE": "1"})


def test_train_one_epoch_then_load_and_evaluate(tmp_path):
    out = tmp_path / "tiny-vae"
    r = run_cli("train", "--model", "vae", "--dataset", "mnist", "--epochs", "1", "--batch-size", "256",
                "--out", str(out))
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    for key in ("samples_per_second", "seconds", "epochs", "device", "train_loss", "test_loss"):
        assert key in summary
    assert summary["epochs"] == 1 and summary["samples_per_second"] > 1000
    assert "bundled offline sample" in r.stderr  # the CLI says which data it used
    model = load_model(out)
    assert model.config["kind"] == "vae" and model.config["data"]["source"] == "bundled-sample"
    assert model.decode(torch.zeros(1, 2)).shape == (1, 1, 28, 28)

    r = run_cli("evaluate", str(out))
    assert r.returncode == 0, r.stderr
    metrics = json.loads(r.stdout.strip().splitlines()[-1])
    assert 0 < metrics["recon_mse"] < 0.2 and 0.1 < metrics["knn5_accuracy"] <= 1
    assert metrics["data_source"] == "bundled-sample"


@pytest.mark.parametrize("args, message", [
    (["train", "--dataset", "cifar", "--out", "x"], "unknown dataset 'cifar'"),
    (["train", "--model", "gan", "--out", "x"], "unknown model kind 'gan'"),
    (["train", "--model", "linear-ae", "--recon", "bce", "--out", "x"], "linear-ae has a linear output"),
    (["evaluate", "/nonexistent/folder"], "does not exist"),
])
def test_bad_input_is_one_clear_line_and_nonzero_exit(args, message):
    r = run_cli(*args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], r.stderr


def test_corrupt_checkpoint_is_one_clear_line(tmp_path):
    src = ROOT / "checkpoints" / "mnist-ae"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.json").write_text((src / "config.json").read_text())
    (bad / "model.safetensors").write_bytes((src / "model.safetensors").read_bytes()[:1000])
    r = run_cli("evaluate", str(bad))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "not a readable safetensors file" in r.stderr
