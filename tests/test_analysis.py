"""The explorer's maths on plain arrays: grids, paths, continuity, completeness, gaps."""
import numpy as np
import pytest
import torch

from aeviz import analysis


def test_grid_points_cover_the_range_with_row_zero_on_top():
    g = analysis.grid_points((-2.0, 2.0, -1.0, 3.0), 4)
    assert g.shape == (4, 4, 2)
    np.testing.assert_allclose(g[0, :, 0], [-1.5, -0.5, 0.5, 1.5])
    np.testing.assert_allclose(g[:, 0, 1], [2.5, 1.5, 0.5, -0.5])  # top row = largest z2


def test_inverse_cdf_grid_is_symmetric_and_denser_near_the_origin():
    g = analysis.inverse_cdf_grid(9)
    xs = g[0, :, 0]
    np.testing.assert_allclose(xs, -xs[::-1], atol=1e-6)
    np.testing.assert_allclose(xs[-1], 1.6448536, atol=1e-5)  # Phi^-1(0.95)
    steps = np.diff(xs)
    assert steps[len(steps) // 2] < steps[0]  # equal probability mass: narrow cells in the middle
    np.testing.assert_allclose(g[:, 0, 1], xs[::-1], atol=1e-6)


def test_norm_ppf_matches_known_quantiles():
    np.testing.assert_allclose(analysis.norm_ppf([0.5, 0.975]), [0.0, 1.959964], atol=1e-5)


def test_tile_images_lays_out_row_major_with_gaps():
    ims = np.stack([np.full((2, 3), i, np.float32) for i in range(6)])
    t = analysis.tile_images(ims, 2, 3, gap=1, fill=-1)
    assert t.shape == (2 * 2 + 1, 3 * 3 + 2)
    assert t[0, 0] == 0 and t[0, 4] == 1 and t[3, 0] == 3 and t[4, 9] == 5 and t[2, 0] == -1
    with pytest.raises(ValueError):
        analysis.tile_images(ims, 2, 2)


def test_interpolate_includes_both_ends_evenly():
    p = analysis.interpolate([0, 0], [2, 4], 5)
    assert p.shape == (5, 2)
    np.testing.assert_allclose(p[2], [1, 2])
    np.testing.assert_allclose(np.diff(p, axis=0), [[0.5, 1.0]] * 4)
    with pytest.raises(ValueError):
        analysis.interpolate([0, 0], [1, 1], 1)


def test_step_changes_spike_where_the_image_jumps():
    ims = np.zeros((5, 4, 4), np.float32)
    ims[3:] = 1.0  # a jump between steps 2 and 3
    np.testing.assert_allclose(analysis.step_changes(ims), [0, 0, 1, 0])


def test_continuity_of_a_smooth_ramp_and_a_cliff():
    n = 10
    ramp = np.broadcast_to(np.linspace(0, 1, n)[None, :, None, None], (n, n, 2, 2))
    c = analysis.continuity(ramp)
    # horizontal neighbours differ by 1/9, vertical by 0: mean = half of 1/9
    np.testing.assert_allclose(c["mean"], 0.5 / 9, rtol=1e-5)
    cliff = np.zeros((n, n, 2, 2), np.float32)
    cliff[:, n // 2:] = 1.0
    cc = analysis.continuity(cliff)
    assert cc["worst_mean"] == pytest.approx(1.0) and cc["mean"] < 0.1
    assert len(analysis.neighbour_changes(cliff)) == 2 * n * (n - 1)


def test_prior_samples_are_seeded_standard_normal_or_shifted():
    a, b = analysis.prior_samples(5000, seed=3), analysis.prior_samples(5000, seed=3)
    np.testing.assert_array_equal(a, b)
    assert abs(a.mean()) < 0.05 and abs(a.std() - 1) < 0.05 and a.dtype == np.float32
    s = analysis.prior_samples(5000, seed=3, mean=[10, -5], std=[2, 0.5])
    np.testing.assert_allclose(s.mean(0), [10, -5], atol=0.1)
    np.testing.assert_allclose(s.std(0), [2, 0.5], atol=0.05)


def test_completeness_counts_confident_rows():
    probs = np.array([[0.95, 0.05], [0.6, 0.4], [0.1, 0.9], [0.5, 0.5]])
    assert analysis.completeness(probs, 0.9) == pytest.approx(0.5)
    assert np.isnan(analysis.completeness(np.zeros((0, 2))))


def test_nearest_distance_is_rms_to_the_closest_reference():
    ref = np.stack([np.zeros((2, 2)), np.ones((2, 2))]).astype(np.float32)
    q = np.stack([np.full((2, 2), 0.25), np.full((2, 2), 0.9)]).astype(np.float32)
    np.testing.assert_allclose(analysis.nearest_distance(q, ref), [0.25, 0.1], atol=1e-6)


def test_gap_scores_from_distance_and_from_a_classifier():
    ref = np.zeros((3, 28, 28), np.float32)
    dec = np.stack([np.zeros((28, 28)), np.full((28, 28), 0.5)]).astype(np.float32)
    s, name = analysis.gap_scores(dec, None, ref)
    np.testing.assert_allclose(s, [0, 1])
    assert "distance" in name

    class Sure:
        def predict_proba(self, x):
            p = torch.full((len(x), 10), 0.0)
            p[:, 3] = 1.0
            return p

    s, name = analysis.gap_scores(dec, Sure())
    np.testing.assert_allclose(s, [0, 0]) and "classifier" in name


def test_empty_spot_is_far_from_every_code():
    codes = np.array([[x, y] for x in np.linspace(-1, 1, 9) for y in np.linspace(-1, 1, 9) if x < 0.2], np.float32)
    z, dist = analysis.empty_spot(codes, (-1, 1, -1, 1))
    assert z[0] > 0.5 and dist > 0.4


def test_decoder_helpers_on_a_real_checkpoint(mnist):
    from pathlib import Path

    from aeviz import load_model

    folder = Path(__file__).resolve().parents[1] / "checkpoints" / "mnist-vae"
    if not folder.exists():
        pytest.skip("mnist-vae is not shipped")
    model = load_model(folder)
    grid = analysis.grid_points((-2, 2, -2, 2), 6)
    decoded = analysis.decode_all(model, grid.reshape(-1, 2)).reshape(6, 6, 28, 28)
    c = analysis.continuity(decoded)
    assert 0 < c["mean"] <= c["p95"] <= c["worst_mean"] < 1
