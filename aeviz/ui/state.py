"""Cached loading shared by the pages: models and datasets live once per process
(``st.cache_resource``), read-only, in eval mode; nothing here trains or mutates them."""
from __future__ import annotations

import gc
import os
from pathlib import Path

import streamlit as st
import torch

from aeviz.checkpoints import list_checkpoints, load_model
from aeviz.data import Dataset, load_dataset
from aeviz.ui.lang import t

ROOT = Path(__file__).resolve().parents[2]


def checkpoint_root() -> Path:
    """Where checkpoints are listed and saved (``AEVIZ_CHECKPOINTS`` overrides, for tests)."""
    return Path(os.environ.get("AEVIZ_CHECKPOINTS", ROOT / "checkpoints"))


@st.cache_resource(show_spinner=False)
def _loaded() -> set:
    """(path, mtime) of every model this process has loaded: the spinner shows only before the first."""
    return set()


@st.cache_resource(show_spinner=False)
def cached_model(path: str, mtime: float) -> torch.nn.Module:
    """A loaded checkpoint; ``mtime`` is part of the key so a re-saved folder is reloaded."""
    model = load_model(path)
    # Shared by every session: no gradients, so nothing can train it in place by accident
    # (inference runs under torch.inference_mode()).
    model.requires_grad_(False)
    # Move the long-lived model objects out of the collector's way: later runs stay fast
    # even where post-run garbage collection is on.
    gc.collect()
    gc.freeze()
    return model


def get_model(path: str | Path) -> torch.nn.Module:
    weights = Path(path) / "model.safetensors"
    key = (str(path), weights.stat().st_mtime if weights.exists() else 0.0)
    loaded = _loaded()
    if key in loaded:  # the common case, on every click: no spinner element at all
        return cached_model(*key)
    with st.spinner(t("common.loading_model")):
        model = cached_model(*key)
    loaded.add(key)
    return model


@st.cache_resource(show_spinner=False)
def _cached_dataset(name: str) -> Dataset:
    # The app never waits on the network: local files, system files, or the bundled sample.
    return load_dataset(name, allow_download=False)


def get_dataset(name: str) -> Dataset:
    loaded = _loaded()
    if ("dataset", name) in loaded:
        return _cached_dataset(name)
    with st.spinner(t("common.loading_dataset")):
        data = _cached_dataset(name)
    loaded.add(("dataset", name))
    return data


def first_time(key: tuple, message_key: str, compute):
    """``compute()``, under a spinner that says ``message_key`` in the page's language the first
    time this process meets ``key`` (a slow cached computation); afterwards no spinner element at
    all. A text given to a cache decorator's show_spinner would be fixed in one language."""
    loaded = _loaded()
    if key in loaded:
        return compute()
    with st.spinner(t(message_key)):
        out = compute()
    loaded.add(key)
    return out


def checkpoints_for(dataset: str) -> list[dict]:
    """Readable checkpoints of latent models trained on ``dataset``, in folder-name order."""
    return [c for c in list_checkpoints(checkpoint_root())
            if "error" not in c and c.get("dataset") == dataset and c.get("kind") != "classifier"]


def unreadable_checkpoints() -> list[dict]:
    """Folders under the checkpoint root whose config cannot be read: name and ``error``."""
    return [c for c in list_checkpoints(checkpoint_root()) if "error" in c]
