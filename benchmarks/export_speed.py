"""How long the export for slides takes (aeviz/export.py): the MNIST VAE's map of the shown test
images with an overlay and two marks, a 20 x 20 manifold grid and a 12-image filmstrip, each as PNG
at 2x, and the codes as CSV. Prints the median and range of 5 runs, in milliseconds.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/export_speed.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repository, for `aeviz`

from aeviz import export  # noqa: E402
from aeviz.analysis import decode_all, encode_all, grid_points, interpolate, tile_images  # noqa: E402
from aeviz.checkpoints import load_model  # noqa: E402
from aeviz.data import load_dataset  # noqa: E402
from aeviz.plots import axis_range_for  # noqa: E402


def timed(fn, runs: int = 5) -> tuple[float, float, float, int]:
    out, times = None, []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times), min(times), max(times), len(out)


def main() -> None:
    ds = load_dataset("mnist", allow_download=False)
    model = load_model(ROOT / "checkpoints" / "mnist-vae")
    x = ds.images("test")
    codes, labels = encode_all(model, x), ds.labels("test").numpy()
    rng = axis_range_for(codes)
    overlays = export.MapOverlays(background=np.random.default_rng(0).random((80, 80)),
                                  markers=[{"z": codes[0], "label": "z"}, {"z": codes[1], "label": "#1"}])
    grid = tile_images(decode_all(model, grid_points(rng, 20).reshape(-1, 2)), 20, 20)
    strip = tile_images(decode_all(model, interpolate(codes[0], codes[1], 12)), 1, 12, gap=2)
    cases = {
        f"map PNG ({len(codes)} points, overlay, 2 marks)": lambda: export.map_png(
            codes, labels, ds.class_names, rng, title="VAE", overlays=overlays),
        "manifold grid PNG (20 x 20)": lambda: export.images_png(grid[None], pixel=1, gap=0),
        "filmstrip PNG (12 images)": lambda: export.images_png(strip[None], pixel=2, gap=0),
        f"codes CSV ({len(codes)} rows)": lambda: export.codes_csv(codes, labels, ds.class_names).encode(),
    }
    for name, fn in cases.items():
        med, lo, hi, size = timed(fn)
        print(f"{name}: median {med:.0f} ms (range {lo:.0f}-{hi:.0f}), {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
