"""Plotly figure builders: arrays in, figures out. No Streamlit here."""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

# Ten well-separated colours (Tableau 10), one per class, the same in every chart.
CLASS_COLORS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
# What is drawn over the codes (a path, a marked point, its rings), and the marked point's star.
MARK_COLOR, STAR_COLOR = "#111111", "#f28e2b"


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


# ---------------------------------------------------------------------------------------------
# The explorer's figures.
# ---------------------------------------------------------------------------------------------

# Overlay shadings (value 0 -> 1); transparent at 0 so the points stay readable.
OVERLAY_SCALES = {
    "empty": [[0.0, "rgba(255,255,255,0)"], [0.5, "rgba(255,255,255,0)"], [0.5, "rgba(90,90,90,0.45)"],
              [1.0, "rgba(90,90,90,0.45)"]],
    "stretch": [[0.0, "rgba(255,255,255,0)"], [0.25, "rgba(253,174,97,0.35)"], [0.6, "rgba(215,48,39,0.6)"],
                [1.0, "rgba(120,0,20,0.8)"]],
    "doubt": [[0.0, "rgba(255,255,255,0)"], [0.5, "rgba(170,170,170,0.45)"], [1.0, "rgba(60,60,60,0.75)"]],
}


def manifold_figure(tiled: np.ndarray, axis_range, title: str = "", height: int = 520,
                    tick_values: np.ndarray | None = None) -> go.Figure:
    """A decoded n x n grid as one picture. With ``tick_values`` None the picture spans
    ``axis_range`` on real z axes (the same axes as the scatter). Otherwise (inverse-CDF grid,
    unevenly spaced in z) the axes count cells and the ticks name each cell's z value."""
    from PIL import Image  # plotly needs a PIL image or a data URI for a layout image

    img = Image.fromarray((np.clip(tiled, 0, 1) * 255).astype(np.uint8), mode="L")
    x0, x1, y0, y1 = axis_range
    fig = go.Figure()
    fig.add_layout_image(source=img, xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
                         sizing="stretch", layer="below", xanchor="left", yanchor="top")
    # An invisible trace so the axes exist and keep the range.
    fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="markers", marker={"opacity": 0},
                             hoverinfo="skip", showlegend=False))
    xaxis = {"range": [x0, x1], "title": "z₁", "showgrid": False, "zeroline": False}
    yaxis = {"range": [y0, y1], "title": "z₂", "showgrid": False, "zeroline": False}
    if tick_values is not None:
        n = len(tick_values)
        every = max(1, n // 6)
        idx = np.arange(0, n, every)
        xaxis.update(tickvals=x0 + (idx + 0.5) * (x1 - x0) / n, ticktext=[f"{tick_values[i]:.2f}" for i in idx])
        yaxis.update(tickvals=y1 - (idx + 0.5) * (y1 - y0) / n,
                     ticktext=[f"{tick_values[::-1][i]:.2f}" for i in idx])
    fig.update_layout(title={"text": title, "x": 0.5} if title else None, height=height,
                      margin={"l": 50, "r": 10, "t": 40 if title else 10, "b": 40},
                      xaxis=xaxis, yaxis=yaxis, plot_bgcolor="white", font={"size": 14})
    return fig


_LEGEND_MARKS = {
    "star": f'<span style="color:{STAR_COLOR};font-size:18px;line-height:1;-webkit-text-stroke:1px {MARK_COLOR}">★</span>',
    "solid": f'<span style="width:22px;border-top:2px solid {MARK_COLOR};display:inline-block"></span>',
    "dotted": f'<span style="width:22px;border-top:2px dotted {MARK_COLOR};display:inline-block"></span>',
    "path": (f'<span style="width:22px;border-top:3px solid {MARK_COLOR};display:inline-block;position:relative">'
             '<span style="position:absolute;left:8px;top:-5px;width:7px;height:7px;border-radius:50%;'
             f'background:{MARK_COLOR}"></span></span>'),
}


def legend_html(class_names, extras=()) -> str:
    """HTML: one legend for a row of maps drawn without their own (class colours, then ``extras``,
    (mark, label) pairs with mark one of star, solid, dotted, path), as a row that wraps. A plotly
    legend of a dozen entries in a narrow column takes the plot's room: beside it, it left a
    projector's interpolation map 101 px wide; below it, it squeezed the digit page's maps to strips."""
    chip = '<span style="display:inline-flex;align-items:center;gap:4px;white-space:nowrap">{}{}</span>'
    dot = '<span style="width:10px;height:10px;border-radius:50%;background:{};opacity:0.7;display:inline-block"></span>'
    items = [chip.format(dot.format(CLASS_COLORS[c % len(CLASS_COLORS)]), html.escape(str(name)))
             for c, name in enumerate(class_names)]
    items += [chip.format(_LEGEND_MARKS[mark], html.escape(label)) for mark, label in extras]
    return ('<div class="aeviz-map-legend" style="display:flex;flex-wrap:wrap;gap:4px 14px;font-size:0.85rem;'
            f'align-items:center">{"".join(items)}</div>')


def path_map(codes: np.ndarray, labels: np.ndarray, class_names, axis_range, path: np.ndarray,
             title: str = "", height: int = 420, ends: tuple[str, str] = ("start", "end"),
             path_name: str = "path", step_label: str = "step") -> go.Figure:
    """The latent scatter with an interpolation path drawn on it: a line from start (○) to end
    (□) through the decoded steps; ``ends``, ``path_name`` and ``step_label`` label them (in the
    page's language)."""
    fig = latent_scatter(codes, labels, class_names, axis_range, title=title, height=height, marker_size=4)
    fig.update_traces(marker={"opacity": 0.45})
    fig.update_layout(showlegend=False)  # the page draws one legend for both maps (legend_html)
    fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name=path_name,
                             line={"color": MARK_COLOR, "width": 3}, marker={"size": 7, "color": MARK_COLOR},
                             hovertemplate=f"{step_label} %{{pointNumber}}<br>z=(%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    fig.add_trace(go.Scatter(x=path[[0, -1], 0], y=path[[0, -1], 1], mode="markers+text", name="ends",
                             text=list(ends), textposition="top center", showlegend=False,
                             marker={"size": 14, "symbol": ["circle-open", "square-open"], "color": MARK_COLOR,
                                     "line": {"width": 3}}, hoverinfo="skip"))
    fig.update_layout(font={"size": 14})
    return fig


def step_change_figure(series: dict[str, np.ndarray], height: int = 300, x_title: str = "step",
                       y_title: str = "mean |pixel change|") -> go.Figure:
    """Pixel change per interpolation step, one line per model: a jump through a gap is a spike."""
    colors = {"AE": "#e15759", "VAE": "#4e79a7"}
    fig = go.Figure()
    for name, values in series.items():
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=values, mode="lines+markers", name=name,
                                 line={"width": 3, "color": colors.get(name.split()[0])}))
    fig.update_layout(height=height, margin={"l": 50, "r": 10, "t": 30, "b": 40}, font={"size": 14},
                      xaxis={"title": x_title, "dtick": 1}, yaxis={"title": y_title, "rangemode": "tozero"},
                      plot_bgcolor="white", legend={"orientation": "h", "y": 1.12})
    return fig
