"""Cached data shared by the anomaly page and the "your own digit" page: the checkpoint pair, the
held-out images, the PCA baseline, the out-of-distribution sets and every score. Arrays come from
``aeviz.anomaly``; nothing here draws. Cached objects are shared by every session: read-only."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import anomaly
from aeviz.anomaly_report import other_dataset
from aeviz.data import TITLES
from aeviz.digit_input import Steps, preprocess
from aeviz.ui.explorer_data import Pane, default_index, list_entries, pane_for
from aeviz.ui import url_state
from aeviz.ui.lang import t
from aeviz.ui.state import get_dataset, get_model
from aeviz.ui.texts import error_text
from aeviz.uploads import UploadError, decode_image

SUBSET = 2000  # held-out images per set: enough for smooth histograms, quick to score on 2 cores
SEED = 0
PERCENTILE_KEY = "anomaly_threshold_percentile"  # survives page switches (not a widget key)
DEFAULT_PERCENTILE = 95.0
DIGIT_KEY = "digit_image"  # the last preprocessed digit of the digit page, (28, 28) float32


def percentile() -> float:
    return float(st.session_state.get(PERCENTILE_KEY, DEFAULT_PERCENTILE))


def choose_pair(dataset: str, key: str) -> tuple[Pane | None, Pane | None]:
    """Two select boxes: an AE-like checkpoint and a VAE (``<dataset>-ae`` / ``-vae`` by default)."""
    entries = list_entries(dataset)
    ae_entries = [e for e in entries if e.get("kind") != "vae"]
    vae_entries = [e for e in entries if e.get("kind") == "vae"]
    out = []
    cols = st.columns(2)
    for col, slot, choices in zip(cols, ("ae", "vae"), (ae_entries, vae_entries)):
        with col:
            if not choices:
                st.warning(t("anomaly.no_checkpoint", kind=slot.upper(), dataset=TITLES[dataset]))
                out.append(None)
                continue
            index = default_index(dataset, choices, slot) or 0
            i = st.selectbox(t(f"anomaly.pick_{slot}"), range(len(choices)), index=index,
                             format_func=lambda j, c=choices: f"{c[j]['name']} ({c[j].get('kind')})",
                             key=f"{key}_{slot}_{dataset}", persist_state="session")
            pane = pane_for(slot, choices[i])
            # The choice in the URL, so a copied link opens this pair (default_index reads it back).
            if st.query_params.get(f"ckpt_{slot}") != pane.name:
                url_state.set_param(f"ckpt_{slot}", pane.name)
            try:
                get_model(pane.path)  # a corrupted checkpoint disables this side only, with a message
            except ValueError as e:
                st.error(t("explorer.cannot_show", name=pane.name, error=error_text(e)))
                pane = None
            out.append(pane)
    return out[0], out[1]


@st.cache_resource(show_spinner=False)
def held_out(dataset: str) -> dict:
    """At most SUBSET test images (seeded), ``images`` (N, 28, 28) float32, and the data's description."""
    ds = get_dataset(dataset)
    images = ds.images("test")[:, 0].numpy()
    index = np.arange(len(images))
    if len(index) > SUBSET:
        index = np.sort(np.random.default_rng(SEED).choice(len(index), SUBSET, replace=False))
    return {"images": images[index], "index": index, "describe": ds.describe(), "info": ds.to_dict(), "source": ds.source,
            "total": len(images)}


@st.cache_resource(show_spinner=False)
def baseline_pca(dataset: str):
    return anomaly.fit_baseline_pca(get_dataset(dataset).images("train")[:, 0].numpy())


@st.cache_resource(show_spinner=False)
def ood_set(dataset: str, kind: str) -> np.ndarray:
    images = held_out(dataset)["images"]
    other = held_out(other_dataset(dataset))["images"] if kind == "other" else None
    return anomaly.ood_images(kind, images, other, n=len(images), seed=SEED)


def _model(pane: Pane | None):
    return None if pane is None else get_model(pane.path)


@st.cache_resource(show_spinner=False, max_entries=64)
def _scores(ae_path: str | None, ae_mtime: float, vae_path: str | None, vae_mtime: float,
            dataset: str, which: str) -> dict[str, np.ndarray]:
    images = held_out(dataset)["images"] if which == "in" else ood_set(dataset, which)
    ae = get_model(ae_path) if ae_path else None
    vae = get_model(vae_path) if vae_path else None
    return anomaly.score_all(ae, vae, baseline_pca(dataset), images)


def scores(ae: Pane | None, vae: Pane | None, dataset: str, which: str) -> dict[str, np.ndarray]:
    """Every score for the held-out images (``which='in'``) or one OOD set; cached per checkpoint."""
    return _scores(ae.path if ae else None, ae.mtime if ae else 0.0, vae.path if vae else None,
                   vae.mtime if vae else 0.0, dataset, which)


def score_images(ae: Pane | None, vae: Pane | None, dataset: str, images: np.ndarray) -> dict[str, np.ndarray]:
    """Scores for a few images (uploads, the drawn digit): not cached."""
    return anomaly.score_all(_model(ae), _model(vae), baseline_pca(dataset), images)


@st.cache_resource(show_spinner=False, max_entries=16)
def reconstructions(path: str, mtime: float, dataset: str, rows: tuple[int, ...]) -> np.ndarray:
    return anomaly.reconstruct_all(get_model(path), held_out(dataset)["images"][list(rows)])


def pca_reconstructions(dataset: str, images: np.ndarray) -> np.ndarray:
    return anomaly.pca_reconstruct(baseline_pca(dataset), images)


def read_upload(data: bytes) -> tuple[Steps | None, str | None, str | None]:
    """Uploaded bytes -> (steps, note key, error message): one of steps or the message is None."""
    try:
        grey, note = decode_image(data)
        return preprocess(grey), note, None
    except UploadError as e:
        return None, None, t(e.key, **e.values)


@st.cache_resource(show_spinner=False)
def pca_map(dataset: str) -> dict:
    """The PCA baseline's 2-D map of the explorer's test subset: ``codes`` and a fixed ``axis_range``."""
    from aeviz import plots
    from aeviz.ui.explorer_data import test_subset

    codes = baseline_pca(dataset).encode(test_subset(dataset)["images"]).astype(np.float32)
    return {"codes": codes, "axis_range": plots.axis_range_for(codes)}


def locate(pane: Pane, image: np.ndarray) -> dict:
    """One 28x28 image through one checkpoint: its code ``z`` (2,), ``sigma`` (2,) for a VAE (else
    None), and the reconstruction (28, 28)."""
    import torch

    model = get_model(pane.path)
    with torch.inference_mode():
        x = torch.as_tensor(image, dtype=torch.float32)[None, None]
        mu, logvar = model.encode_distribution(x)
        recon = model.decode(mu)[0, 0].numpy()
    sigma = torch.exp(0.5 * logvar)[0].numpy() if getattr(model, "variational", False) else None
    return {"z": mu[0].numpy(), "sigma": sigma, "recon": recon}
