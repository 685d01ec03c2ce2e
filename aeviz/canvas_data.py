"""What ``aeviz/ui/web/canvas_plots.js`` draws, as JSON-safe dicts: arrays in, plain lists out.
No Streamlit, no plotly here. A canvas plot is redrawn in place when its data changes, where a
plotly chart would be rebuilt from scratch (see the JavaScript's header)."""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def finite_list(values, decimals: int) -> list:
    """Rounded values as a list; inf and NaN (a diverged run) become None, drawn as gaps."""
    v = np.round(np.asarray(values, dtype=np.float64).ravel(), decimals)
    return np.where(np.isfinite(v), v, None).tolist()


def rgba(color: str) -> list[float]:
    """'#rrggbb' or 'rgba(r,g,b,a)' -> [r, g, b, a] (a in 0..1)."""
    color = color.strip()
    if color.startswith("#"):
        return [int(color[i:i + 2], 16) for i in (1, 3, 5)] + [1.0]
    parts = [float(p) for p in color[color.index("(") + 1:color.rindex(")")].split(",")]
    return parts[:3] + [parts[3] if len(parts) > 3 else 1.0]


def points(codes, palette, labels=None, size: float = 4.4, alpha: float = 0.8, outline: str | None = None,
           name: str | None = None) -> dict:
    """Dots at ``codes`` (n, 2), coloured ``palette[labels[i]]`` (one colour when ``labels`` is None);
    coordinates rounded to 1e-3, a tenth of a pixel on any map this size."""
    codes = np.asarray(codes, dtype=np.float64).reshape(-1, 2)
    layer = {"type": "points", "xs": finite_list(codes[:, 0], 3), "ys": finite_list(codes[:, 1], 3),
             "palette": list(palette), "size": float(size), "alpha": float(alpha)}
    if labels is not None:
        layer["labels"] = np.asarray(labels, dtype=int).ravel().tolist()
    if outline:
        layer["outline"] = outline
    if name:
        layer["name"] = name
    return layer


def grid(values, extent, scale, smooth: bool = False, name: str = "") -> dict:
    """A (ny, nx) grid of values in [0, 1] (row 0 at the bottom) over ``extent`` (x0, x1, y0, y1),
    coloured by a plotly-style colour scale ``[[stop, colour], ...]``; ``smooth`` blends the cells;
    ``name`` says what it shades (a latent map shows it as ``data-grid``)."""
    v = np.asarray(values, dtype=np.float64)
    layer = {"type": "grid", "values": finite_list(v, 4), "ny": int(v.shape[0]), "nx": int(v.shape[1]),
             "extent": [float(e) for e in extent], "scale": [[float(s), rgba(c)] for s, c in scale],
             "smooth": bool(smooth)}
    if name:
        layer["name"] = name
    return layer


def cell_extent(xs, ys) -> tuple[float, float, float, float]:
    """The outer edges of a grid whose cell centres are ``xs`` and ``ys`` (evenly spaced)."""
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return float(xs[0] - dx / 2), float(xs[-1] + dx / 2), float(ys[0] - dy / 2), float(ys[-1] + dy / 2)


def map_plot(axis_range, layers: list[dict], height: int, title: str = "", keys=(), legend: str = "",
             xlabel: str = "z₁", ylabel: str = "z₂") -> dict:
    """A 2-D map: ``layers`` drawn in order over fixed axes; ``keys`` ([name, colour] pairs) make
    the legend under it, headed ``legend``."""
    return {"kind": "map", "title": title, "height": int(height), "range": [float(r) for r in axis_range],
            "layers": layers, "keys": [[str(n), c] for n, c in keys], "legend": legend,
            "xlabel": xlabel, "ylabel": ylabel}


def image_layer(png_data_uri: str, extent, smooth: bool = False) -> dict:
    """A picture (a PNG data URI) stretched over ``extent`` (x0, x1, y0, y1); ``smooth`` blends its
    pixels (off: a grid of decoded digits stays crisp)."""
    return {"type": "image", "src": png_data_uri, "extent": [float(e) for e in extent], "smooth": bool(smooth)}


def latent_map(codes, labels, class_names, colors, axis_range, height: int, map_id: str,
               grid_layer: dict | None = None, note: str = "", size: float = 5.0, alpha: float = 0.8,
               legend: bool = True, tooltip: bool = True, label: str = "",
               xlabel: str = "z₁", ylabel: str = "z₂") -> dict:
    """What ``web/latent_map.js`` draws: the codes (n, 2) split by class (each dot keeps its row,
    so a click on it names the test image), an optional grid layer under them and its ``note``.
    ``map_id`` names the map: the browser keeps its zoom while the id and the range stay.
    ``legend`` (the classes, each a toggle) and ``tooltip`` (a dot's class and z) can be left out."""
    codes = np.asarray(codes, dtype=np.float64).reshape(-1, 2)
    labels = np.asarray(labels, dtype=int).ravel()
    rows = np.arange(len(codes))
    classes = []
    for c, name in enumerate(class_names):
        mask = labels == c
        if not mask.any():
            continue
        classes.append({"name": str(name), "color": colors[c % len(colors)], "rows": rows[mask].tolist(),
                        "xs": finite_list(codes[mask, 0], 3), "ys": finite_list(codes[mask, 1], 3)})
    return {"kind": "latent", "id": map_id, "height": int(height), "range": [float(r) for r in axis_range],
            "classes": classes, "grid": grid_layer, "note": note, "size": float(size), "alpha": float(alpha),
            "legend": bool(legend), "tooltip": bool(tooltip), "label": label, "xlabel": xlabel, "ylabel": ylabel}


def png_data_uri(gray01) -> str:
    """A (h, w) image in [0, 1] as a grey PNG data URI."""
    buf = io.BytesIO()
    Image.fromarray((np.clip(np.asarray(gray01), 0, 1) * 255).astype(np.uint8), mode="L").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def manifold_plot(tiled, axis_range, title: str, height: int, tick_values=None) -> dict:
    """A decoded n x n grid as one picture over ``axis_range`` (the scatter's z axes). With
    ``tick_values`` (an inverse-CDF grid, unevenly spaced in z) the axes count cells and each
    tick names its cell's z value."""
    x0, x1, y0, y1 = (float(r) for r in axis_range)
    d = map_plot((x0, x1, y0, y1), [image_layer(png_data_uri(tiled), (x0, x1, y0, y1))], height, title=title)
    if tick_values is not None:
        n = len(tick_values)
        idx = np.arange(0, n, max(1, n // 6))
        d["xticks"] = [[x0 + (i + 0.5) * (x1 - x0) / n, f"{tick_values[i]:.2f}"] for i in idx]
        d["yticks"] = [[y1 - (i + 0.5) * (y1 - y0) / n, f"{tick_values[::-1][i]:.2f}"] for i in idx]
    return d
