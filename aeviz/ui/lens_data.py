"""Cached numbers and arrays for the lenses page (aeviz/ui/pages/lenses.py): which shipped
checkpoints each view uses, PCA fitted once per process, errors, KL per dimension. Arrays come
from ``aeviz.lenses`` and ``aeviz.analysis``; nothing here draws."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st
import torch

from aeviz import analysis, lenses, plots
from aeviz.checkpoints import read_config
from aeviz.ui.explorer_data import test_subset
from aeviz.ui.state import checkpoint_root, first_time, get_dataset, get_model

DATASET = "mnist"  # the views compare shipped MNIST checkpoints trained alike
# The six kinds, same widths and data: (checkpoint name, kind).
KINDS = (("mnist-ae", "ae"), ("mnist-sparse-ae", "sparse-ae"), ("mnist-contractive-ae", "contractive-ae"),
         ("mnist-denoising-ae", "denoising-ae"), ("mnist-vae", "vae"), ("mnist-linear-ae", "linear-ae"))
BOTTLENECK = ((2, "mnist-ae"), (4, "mnist-ae-d4"), (8, "mnist-ae-d8"), (16, "mnist-ae-d16"), (32, "mnist-ae-d32"))
BETAS = ((0.0, "mnist-vae-b0"), (0.5, "mnist-vae-b0.5"), (1.0, "mnist-vae"), (4.0, "mnist-vae-b4"),
         (16.0, "mnist-vae-b16"))
SHOWN_DIGITS = 8  # test digits reconstructed side by side, one per class 0..7
GRID_N = 15


def path_of(name: str) -> Path:
    return checkpoint_root() / name


def available(name: str) -> bool:
    """A readable latent-model checkpoint named ``name`` under the checkpoint root."""
    path = path_of(name)
    try:
        cfg = read_config(path)
    except ValueError:
        return False
    return cfg.get("kind") not in (None, "classifier") and (path / "model.safetensors").exists()


def mtime(name: str) -> float:
    weights = path_of(name) / "model.safetensors"
    return weights.stat().st_mtime if weights.exists() else 0.0


def model(name: str):
    return get_model(path_of(name))


def config(name: str) -> dict:
    return read_config(path_of(name))


def test_images() -> torch.Tensor:
    """The explorer's fixed test subset (same rows in every map), as (N, 1, 28, 28)."""
    return test_subset(DATASET)["images_t"]


def shown_rows() -> np.ndarray:
    """The first test image of each class 0..SHOWN_DIGITS-1 in the subset: the digits every view
    reconstructs."""
    labels = test_subset(DATASET)["labels"]
    return np.array([int(np.flatnonzero(labels == c)[0]) for c in range(SHOWN_DIGITS)])


def pca() -> tuple:
    """PCA's first two components of the training images, and PCA as a model (see lenses.pca_model)."""
    return first_time(("pca", DATASET), "lenses.fitting_pca", _pca)


@st.cache_resource(show_spinner=False)
def _pca() -> tuple:
    return lenses.fit_pca_model(get_dataset(DATASET).images("train"), 2)


@st.cache_resource(show_spinner=False)
def codes(name: str, mt: float) -> dict:
    """The test subset encoded by checkpoint ``name``: raw codes, a drawable 2-D view and axes."""
    raw = analysis.encode_all(model(name), test_images())
    pts, how, share = lenses.codes_2d(raw)
    return {"raw": raw, "xy": pts, "how": how, "share": share, "axis_range": plots.axis_range_for(pts)}


@st.cache_resource(show_spinner=False)
def pca_codes() -> dict:
    _, m = pca()
    raw = analysis.encode_all(m, test_images())
    return {"raw": raw, "xy": raw, "how": "as-is", "share": None, "axis_range": plots.axis_range_for(raw)}


@st.cache_resource(show_spinner=False)
def errors(name: str, mt: float) -> dict:
    """Test reconstruction error of one checkpoint over the whole test split: the mean squared pixel
    error (``mse``), decoded images clamped to [0, 1]."""
    test_x = get_dataset(DATASET).images("test")
    per = lenses.per_image_mse(model(name), test_x)
    return {"mse": float(per.mean())}


@st.cache_resource(show_spinner=False)
def pca_errors() -> dict:
    _, m = pca()
    return {"mse": float(lenses.per_image_mse(m, get_dataset(DATASET).images("test")).mean())}


