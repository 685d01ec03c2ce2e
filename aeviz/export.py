"""Pictures and data for slides: a latent map with its overlays, a manifold grid or a filmstrip as
PNG at twice the screen size, and the latent codes as CSV. Arrays in, bytes out; no Streamlit,
no plotly.

Why PIL and not plotly's static export: plotly needs kaleido, which drives a Chrome of its own
(kaleido 1.x looks for one and offers to download it); ``make run`` would have to install it and
the classroom may be offline. Pillow is already installed with Streamlit, draws the same data
deterministically in milliseconds, and works with no browser at all.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .plots import CLASS_COLORS

SCALE = 2  # "2x": every size below is in screen pixels and multiplied by this
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


def font(size: int) -> ImageFont.ImageFont:
    """A font that has Vietnamese letters where the system has one (DejaVu, Liberation), else
    Pillow's own."""
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


@dataclass
class MapOverlays:
    """What a map shows on top of its points (all optional, in latent coordinates).

    background: (ny, nx) values in [0, 1] over the axis range (the gap map: 1 = darkest);
    markers: dicts with ``z`` (2,), optional ``label``, ``color``;
    lines: dicts with ``points`` (k, 2), optional ``color`` (an interpolation path);
    ellipses: dicts with ``center`` (2,), ``radii`` (2,), optional ``color`` (e.g. mu +- 2 sigma).
    """

    background: np.ndarray | None = None
    markers: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    ellipses: list[dict] = field(default_factory=list)


def _nice_ticks(lo: float, hi: float, n: int = 6) -> np.ndarray:
    span = hi - lo
    if span <= 0:
        return np.array([lo])
    raw = span / n
    step = 10 ** np.floor(np.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * step:
            step *= m
            break
    return np.arange(np.ceil(lo / step) * step, hi + 1e-9, step)


def map_png(codes: np.ndarray, labels: np.ndarray, class_names, axis_range: tuple[float, float, float, float],
            *, title: str = "", overlays: MapOverlays | None = None, size: tuple[int, int] = (640, 520),
            scale: int = SCALE, point_size: float = 2.5) -> bytes:
    """The latent map as a PNG of ``size`` screen pixels times ``scale``: the codes coloured by
    class (the app's colours), axes with ticks, a legend, and the overlays."""
    overlays = overlays or MapOverlays()
    w, h = size[0] * scale, size[1] * scale
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img, "RGBA")
    f_small, f_title = font(11 * scale), font(14 * scale)
    legend_w = 90 * scale
    left, right = 55 * scale, w - legend_w
    top, bottom = (36 if title else 12) * scale, h - 45 * scale
    x0, x1, y0, y1 = axis_range

    def px(z):
        z = np.asarray(z, dtype=np.float64).reshape(-1, 2)
        return np.stack([left + (z[:, 0] - x0) / (x1 - x0) * (right - left),
                         bottom - (z[:, 1] - y0) / (y1 - y0) * (bottom - top)], axis=1)

    if overlays.background is not None:
        bg = np.clip(np.asarray(overlays.background, dtype=np.float32), 0, 1)
        # White (0) to mid grey (1), as light as the on-screen overlay, so the points stay readable.
        shade = (255 - bg * 90).astype(np.uint8)[::-1]  # row 0 is y0 (bottom)
        tile = Image.fromarray(shade, "L").resize((int(right - left), int(bottom - top)), Image.NEAREST)
        img.paste(Image.merge("RGB", (tile, tile, tile)), (int(left), int(top)))
    grid_color = (230, 230, 230)
    for tx in _nice_ticks(x0, x1):
        x = px([tx, y0])[0, 0]
        draw.line([(x, top), (x, bottom)], fill=grid_color, width=scale)
        draw.text((x, bottom + 4 * scale), f"{tx:g}", fill="black", font=f_small, anchor="ma")
    for ty in _nice_ticks(y0, y1):
        y = px([x0, ty])[0, 1]
        draw.line([(left, y), (right, y)], fill=grid_color, width=scale)
        draw.text((left - 5 * scale, y), f"{ty:g}", fill="black", font=f_small, anchor="rm")
    draw.rectangle([left, top, right, bottom], outline=(120, 120, 120), width=scale)
    draw.text(((left + right) / 2, h - 6 * scale), "z₁", fill="black", font=f_small, anchor="md")
    draw.text((8 * scale, (top + bottom) / 2), "z₂", fill="black", font=f_small, anchor="lm")
    if title:
        draw.text((w / 2, 8 * scale), title, fill="black", font=f_title, anchor="ma")

    r = point_size * scale
    pts = px(codes[:, :2])
    inside = (pts[:, 0] >= left) & (pts[:, 0] <= right) & (pts[:, 1] >= top) & (pts[:, 1] <= bottom)
    for i in np.flatnonzero(inside):
        c = _rgb(CLASS_COLORS[int(labels[i]) % len(CLASS_COLORS)])
        x, y = pts[i]
        draw.ellipse([x - r, y - r, x + r, y + r], fill=c + (205,))
    for line in overlays.lines:
        p = px(line["points"])
        draw.line([tuple(q) for q in p], fill=_rgb(line.get("color", "#222222")), width=2 * scale)
    for e in overlays.ellipses:
        (cx, cy), (rx, ry) = px(e["center"])[0], np.abs(np.asarray(e["radii"], dtype=float)) / [
            (x1 - x0) / (right - left), (y1 - y0) / (bottom - top)]
        draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], outline=_rgb(e.get("color", "#222222")), width=2 * scale)
    for m in overlays.markers:
        x, y = px(m["z"])[0]
        mr = 7 * scale
        draw.ellipse([x - mr, y - mr, x + mr, y + mr], outline="white", width=4 * scale)
        draw.ellipse([x - mr, y - mr, x + mr, y + mr], outline=_rgb(m.get("color", "#222222")), width=2 * scale)
        if m.get("label"):
            draw.text((x + mr + 3 * scale, y), str(m["label"]), fill="black", font=f_small, anchor="lm",
                      stroke_width=scale, stroke_fill="white")
    # Legend: one row per class present.
    ly = top
    for c, name in enumerate(class_names):
        if not np.any(labels == c):
            continue
        color = _rgb(CLASS_COLORS[c % len(CLASS_COLORS)])
        lx = right + 12 * scale
        draw.ellipse([lx, ly + 2 * scale, lx + 9 * scale, ly + 11 * scale], fill=color)
        draw.text((lx + 14 * scale, ly + 6 * scale), str(name), fill="black", font=f_small, anchor="lm")
        ly += 17 * scale
    return png_bytes(img)


