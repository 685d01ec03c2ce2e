"""The explorer's cached data: which checkpoints form the panes, the encoded test images, the
maps' data (built once per process, see streamlit-notes §2), and the metrics. Arrays come from
``aeviz.analysis``; nothing here draws."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from aeviz import analysis, canvas_data, measures, plots
from aeviz.i18n import translate
from aeviz.checkpoints import read_config
from aeviz.ui import decode_route
from aeviz.ui.image_html import img_tag  # noqa: F401 - the pages' images, data.img_tag
from aeviz.ui.state import checkpoint_root, checkpoints_for, first_time, get_dataset, get_model
from aeviz.ui.texts import class_names

MAP_SIZE = 3000  # at most this many test images per map (Fashion-MNIST has 10,000)
SUBSET_SEED = 0
OVERLAY_N = 64  # overlay cells per axis
# px: a projector at the back of a room still reads it. At most: a narrower map is drawn no taller
# than it is wide (web/latent_map.js).
MAP_HEIGHT = 600
CONFIDENT = 0.9


@dataclass(frozen=True)
class Pane:
    """One side of the explorer: which checkpoint it shows. ``slot`` ('ae' | 'vae') names the
    stable element keys (``latent_<slot>``, ``decoded_<slot>``) whatever the checkpoint is."""

    slot: str
    name: str
    path: str
    kind: str
    mtime: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind})"


def _mtime(path: str) -> float:
    weights = Path(path) / "model.safetensors"
    return weights.stat().st_mtime if weights.exists() else 0.0


def pane_for(slot: str, entry: dict) -> Pane:
    return Pane(slot, entry["name"], entry["path"], entry.get("kind", "?"), _mtime(entry["path"]))


def default_index(dataset: str, entries: list[dict], slot: str) -> int | None:
    """The checkpoint named by ``?ckpt_<slot>=NAME`` (a link from another page), else
    ``<dataset>-ae`` / ``<dataset>-vae`` when present, else the first checkpoint of that family
    (variational or not), else None."""
    names = [e["name"] for e in entries]
    asked = st.query_params.get(f"ckpt_{slot}")
    if asked in names:
        return names.index(asked)
    if f"{dataset}-{slot}" in names:
        return names.index(f"{dataset}-{slot}")
    for i, e in enumerate(entries):
        if (e.get("kind") == "vae") == (slot == "vae"):
            return i
    return None


def list_entries(dataset: str) -> list[dict]:
    return checkpoints_for(dataset)


def classifier_path(dataset: str) -> str | None:
    """The reference classifier ``checkpoints/<dataset>-classifier``, if it is there and readable."""
    path = checkpoint_root() / f"{dataset}-classifier"
    try:
        cfg = read_config(path)
    except ValueError:
        return None
    return str(path) if cfg.get("kind") == "classifier" and (path / "model.safetensors").exists() else None


def get_classifier(dataset: str):
    path = classifier_path(dataset)
    return None if path is None else get_model(path)


@st.cache_resource(show_spinner=False)
def _test_subset(dataset: str) -> dict:
    ds = get_dataset(dataset)
    labels = ds.labels("test").numpy()
    index = np.arange(len(labels))
    if len(index) > MAP_SIZE:
        index = np.sort(np.random.default_rng(SUBSET_SEED).choice(len(labels), MAP_SIZE, replace=False))
    images = ds.images("test")[torch.as_tensor(index)]
    return {"images": images[:, 0].numpy(), "images_t": images, "labels": labels[index], "index": index,
            "describe": ds.describe()}


def test_subset(dataset: str, lang: str | None = None) -> dict:
    """A fixed subsample (seeded) of the test split shared by both panes, so row i is the same
    image in every map: ``images`` (N, 28, 28) float32, ``labels`` (N,), ``index`` into the split,
    and ``class_names`` in ``lang`` (default: the page's language; a function cached across
    languages must pass its own)."""
    return {**_test_subset(dataset), "class_names": class_names(dataset, lang)}


def map_data(path: str, mtime: float, dataset: str) -> dict:
    """The encoded subset of one checkpoint: ``codes`` (N, 2) and the map's fixed ``axis_range``;
    a spinner in the page's language while it is computed the first time."""
    return first_time(("codes", path, mtime, dataset), "common.encoding", lambda: _map_data(path, mtime, dataset))


@st.cache_resource(show_spinner=False)
def _map_data(path: str, mtime: float, dataset: str) -> dict:
    model = get_model(path)
    sub = _test_subset(dataset)
    codes = analysis.encode_all(model, sub["images_t"])[:, :2]
    axis_range = plots.axis_range_for(codes)
    return {"codes": codes, "axis_range": axis_range}


OVERLAYS = ("none", "empty", "stretch", "doubt")


