"""PCA against numpy's SVD, and principal angles on subspaces whose angles are known."""
from __future__ import annotations

import numpy as np
import pytest

from aeviz.pca import fit_pca, principal_angles


def test_pca_finds_the_direction_of_largest_variance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 3)) * np.array([5.0, 1.0, 0.1])
    pca = fit_pca(x, 2)
    assert abs(abs(pca.components[0, 0]) - 1) < 1e-2 and abs(abs(pca.components[1, 1]) - 1) < 1e-2
    assert pca.explained_variance[0] == pytest.approx(25, rel=0.1)


def test_reconstruction_error_equals_discarded_variance():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, 10)) @ rng.normal(size=(10, 10))
    pca = fit_pca(x, 4)
    err = ((pca.reconstruct(x) - x) ** 2).sum() / (len(x) - 1)
    s = np.linalg.svd(x - x.mean(0), compute_uv=False)
    assert err == pytest.approx((s[4:] ** 2).sum() / (len(x) - 1), rel=1e-9)


def test_principal_angles_of_known_planes():
    e = np.eye(3)
    assert principal_angles(e[:, :2], e[:, :2]) == pytest.approx([0, 0], abs=1e-6)
    t = np.radians(30)
    tilted = np.stack([e[:, 0], np.cos(t) * e[:, 1] + np.sin(t) * e[:, 2]], 1)
    assert principal_angles(e[:, :2], tilted) == pytest.approx([0, 30], abs=1e-6)
    assert principal_angles(e[:, :2] * 7, e[:, :2] @ np.array([[1, 2], [3, 4]])) == pytest.approx([0, 0], abs=1e-6)


def test_k_out_of_range_is_refused():
    with pytest.raises(ValueError):
        fit_pca(np.zeros((5, 3)), 4)