def images_png(images: np.ndarray, *, cols: int | None = None, pixel: int = 3, gap: int = 2,
               scale: int = SCALE, captions: list[str] | None = None, title: str = "") -> bytes:
    """Small images (n, h, w) in [0, 1], white strokes on black as the app draws them, in a grid of
    ``cols`` columns (one row if None): a manifold grid or a filmstrip. Each image pixel is
    ``pixel`` screen pixels, times ``scale``; ``captions`` (one per column) go under the row."""
    images = np.clip(np.asarray(images, dtype=np.float32), 0, 1)
    n, ih, iw = images.shape
    cols = cols or n
    rows = -(-n // cols)
    cell, g = pixel * scale, gap * scale
    tw, th = iw * cell, ih * cell
    f = font(11 * scale)
    head = 24 * scale if title else 0
    foot = 18 * scale if captions else 0
    out = Image.new("RGB", (cols * tw + (cols - 1) * g, head + rows * th + (rows - 1) * g + foot), "white")
    for i in range(n):
        r, c = divmod(i, cols)
        tile = Image.fromarray((images[i] * 255).astype(np.uint8), "L").resize((tw, th), Image.NEAREST)
        out.paste(tile.convert("RGB"), (c * (tw + g), head + r * (th + g)))
    draw = ImageDraw.Draw(out)
    if title:
        draw.text((out.width / 2, 4 * scale), title, fill="black", font=font(13 * scale), anchor="ma")
    for c, text in enumerate(captions or []):
        draw.text((c * (tw + g) + tw / 2, out.height - foot + 3 * scale), str(text), fill="black", font=f, anchor="ma")
    return png_bytes(out)


def grid_png(grid: np.ndarray, **kwargs) -> bytes:
    """A decoded manifold grid, (rows, cols, h, w) with row 0 at the top, as PNG."""
    rows, cols, h, w = grid.shape
    return images_png(grid.reshape(rows * cols, h, w), cols=cols, **{"pixel": 1, "gap": 0, **kwargs})


def codes_csv(codes: np.ndarray, labels: np.ndarray, class_names, index: np.ndarray | None = None,
              header: tuple[str, ...] = ("index", "label", "class", "z1", "z2")) -> str:
    """One row per image: its index in the test split, label, class name and code (z1, z2, ...;
    every latent dimension)."""
    codes = np.asarray(codes)
    index = np.arange(len(codes)) if index is None else np.asarray(index)
    dims = [f"z{j + 1}" for j in range(codes.shape[1])]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(header[:3]) + (list(header[3:]) if len(header) - 3 == len(dims) else dims))
    for i, lab, z in zip(index, labels, codes):
        writer.writerow([int(i), int(lab), class_names[int(lab)], *(f"{v:.6g}" for v in z)])
    return buf.getvalue()
