"""The studio's plots as data for the browser, JSON-safe lists: the live curves and maps for
web/canvas_plots.js (the content of the plotly figures, which AEVIZ_STUDIO_PLOTS=plotly draws), and a
finished run's maps for the explorer's map widget (web/latent_map.js)."""
import json

import numpy as np

from aeviz.ui import studio_plots


def _steps(n: int, kl: float = 0.0) -> np.ndarray:
    s = np.arange(1, n + 1, dtype=float)
    return np.column_stack([s, 300 / s, 290 / s, np.full(n, kl)])


def test_live_curves_match_the_loss_figure_and_survive_a_diverged_loss():
    vae = _steps(1500, kl=2.5)
    vae[700, 2] = np.inf
    vae[701, 2] = np.nan
    data = studio_plots.live_curves_data({"ae": _steps(40), "vae": vae}, total_steps=2000,
                                         names={"ae": "AE", "vae": "VAE"})
    json.loads(json.dumps(data, allow_nan=False))  # no NaN or Infinity reaches the browser
    assert data["kind"] == "curves" and data["total"] == 2000 and data["xlabel"] == "step"
    recon, kl = data["panels"]
    assert recon["title"] == "Reconstruction loss per image" and kl["title"] == "KL term per image (VAE)"
    assert [s["name"] for s in recon["series"]] == ["AE reconstruction", "VAE reconstruction"]
    assert [s["name"] for s in kl["series"]] == ["VAE KL"]  # the AE has no KL term
    ae, vae_recon = recon["series"]
    assert ae["xs"] == list(range(1, 41)) and ae["ys"][0] == 290.0
    # Long curves are averaged down as in the plotly figure; the block holding inf/NaN is a gap.
    assert len(vae_recon["xs"]) <= studio_plots.MAX_CURVE_POINTS
    assert None in vae_recon["ys"] and sum(y is None for y in vae_recon["ys"]) <= 2
    assert kl["series"][0]["ys"][0] == 2.5
    figure = studio_plots.loss_figure({"ae": _steps(40), "vae": _steps(1500, kl=2.5)}, 2000)
    assert len(figure.data[1].x) == len(vae_recon["xs"])


def test_live_map_is_the_map_of_the_epoch_as_lists():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(1000, 2)).astype(np.float32)
    codes[3] = np.nan
    labels = rng.integers(0, 10, 1000)
    names = [str(i) for i in range(10)]
    data = studio_plots.live_map_data(codes, labels, names, "AE · epoch 3", None, height=420, legend_title="digit")
    json.loads(json.dumps(data, allow_nan=False))
    assert data["kind"] == "map" and data["title"] == "AE · epoch 3" and data["height"] == 420
    assert data["legend"] == "digit" and [k[0] for k in data["keys"]] == names
    (layer,) = data["layers"]
    assert layer["type"] == "points" and len(layer["xs"]) == len(layer["ys"]) == len(layer["labels"]) == 1000
    assert layer["xs"][3] is None and layer["ys"][3] is None
    assert abs(layer["xs"][0] - float(codes[0, 0])) <= 5e-4
    assert layer["labels"] == labels.tolist() and len(layer["palette"]) == 10
    assert all(np.isfinite(data["range"]))  # the NaN row does not spoil the axes
    fixed = (-3.0, 3.0, -2.0, 2.0)
    assert studio_plots.live_map_data(codes, labels, names, "t", fixed)["range"] == list(fixed)


def test_a_finished_runs_map_is_the_explorers_map_widget_without_its_nan_codes():
    rng = np.random.default_rng(1)
    codes = rng.normal(size=(1000, 2)).astype(np.float32)
    codes[[3, 7]] = np.nan
    codes[9, 0] = np.inf
    labels = rng.integers(0, 10, 1000)
    names = [f"class {i}" for i in range(10)]
    data = studio_plots.final_map_data(codes, labels, names, "VAE · epoch 10", "studio-4-vae", height=420)
    json.loads(json.dumps(data, allow_nan=False))
    assert data["kind"] == "latent" and data["id"] == "studio-4-vae" and data["label"] == "VAE · epoch 10"
    assert data["height"] == 420 and data["legend"] and data["tooltip"]
    assert [c["name"] for c in data["classes"]] == names
    assert sum(len(c["xs"]) for c in data["classes"]) == 997  # the three rows that are not finite are left out
    kept = np.isfinite(codes).all(axis=1)
    assert sorted(r for c in data["classes"] for r in c["rows"]) == list(range(997))
    for c, name in enumerate(names):
        (cls,) = [k for k in data["classes"] if k["name"] == name]
        assert np.allclose(cls["xs"], codes[kept][labels[kept] == c, 0], atol=5e-4)
    assert all(np.isfinite(data["range"]))
    fixed = (-3.0, 3.0, -2.0, 2.0)
    assert studio_plots.final_map_data(codes, labels, names, "t", "m", fixed)["range"] == list(fixed)
    nothing = studio_plots.final_map_data(np.full((5, 2), np.nan), np.zeros(5, int), names, "t", "m")
    assert nothing["classes"] == [] and nothing["range"] == [-1.0, 1.0, -1.0, 1.0]


def test_the_shared_axes_hold_every_epochs_map():
    """With the axes kept for every epoch, each epoch's map fits as it would on axes of its own. A
    VAE's codes spread out over a run: the quantiles of all epochs pooled cut its widest, last map
    short (here 4.3 % of its points fell outside)."""
    from aeviz.plots import axis_range_for

    rng = np.random.default_rng(0)
    snapshots = [rng.normal(0, 0.1 * (e + 1), size=(1000, 2)) for e in range(10)]
    snapshots.append(np.full((1000, 2), np.nan))  # a diverged epoch's codes add nothing
    x0, x1, y0, y1 = studio_plots.shared_range(snapshots)
    assert np.isfinite([x0, x1, y0, y1]).all()
    for codes in snapshots[:-1]:
        a0, a1, b0, b1 = axis_range_for(codes)
        assert x0 <= a0 and a1 <= x1 and y0 <= b0 and b1 <= y1
    last = snapshots[-2]
    inside = ((last[:, 0] >= x0) & (last[:, 0] <= x1) & (last[:, 1] >= y0) & (last[:, 1] <= y1)).mean()
    assert inside >= 0.99, inside
