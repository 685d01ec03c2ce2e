"""The lenses' maths: PCA as a model, a linear AE finding PCA's plane, KL per dimension, samples."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from aeviz import lenses
from aeviz.config import ModelConfig
from aeviz.losses import kl_to_standard_normal
from aeviz.models import build_model
from aeviz.pca import fit_pca


def _images(n=64, seed=0):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def test_pca_model_is_the_projection_and_its_inverse():
    x = _images(200)
    pca, model = lenses.fit_pca_model(x, 2)
    z = model.encode(x[:10]).detach().numpy()
    assert np.allclose(z, pca.encode(x[:10].numpy()), atol=1e-4)
    back = model.decode_logits(torch.as_tensor(z)).detach().reshape(10, -1).numpy()
    assert np.allclose(back, pca.decode(z), atol=1e-5)
    # Its decoder's column space is PCA's plane, exactly.
    assert lenses.subspace_angles(model, pca) == pytest.approx([0, 0], abs=1e-2)


def test_pca_model_against_numpy_svd():
    x = _images(150, seed=3).reshape(150, -1).numpy().astype(np.float64)
    centred = x - x.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    _, model = lenses.fit_pca_model(x, 2)
    cols = lenses.decoder_directions(model)
    # Same span as numpy's two leading right-singular vectors.
    proj = vt[:2] @ cols
    assert np.allclose(np.linalg.svd(proj, compute_uv=False), 1, atol=1e-4)


def test_a_linear_ae_finds_pcas_plane_on_a_small_synthetic_set():
    """784-pixel data that varies mostly in a plane (std 3 and 2) plus small noise elsewhere: a
    linear AE with a hidden layer, trained with MSE and Adam from PyTorch's default initialisation,
    comes to span PCA's plane. The data is centred (the biases would learn any offset, only more
    slowly), which keeps the test to a few hundred steps."""
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(784, 2)))
    data = (rng.normal(size=(200, 2)) * [3.0, 2.0]) @ basis.T + 0.01 * rng.normal(size=(200, 784))
    x = torch.as_tensor(data, dtype=torch.float32).reshape(200, 1, 28, 28)
    pca = fit_pca(data, 2)
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="linear-ae", hidden=(16,)))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(500):
        loss = model.loss(x, x, recon="mse")["loss"]
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    angles = lenses.subspace_angles(model, pca)
    assert angles.max() < 5.0, angles
    # Its error comes close to PCA's, the least any rank-2 linear map can reach on this data.
    pca_err = float(((pca.reconstruct(data) - data) ** 2).sum(1).mean())
    with torch.no_grad():
        ae_err = float(model.loss(x, x, recon="mse")["recon"])
    assert pca_err <= ae_err * (1 + 1e-4) and ae_err == pytest.approx(pca_err, rel=0.2)


def test_kl_per_dimension_adds_up_to_the_vaes_kl_term():
    torch.manual_seed(0)
    vae = build_model(ModelConfig(kind="vae", latent_dim=3)).eval()
    x = _images(32)
    per_dim = lenses.kl_per_dimension(vae, x)
    assert per_dim.shape == (3,) and (per_dim >= 0).all()
    with torch.no_grad():
        mu, logvar = vae.encode_distribution(x)
    assert per_dim.sum() == pytest.approx(float(kl_to_standard_normal(mu, logvar)), rel=1e-5)
    assert lenses.collapsed_dimensions(np.array([0.001, 2.0, 0.3])) == [0]


def test_samples_follow_the_reparameterisation_and_repeat_with_the_seed():
    mu, sigma = np.array([1.0, -2.0]), np.array([0.5, 0.1])
    eps, z = lenses.draw_samples(mu, sigma, 5, seed=7)
    assert z == pytest.approx(mu + sigma * eps)
    assert np.array_equal(lenses.draw_samples(mu, sigma, 5, seed=7)[1], z)
    assert not np.array_equal(lenses.draw_samples(mu, sigma, 5, seed=8)[1], z)
    ring = lenses.ellipse(mu, sigma, 2.0)
    assert (((ring - mu) / (2 * sigma)) ** 2).sum(1) == pytest.approx(np.ones(len(ring)))


def test_plateau_and_2d_views():
    test = np.array([10, 8, 6, 5.5, 5.02, 5.01, 5.0, 5.0, 5.005])
    assert lenses.plateau_epoch(test, tolerance=0.005) == 5  # 5.02 is within 0.5 % of 5.0
    codes = np.random.default_rng(0).normal(size=(100, 8)) * np.arange(1, 9)
    pts, how, share = lenses.codes_2d(codes)
    assert pts.shape == (100, 2) and how == "pca" and 0 < share.sum() < 1
    pts, how, share = lenses.codes_2d(codes[:, :2])
    assert how == "as-is" and share is None
