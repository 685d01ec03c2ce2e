"""The maths behind the lenses page: PCA as a model, subspace angles of a linear AE, errors,
KL per latent dimension, and one input drawn as a distribution. Arrays in, arrays out; no UI.

Every function takes models in eval mode and images as float32 (N, 1, 28, 28) in [0, 1].
"""
from __future__ import annotations

import numpy as np
import torch

from .config import ModelConfig
from .models import IMAGE_PIXELS, LinearAutoEncoder, build_model
from .pca import PCA, fit_pca, principal_angles

# A latent dimension whose mean KL over the test images is below this many nats carries
# (almost) nothing about the input: its posterior is the prior. The name for it: posterior collapse.
COLLAPSE_NATS = 0.05


def pca_model(pca: PCA) -> LinearAutoEncoder:
    """PCA as a model behind the one interface: a linear AE without hidden layers whose encoder is
    the projection z = C (x - m) and whose decoder is the inverse projection x = C^T z + m (C: the
    k components as rows, m: the training mean). So PCA's map, click and hover decode through the
    same code paths as the AE's and the VAE's. Its decode clamps to [0, 1], like the linear AE's."""
    comps = torch.as_tensor(pca.components, dtype=torch.float32)  # (k, 784)
    mean = torch.as_tensor(pca.mean, dtype=torch.float32)  # (784,)
    model = build_model(ModelConfig(kind="linear-ae", latent_dim=pca.k, hidden=()))
    enc, dec = model.encoder[1][0], model.decoder[0][0]
    with torch.no_grad():
        enc.weight.copy_(comps)
        enc.bias.copy_(-(comps @ mean))
        dec.weight.copy_(comps.T)
        dec.bias.copy_(mean)
    model.config = {**model.config, "kind": "pca", "name": "PCA"}
    return model.eval()


def fit_pca_model(train_images: torch.Tensor | np.ndarray, k: int = 2) -> tuple[PCA, LinearAutoEncoder]:
    """PCA fitted on the training images (as the AEs were trained), and its model form."""
    x = train_images.numpy() if isinstance(train_images, torch.Tensor) else np.asarray(train_images)
    pca = fit_pca(x.reshape(len(x), IMAGE_PIXELS), k)
    return pca, pca_model(pca)


@torch.no_grad()
def decoder_directions(model) -> np.ndarray:
    """(784, latent_dim): the columns a linear decoder adds per unit of each code, before the clamp:
    decode_logits(e_j) - decode_logits(0). For a linear AE its column space is the plane of images
    it can produce; for PCA it is the span of the components."""
    k = model.latent_dim
    out = model.decode_logits(torch.cat([torch.zeros(1, k), torch.eye(k)])).reshape(k + 1, -1)
    return (out[1:] - out[0]).T.double().numpy()


def subspace_angles(model, pca: PCA) -> np.ndarray:
    """Principal angles (degrees, smallest first) between a linear decoder's column space and the
    span of PCA's components."""
    return principal_angles(decoder_directions(model), pca.components.T)


@torch.no_grad()
def per_image_mse(model, images: torch.Tensor, batch: int = 4096) -> np.ndarray:
    """(N,) mean squared pixel error of encode -> decode per image (VAE: decodes its mean; outputs
    clamped to [0, 1] as drawn)."""
    out = []
    for i in range(0, len(images), batch):
        x = images[i:i + batch]
        out.append(((model.decode(model.encode(x)) - x) ** 2).flatten(1).mean(1))
    return torch.cat(out).numpy()


@torch.no_grad()
def reconstructions(model, images: torch.Tensor) -> np.ndarray:
    """(N, 28, 28) decoded codes of ``images``."""
    return model.decode(model.encode(images))[:, 0].numpy()


@torch.no_grad()
def posterior(model, images: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(mu, sigma), each (N, latent_dim), of q(z|x); sigma is 0 for a deterministic model."""
    mu, logvar = model.encode_distribution(images)
    return mu.numpy(), torch.exp(0.5 * logvar).numpy()


@torch.no_grad()
def kl_per_dimension(model, images: torch.Tensor) -> np.ndarray:
    """(latent_dim,) mean over the images of KL(q(z_j|x) || N(0, 1)) in nats, dimension by
    dimension: (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2) / 2. Their sum is the VAE's KL term."""
    mu, logvar = model.encode_distribution(images)
    return (0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)).mean(0).double().numpy()


def collapsed_dimensions(kl: np.ndarray, threshold: float = COLLAPSE_NATS) -> list[int]:
    """Indices of latent dimensions whose mean KL is below ``threshold`` nats (posterior collapse)."""
    return [int(j) for j in np.flatnonzero(np.asarray(kl) < threshold)]


def draw_samples(mu: np.ndarray, sigma: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n reparameterised draws z = mu + sigma * eps, eps ~ N(0, I): returns (eps, z), each (n, k).
    The same seed gives the same draws."""
    mu, sigma = np.asarray(mu, dtype=np.float64), np.asarray(sigma, dtype=np.float64)
    eps = np.random.default_rng(seed).standard_normal((n, len(mu)))
    return eps, mu + sigma * eps


def ellipse(mu: np.ndarray, sigma: np.ndarray, k: float, points: int = 73) -> np.ndarray:
    """(points, 2) the k-sigma contour of a diagonal Gaussian in the first two dimensions."""
    t = np.linspace(0, 2 * np.pi, points)
    return np.stack([mu[0] + k * sigma[0] * np.cos(t), mu[1] + k * sigma[1] * np.sin(t)], 1)


def history_curves(history: list[dict]) -> dict[str, np.ndarray]:
    """Per-epoch curves from a checkpoint's ``result.history``: epoch, train and test recon."""
    return {"epoch": np.array([h["epoch"] for h in history]),
            "train": np.array([h["train_recon"] for h in history], dtype=np.float64),
            "test": np.array([h["test_recon"] for h in history], dtype=np.float64)}


def plateau_epoch(test: np.ndarray, tolerance: float = 0.005) -> int:
    """1-based epoch after which the test error never again improves by more than ``tolerance``
    (a fraction of its value) on its best so far: where the test curve stops falling."""
    test = np.asarray(test, dtype=np.float64)
    best = np.minimum.accumulate(test)
    final = best[-1]
    within = np.flatnonzero(best <= final * (1 + tolerance))
    return int(within[0]) + 1


def codes_2d(codes: np.ndarray) -> tuple[np.ndarray, str, np.ndarray | None]:
    """A drawable 2-D view of (N, d) codes: as is for d <= 2; else their own 2-D PCA. Returns
    (points (N, 2), how ("as-is" | "pca"), share of the codes' variance the two axes keep or None)."""
    if codes.shape[1] <= 2:
        return codes[:, :2], "as-is", None
    p = fit_pca(codes, 2)
    total = codes.var(0, ddof=1).sum()
    return p.encode(codes).astype(np.float32), "pca", p.explained_variance / total
