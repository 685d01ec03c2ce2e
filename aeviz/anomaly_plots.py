"""Plotly figures for anomaly detection and the "your own digit" page: arrays in, figures out.
Every label arrives translated (no Streamlit, no catalogue lookups here)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .plots import MARK_COLOR, STAR_COLOR, legend_html, latent_scatter

IN_COLOR, OUT_COLOR = "#4e79a7", "#e15759"
SCORE_COLORS = {"ae": "#e15759", "vae": "#4e79a7", "pca": "#59a14f", "vae_elbo": "#b07aa1"}


def score_histogram(scores_in: np.ndarray, scores_out: np.ndarray, threshold: float, *, in_label: str,
                    out_label: str, x_title: str, threshold_label: str, title: str = "",
                    marks: list[tuple[float, str]] | None = None, log_x: bool = False,
                    height: int = 300) -> go.Figure:
    """Two overlaid histograms (in vs out of distribution, each normalised to a probability so sets
    of different sizes compare), a dashed threshold line, and optional marked scores (uploads)."""
    s_in, s_out = np.asarray(scores_in, float), np.asarray(scores_out, float)
    both = np.concatenate([s_in, s_out])
    if log_x:
        lo, hi = np.log10(max(both.min(), 1e-12)), np.log10(both.max())
        s_in, s_out = np.log10(np.maximum(s_in, 1e-12)), np.log10(np.maximum(s_out, 1e-12))
    else:
        lo, hi = float(both.min()), float(both.max())
    bins = {"start": lo, "end": hi + 1e-9, "size": (hi - lo) / 60 or 1.0}
    fig = go.Figure()
    for values, name, color in ((s_in, in_label, IN_COLOR), (s_out, out_label, OUT_COLOR)):
        fig.add_trace(go.Histogram(x=values, name=name, xbins=bins, histnorm="probability",
                                   marker={"color": color}, opacity=0.6))
    t = np.log10(max(threshold, 1e-12)) if log_x else threshold
    fig.add_vline(x=t, line={"dash": "dash", "color": MARK_COLOR, "width": 2},
                  annotation={"text": threshold_label, "font": {"size": 12}}, annotation_position="top")
    for value, name in marks or []:
        v = np.log10(max(value, 1e-12)) if log_x else value
        fig.add_vline(x=v, line={"color": "#f28e2b", "width": 3},
                      annotation={"text": name, "font": {"size": 12, "color": "#b35900"}},
                      annotation_position="bottom right")
    xaxis = {"title": x_title}
    if log_x:  # bins are even in log10(score); the ticks name the scores themselves
        xaxis.update(tickvals=(ticks := log_ticks(lo, hi)), ticktext=[f"{10 ** v:.2g}" for v in ticks])
    fig.update_layout(barmode="overlay", height=height, title={"text": title, "x": 0.5} if title else None,
                      margin={"l": 50, "r": 10, "t": 40 if title else 20, "b": 45}, plot_bgcolor="white",
                      xaxis=xaxis, yaxis={"title": ""},
                      legend={"orientation": "h", "y": -0.3, "x": 0}, font={"size": 13})
    return fig


def log_ticks(lo: float, hi: float) -> list[float]:
    """log10 positions of the round values 1, 2, 5 x 10^k between 10^lo and 10^hi."""
    out = []
    for k in range(int(np.floor(lo)), int(np.ceil(hi)) + 1):
        for m in (1, 2, 5):
            v = np.log10(m) + k
            if lo <= v <= hi:
                out.append(float(v))
    return out


def roc_figure(curves: dict[str, tuple[np.ndarray, np.ndarray, float]], names: dict[str, str], *,
               x_title: str, y_title: str, chance_label: str, height: int = 420) -> go.Figure:
    """ROC curves on one chart, the AUC in each legend entry; the diagonal is a coin flip."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=chance_label,
                             line={"dash": "dot", "color": "#999999"}, hoverinfo="skip"))
    for key, (fpr, tpr, area) in curves.items():
        fig.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name=f"{names[key]}: AUC {area:.3f}",
                                 line={"width": 3, "color": SCORE_COLORS.get(key)},
                                 hovertemplate="FPR %{x:.3f}<br>TPR %{y:.3f}<extra></extra>"))
    fig.update_layout(height=height, margin={"l": 50, "r": 10, "t": 20, "b": 45}, plot_bgcolor="white",
                      xaxis={"title": x_title, "range": [0, 1], "constrain": "domain"},
                      yaxis={"title": y_title, "range": [0, 1.02], "scaleanchor": "x", "scaleratio": 1},
                      legend={"x": 0.98, "xanchor": "right", "y": 0.05, "yanchor": "bottom",
                              "bgcolor": "rgba(255,255,255,0.85)"}, font={"size": 13})
    return fig


def ellipse_points(centre, radii, n: int = 72) -> np.ndarray:
    """(n + 1, 2) points of an axis-aligned ellipse, closed."""
    t = np.linspace(0, 2 * np.pi, n + 1)
    return np.stack([centre[0] + radii[0] * np.cos(t), centre[1] + radii[1] * np.sin(t)], 1)


def marked_map(codes: np.ndarray, labels: np.ndarray, class_names, axis_range, point, *, point_label: str,
               sigma=None, sigma_label: str = "", title: str = "", height: int = 420) -> go.Figure:
    """The test images' codes with one point marked (a large ringed star), and for a VAE the 1σ and
    2σ ellipses of q(z|x) around it. The axes widen to keep the point on screen."""
    x0, x1, y0, y1 = axis_range
    px, py = float(point[0]), float(point[1])
    reach = (2 * float(sigma[0]), 2 * float(sigma[1])) if sigma is not None else (0.0, 0.0)
    pad_x, pad_y = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
    axis = (min(x0, px - reach[0] - pad_x), max(x1, px + reach[0] + pad_x),
            min(y0, py - reach[1] - pad_y), max(y1, py + reach[1] + pad_y))
    fig = latent_scatter(codes, labels, class_names, axis, title=title, height=height, marker_size=4)
    fig.update_traces(marker={"opacity": 0.45})
    if sigma is not None:
        for k, dash in ((1, "solid"), (2, "dot")):
            ring = ellipse_points((px, py), (k * sigma[0], k * sigma[1]))
            fig.add_trace(go.Scatter(x=ring[:, 0], y=ring[:, 1], mode="lines", name=f"{k}σ {sigma_label}",
                                     line={"color": MARK_COLOR, "width": 2, "dash": dash}, hoverinfo="skip",
                                     showlegend=k == 1))
    fig.add_trace(go.Scatter(x=[px], y=[py], mode="markers", name=point_label,
                             marker={"symbol": "star", "size": 22, "color": STAR_COLOR,
                                     "line": {"color": MARK_COLOR, "width": 2}},
                             hovertemplate=f"{point_label}<br>z=(%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    # No legend of its own: in a column a third of the page wide, a legend of twelve entries grew
    # into a scrolling list below the plot and squeezed the plot to a strip. The page that shows
    # several of these draws one legend for all of them (``marked_map_legend``).
    fig.update_layout(showlegend=False, margin={"b": 50}, font={"size": 13})
    return fig


def marked_map_legend(class_names, point_label: str, sigma_label: str = "") -> str:
    """HTML: one legend for a row of ``marked_map`` figures: class colours, the marked point, and
    with ``sigma_label`` the two σ rings."""
    rings = [("solid", f"1σ {sigma_label}"), ("dotted", f"2σ {sigma_label}")] if sigma_label else []
    return legend_html(class_names, [("star", point_label), *rings])
