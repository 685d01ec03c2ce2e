"""Figures for the training studio: arrays in, figures or images out. No Streamlit here."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from aeviz import canvas_data
from aeviz.plots import CLASS_COLORS, axis_range_for, latent_scatter

MAX_CURVE_POINTS = 600  # longer loss curves are averaged down: less to send and draw every poll
KIND_NAMES = {"ae": "AE", "vae": "VAE", "linear-ae": "Linear AE", "denoising-ae": "Denoising AE",
              "sparse-ae": "Sparse AE", "contractive-ae": "Contractive AE"}
KIND_COLORS = {"ae": "#4e79a7", "linear-ae": "#4e79a7", "denoising-ae": "#4e79a7", "sparse-ae": "#4e79a7",
               "contractive-ae": "#4e79a7", "vae": "#e15759"}


def _downsample(steps: np.ndarray, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """(k, 4) rows of step, loss, recon, kl -> at most ``limit`` rows, each the mean of a block."""
    if len(steps) <= limit:
        return steps
    block = -(-len(steps) // limit)
    cut = len(steps) // block * block
    head = steps[:cut].reshape(-1, block, steps.shape[1]).mean(axis=1)
    return np.vstack([head, steps[cut:].mean(axis=0, keepdims=True)]) if cut < len(steps) else head


LOSS_LABELS = {"recon_title": "Reconstruction loss per image", "kl_title": "KL term per image (VAE)",
               "step": "step", "recon_trace": "{model} reconstruction", "kl_trace": "VAE KL"}


def loss_figure(curves: dict[str, np.ndarray], total_steps: int, height: int = 300,
                labels: dict[str, str] | None = None, names: dict[str, str] | None = None) -> go.Figure:
    """Per-step losses: reconstruction (every model) on the left, KL (the VAE's) on the right.

    ``curves`` maps a model kind to its (k, 4) array of step, loss, recon, kl. The x axes span the
    whole run from the start, so the curves grow from left to right. ``labels`` (keys of
    ``LOSS_LABELS``) and ``names`` (kind -> shown name) are the page's translations.
    """
    labels = {**LOSS_LABELS, **(labels or {})}
    names = {**KIND_NAMES, **(names or {})}
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=(labels["recon_title"], labels["kl_title"]))
    for kind, steps in curves.items():
        s = _downsample(steps)
        name, color = names.get(kind, kind), KIND_COLORS.get(kind, "#59a14f")
        fig.add_trace(go.Scatter(x=s[:, 0], y=s[:, 2], mode="lines", name=labels["recon_trace"].format(model=name),
                                 line={"color": color, "width": 1.5}), row=1, col=1)
        if kind == "vae":
            fig.add_trace(go.Scatter(x=s[:, 0], y=s[:, 3], mode="lines", name=labels["kl_trace"],
                                     line={"color": "#f28e2b", "width": 1.5}), row=1, col=2)
    fig.update_xaxes(title_text=labels["step"], range=[0, max(total_steps, 1)])
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(height=height, margin={"l": 40, "r": 10, "t": 40, "b": 40}, plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.25}, uirevision="losses")
    return fig


def latent_map(codes: np.ndarray, labels: np.ndarray, class_names, title: str,
               axis_range: tuple[float, float, float, float] | None = None, height: int = 420,
               legend_title: str = "class") -> go.Figure:
    """The Explorer's map style (``plots.latent_scatter``) for one epoch's snapshot."""
    fig = latent_scatter(codes, labels, class_names, axis_range or axis_range_for(codes), title=title,
                         height=height, marker_size=4)
    fig.update_layout(legend={"title": {"text": legend_title}})
    return fig


def live_curves_data(curves: dict[str, np.ndarray], total_steps: int, height: int = 300,
                     labels: dict[str, str] | None = None, names: dict[str, str] | None = None) -> dict:
    """What ``web/canvas_plots.js`` draws while a training runs: the curves of ``loss_figure``, as
    plain lists (reconstruction of every model on the left, the VAE's KL on the right)."""
    labels = {**LOSS_LABELS, **(labels or {})}
    names = {**KIND_NAMES, **(names or {})}
    recon, kl = [], []
    for kind, steps in curves.items():
        s = _downsample(np.asarray(steps, dtype=np.float64).reshape(-1, 4))
        xs = s[:, 0].tolist()
        recon.append({"name": labels["recon_trace"].format(model=names.get(kind, kind)),
                      "color": KIND_COLORS.get(kind, "#59a14f"), "xs": xs, "ys": canvas_data.finite_list(s[:, 2], 4)})
        if kind == "vae":
            kl.append({"name": labels["kl_trace"], "color": "#f28e2b", "xs": xs, "ys": canvas_data.finite_list(s[:, 3], 4)})
    return {"kind": "curves", "height": int(height), "xlabel": labels["step"], "total": int(max(total_steps, 1)),
            "panels": [{"title": labels["recon_title"], "series": recon}, {"title": labels["kl_title"], "series": kl}]}


def _finite(codes) -> np.ndarray:
    """The codes whose two coordinates are finite (a diverged run's may be NaN or inf)."""
    codes = np.asarray(codes, dtype=np.float64)
    return codes[np.isfinite(codes[:, :2]).all(axis=1)]


def _finite_range(codes: np.ndarray) -> tuple[float, float, float, float]:
    """``axis_range_for`` the finite codes."""
    finite = _finite(codes)
    return axis_range_for(finite) if len(finite) else (-1.0, 1.0, -1.0, 1.0)


def live_map_data(codes: np.ndarray, labels: np.ndarray, class_names, title: str,
                  axis_range: tuple[float, float, float, float] | None = None, height: int = 420,
                  legend_title: str = "class") -> dict:
    """What ``web/canvas_plots.js`` draws while a training runs: the map of ``latent_map``."""
    codes = np.asarray(codes, dtype=np.float64)
    axis_range = axis_range or _finite_range(codes)
    keys = [(name, CLASS_COLORS[c % len(CLASS_COLORS)]) for c, name in enumerate(class_names)]
    return canvas_data.map_plot(axis_range, [canvas_data.points(codes[:, :2], CLASS_COLORS, labels)], height,
                                title=title, keys=keys, legend=legend_title)


def shared_range(snapshots: list[np.ndarray]) -> tuple[float, float, float, float]:
    """One axis range that holds every epoch's codes, each epoch's as its own map would (all but
    its outermost 0.5 % a side): the drift over the epochs stays visible. The quantiles of all the
    epochs pooled cut the widest epoch short (a VAE's codes spread out over a run): with the last
    of ten epochs ten times wider than the first, 4 % of its points fell off the map's edges."""
    finite = [_finite(s) for s in snapshots]
    ranges = np.array([axis_range_for(c) for c in finite if len(c)] or [(-1.0, 1.0, -1.0, 1.0)])
    return (float(ranges[:, 0].min()), float(ranges[:, 1].max()), float(ranges[:, 2].min()), float(ranges[:, 3].max()))


def reconstruction_strip(originals: np.ndarray, rows: list[np.ndarray], scale: int = 3,
                         gap: int = 2) -> np.ndarray:
    """Originals on top, one row per model below: (8, 28, 28) arrays in [0, 1] -> a uint8 image
    enlarged ``scale`` times (nearest neighbour, so pixels stay sharp) with white gaps."""
    all_rows = [originals, *rows]
    n = originals.shape[0]
    h, w = 28 * scale, 28 * scale
    out = np.full((len(all_rows) * (h + gap) - gap, n * (w + gap) - gap), 255, dtype=np.uint8)
    for r, images in enumerate(all_rows):
        for c in range(n):
            # White strokes on black, as the Explorer draws decoded images.
            tile = np.kron(np.clip(images[c], 0, 1), np.ones((scale, scale)))
            out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = (tile * 255).astype(np.uint8)
    return out


def final_map_data(codes: np.ndarray, labels: np.ndarray, class_names, title: str, map_id: str,
                   axis_range: tuple[float, float, float, float] | None = None, height: int = 420) -> dict:
    """A finished run's map for the explorer's map widget (``web/latent_map.js``: zoom, pan, class
    toggles, a tooltip), where plotly's bundle would keep it off screen for seconds. Codes that are
    not finite (a diverged run) are left out. ``map_id``: the browser keeps the zoom while it and
    the axes stay, as they do when the replay moves between epochs on fixed axes."""
    codes = np.asarray(codes, dtype=np.float64)[:, :2]
    keep = np.isfinite(codes).all(axis=1)
    return canvas_data.latent_map(codes[keep], np.asarray(labels)[keep], class_names, CLASS_COLORS,
                                  axis_range or _finite_range(codes), height, map_id, size=4, label=title)
