"""Figure builders: fixed axes, deterministic output."""
import numpy as np
import pytest

from aeviz import analysis, plots

NAMES = tuple(str(i) for i in range(10))


def _codes(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)).astype(np.float32), rng.integers(0, 10, n)


def test_latent_scatter_keeps_its_signature():
    codes, labels = _codes()
    fig = plots.latent_scatter(codes, labels, NAMES, (-3, 3, -3, 3), title="t", height=300, marker_size=3)
    assert len(fig.data) == 10 and fig.layout.height == 300


def test_manifold_figure_on_the_map_axes_and_with_icdf_ticks():
    tiled = np.random.default_rng(0).random((56, 56)).astype(np.float32)
    fig = plots.manifold_figure(tiled, (-4, 4, -2, 2), title="grid")
    img = fig.layout.images[0]
    assert (img.x, img.y, img.sizex, img.sizey) == (-4, 2, 8, 4)
    assert list(fig.layout.xaxis.range) == [-4, 4]
    ticks = analysis.inverse_cdf_grid(2)[0, :, 0]
    fig2 = plots.manifold_figure(tiled, (-1.7, 1.7, -1.7, 1.7), tick_values=ticks)
    assert fig2.layout.xaxis.ticktext[0] == f"{ticks[0]:.2f}"


def test_path_map_and_step_change_figure():
    codes, labels = _codes()
    path = analysis.interpolate([-1, -1], [1, 1], 12)
    fig = plots.path_map(codes, labels, NAMES, (-3, 3, -3, 3), path)
    assert any(t.name == "path" and len(t.x) == 12 for t in fig.data)
    f2 = plots.step_change_figure({"AE (a)": np.ones(11), "VAE (b)": np.zeros(11)})
    assert [t.name for t in f2.data] == ["AE (a)", "VAE (b)"] and len(f2.data[0].x) == 11
