"""Plotly figure builders: arrays in, figures out. No Streamlit here."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# Ten well-separated colours (Tableau 10), one per class, the same in every chart.
CLASS_COLORS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def latent_scatter(codes: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...] | list[str],
                   axis_range: tuple[float, float, float, float], title: str = "",
                   height: int = 480, marker_size: int = 4) -> go.Figure:
    """The 2-D codes coloured by class, one trace per class (so the legend names them), on fixed
    axes ``(x0, x1, y0, y1)``. Deterministic for the same inputs, so Streamlit keeps the chart's
    identity (and zoom) across reruns. ``customdata`` of each point is its row in ``codes``."""
    fig = go.Figure()
    rows = np.arange(len(codes))
    for c, name in enumerate(class_names):
        mask = labels == c
        if not mask.any():
            continue
        fig.add_trace(go.Scattergl(
            x=codes[mask, 0], y=codes[mask, 1], mode="markers", name=str(name),
            customdata=rows[mask], hovertemplate=f"{name}<br>z=(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            marker={"size": marker_size, "color": CLASS_COLORS[c % len(CLASS_COLORS)], "opacity": 0.8},
        ))
    x0, x1, y0, y1 = axis_range
    fig.update_layout(
        title={"text": title, "x": 0.5} if title else None, height=height,
        margin={"l": 40, "r": 10, "t": 40 if title else 10, "b": 40},
        xaxis={"range": [x0, x1], "title": "z₁", "zeroline": True},
        yaxis={"range": [y0, y1], "title": "z₂", "zeroline": True},
        legend={"itemsizing": "constant", "title": {"text": "class"}},
        plot_bgcolor="white",
    )
    return fig


def axis_range_for(codes: np.ndarray, quantile: float = 0.005, pad: float = 0.1) -> tuple[float, float, float, float]:
    """Fixed axes that hold all but the outermost ``quantile`` of codes on each side, padded, and
    rounded outwards to a tenth so the grid and the scatter share a stable range."""
    lo = np.quantile(codes[:, :2], quantile, axis=0)
    hi = np.quantile(codes[:, :2], 1 - quantile, axis=0)
    span = hi - lo
    lo, hi = lo - pad * span, hi + pad * span
    lo, hi = np.floor(lo * 10) / 10, np.ceil(hi * 10) / 10
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])
