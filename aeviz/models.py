"""AE, VAE, linear, denoising, sparse and contractive AEs and a reference classifier behind one interface.

Every latent model has the same encoder body and decoder for a given ``arch``, so the AE | VAE
comparison is fair: the only differences are the VAE's second head (log-variance), the sampling
z = mu + sigma * eps while training, and the KL term in its loss.

Images are float32 (N, 1, 28, 28) in [0, 1]. Decoders produce logits; ``decode`` applies the
output activation (sigmoid, or a clamp for the linear AE whose output is linear like PCA's).
"""
from __future__ import annotations

import threading

import torch
from torch import nn

from .config import ModelConfig
from .losses import jacobian_frobenius_sq, kl_to_standard_normal, l1_of_codes, reconstruction

IMAGE_SHAPE = (1, 28, 28)
IMAGE_PIXELS = 28 * 28


def _mlp(sizes: list[int], activation: bool) -> nn.Sequential:
    """Linear layers between consecutive sizes, ReLU between them (not after the last)."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if activation and i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def build_encoder(cfg: ModelConfig, out_features: int) -> nn.Module:
    """(N, 1, 28, 28) -> (N, out_features)."""
    activation = cfg.kind != "linear-ae"
    if cfg.arch == "mlp":
        return nn.Sequential(nn.Flatten(), _mlp([IMAGE_PIXELS, *cfg.hidden, out_features], activation))
    c1, c2 = cfg.channels
    act = nn.ReLU if activation else nn.Identity
    return nn.Sequential(
        nn.Conv2d(1, c1, 4, stride=2, padding=1), act(),  # 28 -> 14
        nn.Conv2d(c1, c2, 4, stride=2, padding=1), act(),  # 14 -> 7
        nn.Flatten(),
        nn.Linear(c2 * 7 * 7, out_features),
    )


def build_decoder(cfg: ModelConfig) -> nn.Module:
    """(N, latent_dim) -> logits (N, 1, 28, 28). Mirrors the encoder."""
    activation = cfg.kind != "linear-ae"
    if cfg.arch == "mlp":
        return nn.Sequential(
            _mlp([cfg.latent_dim, *reversed(cfg.hidden), IMAGE_PIXELS], activation),
            nn.Unflatten(1, IMAGE_SHAPE),
        )
    c1, c2 = cfg.channels
    act = nn.ReLU if activation else nn.Identity
    return nn.Sequential(
        nn.Linear(cfg.latent_dim, c2 * 7 * 7), act(),
        nn.Unflatten(1, (c2, 7, 7)),
        nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1), act(),  # 7 -> 14
        nn.ConvTranspose2d(c1, 1, 4, stride=2, padding=1),  # 14 -> 28
    )


class LatentModel(nn.Module):
    """The interface every autoencoder shares.

    ``encode(x) -> z``, ``decode(z) -> x_hat``, ``forward(x) -> dict``, ``loss(...) -> dict of named
    terms``, ``sample(n)``. ``config`` is a plain dict (kind, arch, latent_dim, dataset, and once
    loaded from a checkpoint, how it was trained).
    """

    variational = False
    # A linear AE has a linear output, like PCA's reconstruction; the others end in a sigmoid.
    output_is_logits = True
    # Where training's random noise (the VAE's eps) is drawn from: aeviz.training.train gives each
    # run a generator of its own, so two trainings in two threads do not share torch's global one.
    noise_generator: torch.Generator | None = None

    def __init__(self, spec: ModelConfig):
        super().__init__()
        self.spec = spec
        self.config: dict = spec.to_dict()
        self.encoder = build_encoder(spec, spec.latent_dim * (2 if self.variational else 1))
        self.decoder = build_decoder(spec)

    @property
    def latent_dim(self) -> int:
        return self.spec.latent_dim

    def _head(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        h = self.encoder(x)
        if self.variational:
            mu, logvar = h.chunk(2, dim=1)
            return mu, logvar
        return h, None

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) in [0, 1] -> (N, latent_dim). The VAE returns the mean."""
        return self._head(x)[0]

    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mu, logvar); for a deterministic model logvar is -inf (sigma = 0)."""
        mu, logvar = self._head(x)
        if logvar is None:
            logvar = torch.full_like(mu, float("-inf"))
        return mu, logvar

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(N, latent_dim) -> (N, 1, 28, 28) in [0, 1]."""
        out = self.decoder(z)
        return torch.sigmoid(out) if self.output_is_logits else out.clamp(0, 1)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        mu, logvar = self._head(x)
        z = mu
        if self.variational and self.training:
            # Reparameterisation: the randomness lives in eps, so gradients flow through mu and sigma.
            eps = torch.randn(mu.shape, generator=self.noise_generator, device=mu.device, dtype=mu.dtype)
            z = mu + eps * torch.exp(0.5 * logvar)
        out = {"output": self.decoder(z), "z": z, "mu": mu}
        if logvar is not None:
            out["logvar"] = logvar
        return out

    def _forward_and_penalty(self, x_in: torch.Tensor) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """The forward pass and this kind's own regulariser (0 for kinds without one)."""
        out = self(x_in)
        return out, torch.zeros((), device=out["output"].device)

    def loss(self, x_in: torch.Tensor, target: torch.Tensor, recon: str = "bce", beta: float = 1.0) -> dict[str, torch.Tensor]:
        """Named loss terms: ``loss`` (what is minimised), ``recon``, ``kl`` (0 but for the VAE) and
        ``penalty`` (the sparse or contractive term before its weight ``spec.penalty``; else 0)."""
        out, penalty = self._forward_and_penalty(x_in)
        rec = reconstruction(out["output"], target, recon, self.output_is_logits)
        if self.variational:
            kl = kl_to_standard_normal(out["mu"], out["logvar"])
        else:
            kl = torch.zeros((), device=rec.device)
        total = rec + beta * kl
        if self.spec.penalty:
            total = total + self.spec.penalty * penalty
        return {"loss": total, "recon": rec, "kl": kl, "penalty": penalty}

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode n draws from the prior N(0, I)."""
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_dim, generator=generator).to(device)
        return self.decode(z)


class AutoEncoder(LatentModel):
    pass


class DenoisingAutoEncoder(AutoEncoder):
    """An AE trained to reconstruct clean images from noisy ones (TrainConfig.noise_std)."""


class LinearAutoEncoder(LatentModel):
    """No activations anywhere: its decoder spans the same subspace PCA finds (with MSE)."""

    output_is_logits = False


class VariationalAutoEncoder(LatentModel):
    variational = True


class SparseAutoEncoder(AutoEncoder):
    """An AE whose loss adds ``spec.penalty`` * sum_k |z_k|: the L1 pull drives code values to
    exactly 0, so each image uses few latent units (with a 2-D code: points on or near the axes)."""

    def _forward_and_penalty(self, x_in):
        out = self(x_in)
        return out, l1_of_codes(out["z"])


class ContractiveAutoEncoder(AutoEncoder):
    """An AE whose loss adds ``spec.penalty`` * ||dz/dx||_F^2: the code is asked to change little
    when the input changes a little, except along directions the data needs."""

    def _forward_and_penalty(self, x_in):
        create_graph = torch.is_grad_enabled()  # training: the penalty must be differentiable
        # The Jacobian needs a graph even where the caller evaluates under no_grad.
        with torch.enable_grad():
            x = x_in.detach().requires_grad_(True)
            out = self(x)
            penalty = jacobian_frobenius_sq(out["z"], x, create_graph=create_graph)
        if not create_graph:
            out = {k: v.detach() for k, v in out.items()}
            penalty = penalty.detach()
        return out, penalty


class Classifier(nn.Module):
    """A small CNN that labels 28x28 images; used to judge how digit-like a decoded image is."""

    def __init__(self, spec: ModelConfig):
        super().__init__()
        self.spec = spec
        self.config: dict = spec.to_dict()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 28 -> 14
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
            nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, spec.num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) -> (N, 128): the last hidden layer, where "looks like a real image" is judged."""
        return self.net[:-1](x)

    def loss(self, x_in: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        ce = nn.functional.cross_entropy(self(x_in), labels)
        return {"loss": ce, "recon": ce, "kl": torch.zeros((), device=ce.device)}

    @torch.no_grad()
    def predict_proba(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self(x), dim=1)


MODEL_REGISTRY: dict[str, type[nn.Module]] = {
    "ae": AutoEncoder,
    "vae": VariationalAutoEncoder,
    "linear-ae": LinearAutoEncoder,
    "denoising-ae": DenoisingAutoEncoder,
    "sparse-ae": SparseAutoEncoder,
    "contractive-ae": ContractiveAutoEncoder,
    "classifier": Classifier,
}
LATENT_KINDS = tuple(k for k in MODEL_REGISTRY if k != "classifier")


# Initial weights come from torch's global generator, one for the whole process: two models built
# in two threads at once (the studio's AE and VAE) would draw from it in whatever order the threads
# ran, and the same seed would give different weights. So models are built one at a time (aeviz
# draws from the global generator nowhere else; trainings have their own, aeviz.training).
_BUILD_LOCK = threading.Lock()


def build_model(spec: ModelConfig, seed: int | None = None) -> nn.Module:
    """A freshly initialised model for ``spec``. With ``seed``: the weights ``torch.manual_seed(seed)``
    would give, whichever thread builds it, and the global generator left as it was."""
    with _BUILD_LOCK:
        if seed is None:
            return MODEL_REGISTRY[spec.kind](spec)
        with torch.random.fork_rng(devices=[]):  # initialisation runs on the CPU
            torch.default_generator.manual_seed(seed)
            return MODEL_REGISTRY[spec.kind](spec)