@st.cache_resource(show_spinner=False)
def overlay_background(path: str, mtime: float, dataset: str, overlay: str) -> dict | None:
    """An OVERLAY_N x OVERLAY_N shading of the map's own axes, values in [0, 1] (1 = darkest /
    hottest), or None (no overlay, or classifier doubt without a classifier):
    ``empty``: 1 where the nearest test code is more than 5 code spacings away;
    ``stretch``: log10(decoder stretch / its median over the central box), clipped to [0, 2] / 2;
    ``doubt``: 1 - the reference classifier's confidence in the decoded image."""
    if overlay == "none":
        return None
    d = map_data(path, mtime, dataset)
    codes = d["codes"]
    x0, x1, y0, y1 = d["axis_range"]
    xs, ys = np.linspace(x0, x1, OVERLAY_N), np.linspace(y0, y1, OVERLAY_N)
    grid = np.stack(np.meshgrid(xs, ys), -1).astype(np.float32)  # (ny, nx, 2), row 0 at y0
    if overlay == "empty":
        z = (measures.emptiness(grid, codes) > measures.EMPTY_FACTOR).astype(np.float32)
    elif overlay == "stretch":
        model = get_model(path)
        stretch = measures.decoder_stretch(model.decode, grid, scale=codes.std(0))
        central = measures.decoder_stretch(model.decode, measures.box_grid(measures.central_box(codes), 32),
                                           scale=codes.std(0))
        z = np.clip(np.log10(np.maximum(stretch, 1e-12) / np.median(central)), 0, 2) / 2
    elif overlay == "doubt":
        classifier = get_classifier(dataset)
        if classifier is None:
            return None
        decoded = analysis.decode_all(get_model(path), grid.reshape(-1, 2))
        z = (1.0 - analysis.classify(classifier, decoded).max(axis=1)).reshape(OVERLAY_N, OVERLAY_N)
    else:
        raise ValueError(f"unknown overlay {overlay!r}")
    return {"x": xs, "y": ys, "z": z, "kind": overlay}


@st.cache_resource(show_spinner=False)
def real_features(dataset: str) -> np.ndarray | None:
    """The reference classifier's features of the shown test images (realism is judged against them)."""
    classifier = get_classifier(dataset)
    return None if classifier is None else measures._features(classifier, test_subset(dataset)["images"])


@st.cache_resource(show_spinner=False)
def map_measures(path: str, mtime: float, dataset: str, classifier_mtime: float) -> measures.MapMeasures:
    """Every measure of one loaded checkpoint, on the test images its map shows (cached per process:
    a few seconds once, then free for every visitor)."""
    return measures.measure_model(get_model(path), map_data(path, mtime, dataset)["codes"],
                                  test_subset(dataset)["images"], get_classifier(dataset))


@st.cache_resource(show_spinner=False)
def map_canvas(path: str, mtime: float, dataset: str, overlay: str, lang: str, height: int = MAP_HEIGHT) -> dict:
    """What the browser draws for one map (``aeviz/ui/web/latent_map.js``), built once per process,
    overlay and language, and shared read-only."""
    d, sub = map_data(path, mtime, dataset), test_subset(dataset, lang)
    bg = overlay_background(path, mtime, dataset, overlay)
    layer = None if bg is None else canvas_data.grid(bg["z"], canvas_data.cell_extent(bg["x"], bg["y"]),
                                                     plots.OVERLAY_SCALES[bg["kind"]], smooth=True, name=bg["kind"])
    note = translate(lang, f"measures.overlay.{overlay}_legend") if overlay != "none" else ""
    return canvas_data.latent_map(d["codes"], sub["labels"], sub["class_names"], plots.CLASS_COLORS, d["axis_range"],
                                  height=height, map_id=f"{path}|{mtime}", grid_layer=layer, note=note,
                                  label=translate(lang, "explorer.map_label"))


def decode_one(path: str, z) -> np.ndarray:
    """One z -> (28, 28) image in [0, 1]."""
    return decode_route.decode(get_model(path), z)


@torch.inference_mode()
def reconstruct(path: str, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A test image through one checkpoint: (its code (2,), the reconstruction (28, 28))."""
    model = get_model(path)
    z = model.encode(torch.as_tensor(image, dtype=torch.float32)[None, None])
    return z[0].numpy(), model.decode(z)[0, 0].numpy()


png_data_uri = canvas_data.png_data_uri


@st.cache_data(show_spinner=False, max_entries=64)
def manifold(path: str, mtime: float, dataset: str, n: int, icdf: bool) -> dict:
    """The decoded n x n grid, tiled: evenly over the map's axes, or by the inverse CDF."""
    axis_range = map_data(path, mtime, dataset)["axis_range"]
    if icdf:
        z = analysis.inverse_cdf_grid(n)
        ticks = z[0, :, 0]
        span = float(np.abs(z).max()) + 0.0
        axis_range = (-span, span, -span, span)
    else:
        z = analysis.grid_points(axis_range, n)
        ticks = None
    decoded = analysis.decode_all(get_model(path), z.reshape(-1, 2))
    return {"tiled": analysis.tile_images(decoded, n, n), "axis_range": axis_range, "ticks": ticks}


@st.cache_data(show_spinner=False, max_entries=64)
def prior_gallery(path: str, mtime: float, dataset: str, n: int, seed: int, fitted: bool) -> dict:
    """n prior samples decoded, with the classifier's label and confidence when there is one.
    ``fitted``: draw from a Gaussian fitted to this model's codes instead of N(0, I)."""
    mean = std = None
    if fitted:
        codes = map_data(path, mtime, dataset)["codes"]
        mean, std = codes.mean(0), codes.std(0)
    z = analysis.prior_samples(n, seed=seed, mean=mean, std=std)
    images = analysis.decode_all(get_model(path), z)
    classifier = get_classifier(dataset)
    probs = analysis.classify(classifier, images) if classifier is not None else None
    return {"images": images, "z": z, "probs": probs}


@st.cache_resource(show_spinner=False, max_entries=64)
def manifold_canvas(path: str, mtime: float, dataset: str, n: int, icdf: bool, title: str) -> dict:
    """The manifold grid as the browser draws it (a PNG in a canvas plot), encoded once per grid."""
    m = manifold(path, mtime, dataset, n, icdf)
    return canvas_data.manifold_plot(m["tiled"], m["axis_range"], title, 600, m["ticks"])
