"""Class mode's figures: the map a student clicks (no class colours: they would give the answer
away; plotly) and the projector's map of every answer (a canvas plot). Arrays in, figures out; no
Streamlit here."""
from __future__ import annotations

import numpy as np

from . import canvas_data
from .plots import CLASS_COLORS, OVERLAY_SCALES

RIGHT, WRONG, PENDING = "#1a9850", "#d73027", "#222222"
DENSITY_N = 60  # density grid cells per axis
DENSITY_BANDWIDTH = 0.04  # Gaussian kernel width, as a share of the map's span
# The density's shading: nothing where few answered, warmer where a crowd did.
DENSITY_SCALE = [[0, "rgba(255,255,255,0)"], [0.2, "rgba(255,255,255,0)"], [0.35, "rgba(255,200,80,0.45)"],
                 [1, "rgba(230,85,13,0.85)"]]


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


def student_map(codes: np.ndarray, axis_range, map_id: str, height: int = 560) -> dict:
    """The test codes in grey, no legend and no tooltip (nothing says a dot's class), clickable
    anywhere at exact data coordinates: a latent map (``aeviz/ui/web/latent_map.js``) that the
    explorer's click listener reads."""
    return canvas_data.latent_map(codes, np.zeros(len(codes), dtype=int), [""], ["#9a9a9a"], axis_range, height,
                                  map_id, size=4, alpha=0.6, legend=False, tooltip=False)


def projector_map(codes: np.ndarray, labels: np.ndarray, axis_range, answers: np.ndarray,
                  verdicts: np.ndarray | None = None, target: int | None = None,
                  empty: dict | None = None, height: int = 640, answers_name: str = "answers") -> dict:
    """Every answer over the map, as a canvas plot (``aeviz.canvas_data``): answers arrive every
    second, and a plotly chart would be rebuilt from scratch at each poll (a core of the teacher's
    browser while a class answered; the canvas redraws in place). ``answers`` (n, 2). Before the
    reveal the test codes are grey and the answers dark; where three or more crowd, a density
    shows it. On reveal (``verdicts``: right or not per answer), the truth is drawn: class
    ``target``'s codes in its colour (``where``), or the empty space shaded (``empty``: the
    explorer's overlay, ``hole``); answers green or red. The answers' layer is named ``answers_name``."""
    layers = []
    if empty is not None:
        layers.append(canvas_data.grid(empty["z"], canvas_data.cell_extent(empty["x"], empty["y"]),
                                       OVERLAY_SCALES["empty"]))
    layers.append(canvas_data.points(codes, ["#b5b5b5"], size=3, alpha=0.5))
    if target is not None:
        mask = labels == target
        layers.append(canvas_data.points(codes[mask], [CLASS_COLORS[target % 10]], size=5, alpha=0.9))
    answers = np.asarray(answers, dtype=np.float64).reshape(-1, 2)
    if len(answers) >= 3:
        gx, gy, dens = answer_density(answers, axis_range)
        layers.append(canvas_data.grid(np.clip(dens, 0, 1), canvas_data.cell_extent(gx, gy), DENSITY_SCALE,
                                       smooth=True))
    if verdicts is None:
        palette, which = [PENDING], None
    else:
        palette, which = [WRONG, RIGHT], np.asarray(verdicts, dtype=bool).astype(int)
    layers.append(canvas_data.points(answers, palette, which, size=16, alpha=1.0, outline="#ffffff",
                                     name=answers_name))
    return canvas_data.map_plot(axis_range, layers, height)