@st.cache_resource(show_spinner=False)
def shown_reconstructions(name: str | None, mt: float) -> np.ndarray:
    """(SHOWN_DIGITS, 28, 28): the shown digits through checkpoint ``name`` (None: PCA)."""
    m = pca()[1] if name is None else model(name)
    return lenses.reconstructions(m, test_images()[torch.as_tensor(shown_rows())])


@st.cache_resource(show_spinner=False)
def linear_vs_pca(mt: float) -> dict:
    """Principal angles between the linear AE's decoder plane and PCA's, and both test errors."""
    p, _ = pca()
    return {"angles": lenses.subspace_angles(model("mnist-linear-ae"), p),
            "linear_mse": errors("mnist-linear-ae", mt)["mse"], "pca_mse": pca_errors()["mse"]}


@st.cache_resource(show_spinner=False)
def kl_and_error(name: str, mt: float) -> dict:
    """A VAE's mean KL per latent dimension (nats) and its test reconstruction error."""
    test_x = get_dataset(DATASET).images("test")
    kl = lenses.kl_per_dimension(model(name), test_x)
    mu, sigma = lenses.posterior(model(name), test_x)
    return {"kl": kl, "kl_total": float(kl.sum()), "mse": errors(name, mt)["mse"],
            "collapsed": lenses.collapsed_dimensions(kl), "sigma_median": float(np.median(sigma)),
            "mu_std": float(mu.std(0).mean())}


@st.cache_resource(show_spinner=False)
def grid(name: str, mt: float) -> dict:
    """The decoded GRID_N x GRID_N grid over the map's axes, tiled."""
    axis_range = codes(name, mt)["axis_range"]
    z = analysis.grid_points(axis_range, GRID_N)
    decoded = analysis.decode_all(model(name), z.reshape(-1, 2))
    return {"tiled": analysis.tile_images(decoded, GRID_N, GRID_N), "axis_range": axis_range}


@st.cache_resource(show_spinner=False)
def history(name: str, mt: float) -> dict | None:
    """Per-epoch train and test reconstruction loss from the checkpoint's training record."""
    h = (config(name).get("result") or {}).get("history") or []
    return lenses.history_curves(h) if h else None


def map_measures(name: str, mt: float):
    """The explorer's scale-free measures of one checkpoint's map (``aeviz.measures.MapMeasures``),
    computed by the explorer's cached function on the same test images."""
    from aeviz.ui import explorer_data

    cls = explorer_data.classifier_path(DATASET)
    return explorer_data.map_measures(str(path_of(name)), mt, DATASET, explorer_data._mtime(cls) if cls else 0.0)


def training_line(name: str) -> str:
    """How a checkpoint was trained, from its config: epochs, loss, and any extra that makes it
    differ from its siblings (input noise, weight decay, β, penalty)."""
    from aeviz.ui.lang import t

    cfg = config(name)
    tr = cfg.get("training") or {}
    parts = [t("lenses.trained.epochs", epochs=(cfg.get("result") or {}).get("epochs", tr.get("epochs", "?"))),
             t("lenses.trained.loss", loss=str(tr.get("recon_loss", "?")).upper())]
    if tr.get("noise_std"):
        parts.append(t("lenses.trained.noise", noise=tr["noise_std"]))
    if tr.get("weight_decay"):
        parts.append(t("lenses.trained.decay", decay=tr["weight_decay"]))
    if cfg.get("kind") == "vae":
        parts.append(f"β = {tr.get('beta', 1.0):g}")
    if cfg.get("penalty"):
        parts.append(t("lenses.trained.penalty", penalty=cfg["penalty"]))
    return " · ".join(parts)


def kind_measures(name: str, mt: float) -> dict:
    """Test error, 5-NN accuracy of the codes (from the checkpoint's evaluation) and the map measures."""
    knn = (config(name).get("metrics") or {}).get("knn5_accuracy")
    return {"mse": errors(name, mt)["mse"], "knn": knn, "measures": map_measures(name, mt)}


def seeds_note(names: list[str]) -> str | None:
    """A sentence naming each checkpoint's training seed when they are not all the same (the shipped
    ``mnist-ae`` / ``mnist-vae`` are the median seed of a sweep; the others are seed 0), else None."""
    from aeviz.ui.lang import t

    seeds = {n: (config(n).get("training") or {}).get("seed") for n in names if available(n)}
    if len(set(seeds.values())) <= 1:
        return None
    return t("lenses.seeds_differ", seeds=", ".join(f"`{n}` {s}" for n, s in seeds.items()))
