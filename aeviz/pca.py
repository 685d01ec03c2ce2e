"""PCA as the linear baseline of every autoencoder: fit, project, reconstruct. Arrays in, arrays out.

An autoencoder without activations trained with MSE spans the same subspace as PCA's first k
components; ``principal_angles`` measures how close two such subspaces are.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PCA:
    mean: np.ndarray  # (D,) the training images' mean
    components: np.ndarray  # (k, D) orthonormal rows, largest variance first
    explained_variance: np.ndarray  # (k,) variance along each component

    @property
    def k(self) -> int:
        return len(self.components)

    def encode(self, x: np.ndarray) -> np.ndarray:
        """(N, ...) images -> (N, k) coordinates in the principal subspace."""
        return (np.asarray(x, dtype=np.float64).reshape(len(x), -1) - self.mean) @ self.components.T

    def decode(self, z: np.ndarray) -> np.ndarray:
        """(N, k) -> (N, D) points of the subspace (not clipped: PCA's output is linear)."""
        return np.asarray(z, dtype=np.float64) @ self.components + self.mean

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        return self.decode(self.encode(x))


def fit_pca(x: np.ndarray, k: int = 2) -> PCA:
    """The first k principal components of (N, ...) data, by SVD of the centred data."""
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    if not 1 <= k <= min(flat.shape):
        raise ValueError(f"k must be between 1 and {min(flat.shape)}, got {k}")
    mean = flat.mean(0)
    _, s, vt = np.linalg.svd(flat - mean, full_matrices=False)
    # A fixed sign (largest entry of each component positive) so a refit draws the same map.
    signs = np.sign(vt[:k][np.arange(k), np.abs(vt[:k]).argmax(1)])
    return PCA(mean, vt[:k] * signs[:, None], s[:k] ** 2 / (len(flat) - 1))


def principal_angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angles in degrees between the column spaces of a (D, k) and b (D, m), smallest first."""
    qa, _ = np.linalg.qr(np.asarray(a, dtype=np.float64))
    qb, _ = np.linalg.qr(np.asarray(b, dtype=np.float64))
    cosines = np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), -1.0, 1.0)
    return np.degrees(np.arccos(cosines))
