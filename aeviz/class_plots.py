"""Class mode's figures: the map a student clicks (no class colours: they would give the answer
away) and the projector's map of every answer. Arrays in, figures out; no Streamlit here."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .plots import CLASS_COLORS, OVERLAY_SCALES

RIGHT, WRONG, PENDING = "#1a9850", "#d73027", "#222222"
DENSITY_N = 60  # density grid cells per axis
DENSITY_BANDWIDTH = 0.04  # Gaussian kernel width, as a share of the map's span


def answer_density(answers: np.ndarray, axis_range, n: int = DENSITY_N) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Gaussian kernel density of the answers on an n x n grid over the map, scaled so its peak
    is the share of answers within one kernel width of it (1 = everyone in one spot): a lone
    answer stays faint, a crowd glows. Returns (x (n,), y (n,), density (n, n), row 0 at y0)."""
    x0, x1, y0, y1 = axis_range
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    hx, hy = DENSITY_BANDWIDTH * (x1 - x0), DENSITY_BANDWIDTH * (y1 - y0)
    a = np.asarray(answers, dtype=np.float64).reshape(-1, 2)
    kx = np.exp(-0.5 * ((xs[None, :] - a[:, :1]) / hx) ** 2)  # (m, n)
    ky = np.exp(-0.5 * ((ys[None, :] - a[:, 1:]) / hy) ** 2)
    dens = ky.T @ kx / max(len(a), 1)  # (n_y, n_x)
    return xs, ys, dens


def _axes(fig: go.Figure, axis_range, height: int) -> None:
    x0, x1, y0, y1 = axis_range
    fig.update_layout(height=height, plot_bgcolor="white", showlegend=False, font={"size": 14},
                      margin={"l": 50, "r": 10, "t": 10, "b": 45},
                      xaxis={"range": [x0, x1], "title": "z₁", "zeroline": True},
                      yaxis={"range": [y0, y1], "title": "z₂", "zeroline": True})


def student_map(codes: np.ndarray, axis_range, height: int = 560) -> go.Figure:
    """The test codes in grey, clickable anywhere (``clickanywhere``: exact data coordinates, the
    explorer's click listener reads them). Deterministic, so the chart stays mounted."""
    fig = go.Figure(go.Scattergl(x=codes[:, 0], y=codes[:, 1], mode="markers", customdata=np.arange(len(codes)),
                                 hoverinfo="none", marker={"size": 4, "color": "#9a9a9a", "opacity": 0.6}))
    _axes(fig, axis_range, height)
    fig.update_layout(clickmode="event", clickanywhere=True, hovermode="closest", dragmode="pan")
    return fig


def projector_map(codes: np.ndarray, labels: np.ndarray, axis_range, answers: np.ndarray,
                  verdicts: np.ndarray | None = None, target: int | None = None,
                  empty: dict | None = None, height: int = 640, answers_name: str = "answers") -> go.Figure:
    """Every answer over the map. ``answers`` (n, 2). Before the reveal the test codes are grey and
    the answers dark; where three or more crowd, a density shows it. On reveal (``verdicts``: right
    or not per answer), the truth is drawn: class ``target``'s codes in its colour (``where``), or
    the empty space shaded (``empty``: the explorer's overlay, ``hole``); answers green or red."""
    fig = go.Figure()
    if empty is not None:
        fig.add_trace(go.Heatmap(x=empty["x"], y=empty["y"], z=empty["z"], zmin=0, zmax=1, showscale=False,
                                 colorscale=OVERLAY_SCALES["empty"], hoverinfo="skip", zsmooth=False))
    fig.add_trace(go.Scattergl(x=codes[:, 0], y=codes[:, 1], mode="markers", hoverinfo="skip",
                               marker={"size": 3, "color": "#b5b5b5", "opacity": 0.5}))
    if target is not None:
        mask = labels == target
        fig.add_trace(go.Scattergl(x=codes[mask, 0], y=codes[mask, 1], mode="markers", hoverinfo="skip",
                                   marker={"size": 5, "color": CLASS_COLORS[target % 10], "opacity": 0.9}))
    if len(answers) >= 3:
        gx, gy, dens = answer_density(answers, axis_range)
        fig.add_trace(go.Contour(x=gx, y=gy, z=dens, zmin=0, zmax=1, ncontours=6, showscale=False,
                                 hoverinfo="skip", contours={"coloring": "fill", "showlines": False},
                                 colorscale=[[0, "rgba(255,255,255,0)"], [0.2, "rgba(255,255,255,0)"],
                                             [0.35, "rgba(255,200,80,0.45)"], [1, "rgba(230,85,13,0.85)"]]))
    colors = PENDING if verdicts is None else [RIGHT if v else WRONG for v in verdicts]
    fig.add_trace(go.Scatter(x=answers[:, 0] if len(answers) else [], y=answers[:, 1] if len(answers) else [],
                             mode="markers", name=answers_name, hoverinfo="skip",
                             marker={"size": 16, "color": colors, "line": {"color": "white", "width": 2}}))
    _axes(fig, axis_range, height)
    fig.update_layout(dragmode=False)
    return fig
