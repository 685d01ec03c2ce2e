"""Test images made by the tests themselves: a digit drawn as a phone photo would show it."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def phone_photo(width: int = 900, height: int = 1200, seed: int = 0, fmt: str = "JPEG") -> bytes:
    """A '7' in dark ink on light paper with wide margins, lit unevenly (a shadow from one corner,
    brighter in the middle), with sensor noise, as RGB JPEG bytes."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    light = 0.92 - 0.35 * (xx / width) * (yy / height) - 0.08 * ((xx - width / 2) ** 2 + (yy - height / 2) ** 2) / (width * height)
    paper = Image.fromarray((np.clip(light, 0, 1) * 255).astype(np.uint8), mode="L").convert("RGB")
    draw = ImageDraw.Draw(paper)
    ink = (40, 40, 55)
    w = width // 30
    # the 7: a top bar and a diagonal, in the middle third of the page
    draw.line([(width * 0.36, height * 0.36), (width * 0.64, height * 0.36)], fill=ink, width=w)
    draw.line([(width * 0.64, height * 0.36), (width * 0.45, height * 0.66)], fill=ink, width=w)
    arr = np.asarray(paper, dtype=np.float64) * light[..., None] / light.max()  # the ink is in shadow too
    arr += rng.normal(0, 6, arr.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="RGB").save(buf, format=fmt, quality=88)
    return buf.getvalue()


def png_bytes(arr: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr, mode=mode).save(buf, format="PNG")
    return buf.getvalue()
