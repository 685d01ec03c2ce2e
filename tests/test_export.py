"""Export for slides: PNGs at twice the screen size, valid and of the expected size; the CSV has
one row per test image."""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from PIL import Image

from aeviz import export


@pytest.fixture(scope="module")
def codes():
    rng = np.random.default_rng(0)
    return rng.normal(0, 1, (500, 2)).astype(np.float32), rng.integers(0, 10, 500)


def open_png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(data))
    img.verify()
    return Image.open(io.BytesIO(data))


def test_map_png_is_twice_the_screen_size_with_overlays(codes):
    z, labels = codes
    overlays = export.MapOverlays(background=np.linspace(0, 1, 400).reshape(20, 20),
                                  markers=[{"z": (0.5, 0.5), "label": "z = (0.50, 0.50)", "color": "#000000"}],
                                  lines=[{"points": np.array([[-1, -1], [1, 1]])}],
                                  ellipses=[{"center": (0, 0), "radii": (0.5, 0.3)}])
    data = export.map_png(z, labels, [str(d) for d in range(10)], (-3, 3, -3, 3), title="AE · bản đồ",
                          overlays=overlays, size=(640, 520))
    img = open_png(data)
    assert img.size == (1280, 1040)
    pixels = np.asarray(img.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20  # points in several colours, not blank
    # The marker is drawn where z = (0.5, 0.5) falls: a dark ring around that spot.
    plain = open_png(export.map_png(z, labels, [str(d) for d in range(10)], (-3, 3, -3, 3), size=(640, 520)))
    assert np.asarray(plain.convert("RGB")).shape == pixels.shape
    assert not np.array_equal(np.asarray(plain.convert("RGB")), pixels)


def test_grid_and_filmstrip_png_sizes():
    grid = np.random.default_rng(1).random((10, 12, 28, 28)).astype(np.float32)
    img = open_png(export.grid_png(grid))
    assert img.size == (12 * 28 * 2, 10 * 28 * 2)
    strip = np.random.default_rng(2).random((8, 28, 28))
    img = open_png(export.images_png(strip, pixel=3, gap=2))
    assert img.size == (8 * 28 * 3 * 2 + 7 * 2 * 2, 28 * 3 * 2)
    img = open_png(export.images_png(strip, captions=[str(i) for i in range(8)], title="Dải ảnh"))
    assert img.size[1] > 28 * 3 * 2


def test_codes_csv_has_one_row_per_image(codes):
    z, labels = codes
    names = [f"c{d}" for d in range(10)]
    text = export.codes_csv(z, labels, names, index=np.arange(100, 600))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["index", "label", "class", "z1", "z2"]
    assert len(rows) == 1 + len(z)
    assert rows[1][0] == "100" and rows[1][2] == names[int(labels[0])]
    assert np.allclose([float(r[3]) for r in rows[1:]], z[:, 0], atol=1e-5)
