"""Checkpoint folders: round trip, atomic writes, and one clear error for each kind of bad file."""
import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from aeviz import load_model
from aeviz.checkpoints import list_checkpoints, save_checkpoint
from aeviz.config import ModelConfig
from aeviz.models import build_model

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["mnist-ae", "mnist-vae", "mnist-denoising-ae", "fashion-mnist-ae", "fashion-mnist-vae",
           "mnist-classifier", "fashion-mnist-classifier"]


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="vae")).eval()
    folder = save_checkpoint(model, tmp_path / "vae", {"training": {"epochs": 1}})
    return model, folder


def test_round_trip_gives_identical_outputs(saved):
    model, folder = saved
    loaded = load_model(folder)
    x = torch.rand(8, 1, 28, 28)
    z = torch.randn(8, 2)
    assert torch.equal(model.encode(x), loaded.encode(x))
    assert torch.equal(model.decode(z), loaded.decode(z))
    assert loaded.config["kind"] == "vae" and loaded.config["latent_dim"] == 2
    assert loaded.config["training"] == {"epochs": 1}
    assert loaded.config["torch_version"] == torch.__version__ and "aeviz_version" in loaded.config
    assert not loaded.training
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "model.safetensors"]


def _edit_config(folder, **changes):
    cfg = json.loads((folder / "config.json").read_text())
    cfg.update(changes)
    (folder / "config.json").write_text(json.dumps(cfg))


def _edit_tensors(folder, fn):
    t = load_file(str(folder / "model.safetensors"))
    fn(t)
    save_file(t, str(folder / "model.safetensors"))


BAD = {
    "missing folder": (lambda f: shutil.rmtree(f), "does not exist"),
    "missing config": (lambda f: (f / "config.json").unlink(), "config.json is missing"),
    "config not json": (lambda f: (f / "config.json").write_text("{not json"), "not readable JSON"),
    "unknown kind": (lambda f: _edit_config(f, kind="gan"), "unknown model kind 'gan'"),
    "missing weights file": (lambda f: (f / "model.safetensors").unlink(), "model.safetensors is missing"),
    "truncated weights": (lambda f: (f / "model.safetensors").write_bytes(
        (f / "model.safetensors").read_bytes()[:5000]), "not a readable safetensors file"),
    "not safetensors at all": (lambda f: (f / "model.safetensors").write_bytes(b"\x80\x04pickle?"),
                               "not a readable safetensors file"),
    "missing key": (lambda f: _edit_tensors(f, lambda t: t.pop("decoder.0.0.bias")), "missing weights decoder.0.0.bias"),
    "extra key": (lambda f: _edit_tensors(f, lambda t: t.update(extra=torch.zeros(1))), "unexpected weights extra"),
    "wrong shape": (lambda f: _edit_config(f, latent_dim=3), "has shape"),
    "wrong dtype": (lambda f: _edit_tensors(f, lambda t: t.update({"decoder.0.0.bias": t["decoder.0.0.bias"].double()})),
                    "has dtype torch.float64"),
    "non-finite": (lambda f: _edit_tensors(f, lambda t: t["decoder.0.0.bias"].fill_(float("nan"))), "NaN or infinite"),
    "another architecture": (lambda f: _edit_config(f, arch="conv"), "another architecture"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_checkpoint_gives_its_own_clear_error(saved, case):
    _, folder = saved
    damage, message = BAD[case]
    damage(folder)
    with pytest.raises(ValueError, match=message):
        load_model(folder)


def test_writes_are_atomic_and_leave_no_temp_files(saved, monkeypatch):
    model, folder = saved
    before = (folder / "model.safetensors").read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr("aeviz.checkpoints.save_file", boom)
    with pytest.raises(OSError):
        save_checkpoint(model, folder)
    assert (folder / "model.safetensors").read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "model.safetensors"]


def test_list_checkpoints_reports_unreadable_folders(saved):
    _, folder = saved
    (folder.parent / "broken").mkdir()
    entries = {e["name"]: e for e in list_checkpoints(folder.parent)}
    assert entries["vae"]["kind"] == "vae"
    assert "config.json is missing" in entries["broken"]["error"]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_checkpoints_load_and_have_cards(name):
    folder = ROOT / "checkpoints" / name
    model = load_model(folder)
    cfg = model.config
    assert cfg["latent_dim"] == 2 and name.startswith(cfg["dataset"] + "-")
    for key in ("training", "data", "result", "metrics", "aeviz_version", "torch_version", "created"):
        assert key in cfg, key
    assert "## Training" in (folder / "README.md").read_text()


def test_shipped_checkpoints_are_small():
    total = sum(p.stat().st_size for p in (ROOT / "checkpoints").rglob("*") if p.is_file())
    assert total < 30_000_000


def test_shipped_mnist_pair_meets_the_quality_floor(mnist):
    """The floor of the default pair, on the sample's own 2,000 held-out test digits."""
    from aeviz.analysis import evaluate

    ae = evaluate(load_model(ROOT / "checkpoints" / "mnist-ae"), mnist)
    vae = evaluate(load_model(ROOT / "checkpoints" / "mnist-vae"), mnist)
    assert ae["recon_mse"] <= 0.045 and vae["recon_mse"] <= 0.045
    assert ae["knn5_accuracy"] >= 0.60 and vae["knn5_accuracy"] >= 0.65
    assert all(abs(m) <= 0.3 for m in vae["latent_mean"])
    assert all(0.7 <= s <= 1.5 for s in vae["latent_std"])


def test_shipped_classifiers_are_accurate(mnist):
    from aeviz.analysis import classifier_accuracy

    clf = load_model(ROOT / "checkpoints" / "mnist-classifier")
    assert classifier_accuracy(clf, mnist.images("test"), mnist.labels("test")) >= 0.95


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_shipped_pairs_are_the_tutorials_model_trained_alike(dataset):
    """784 -> 128 -> 64 -> 12 -> 2 and back; the same loss, optimiser, epochs, batch, data and seed;
    the AE plain (no input noise, no weight decay)."""
    from aeviz.measures import ALIKE_FIELDS

    ae = load_model(ROOT / "checkpoints" / f"{dataset}-ae").config
    vae = load_model(ROOT / "checkpoints" / f"{dataset}-vae").config
    for cfg in (ae, vae):
        assert cfg["arch"] == "mlp" and cfg["hidden"] == [128, 64, 12] and cfg["latent_dim"] == 2
    assert (ae["kind"], vae["kind"]) == ("ae", "vae")
    assert {f: ae["training"][f] for f in ALIKE_FIELDS} == {f: vae["training"][f] for f in ALIKE_FIELDS}
    assert ae["training"]["recon_loss"] == "bce" and ae["training"]["noise_std"] == 0
    assert ae["training"]["weight_decay"] == 0 and ae["data"]["source"] == vae["data"]["source"]


def test_the_seed_sweep_record_names_the_shipped_seed():
    from aeviz.sweep import read_sweep

    sweep = read_sweep(ROOT / "checkpoints", "mnist")
    assert sweep is not None and len(sweep["runs"]) >= 5
    seed = load_model(ROOT / "checkpoints" / "mnist-ae").config["training"]["seed"]
    assert sweep["chosen_seed"] == seed
    empty = sorted(r["ae"]["empty_area"] for r in sweep["runs"])
    chosen = next(r for r in sweep["runs"] if r["seed"] == seed)["ae"]["empty_area"]
    assert chosen == empty[(len(empty) - 1) // 2]  # the median seed, not the most dramatic one
