"""Loss terms as pure functions. Every term is summed over pixels and averaged over the batch,
the convention of Kingma & Welling, so reconstruction and KL are on the same scale."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def reconstruction(output: torch.Tensor, target: torch.Tensor, kind: str, output_is_logits: bool = True) -> torch.Tensor:
    """Per-image reconstruction loss, averaged over the batch.

    output: (N, 1, 28, 28) decoder output (logits when ``output_is_logits``, else images).
    target: (N, 1, 28, 28) in [0, 1].
    """
    n = target.shape[0]
    if kind == "bce":
        if not output_is_logits:
            raise ValueError("bce needs logits; use mse or l1 for a model with a linear output")
        # BCE on logits is numerically stable where sigmoid + log would overflow.
        return F.binary_cross_entropy_with_logits(output, target, reduction="sum") / n
    images = torch.sigmoid(output) if output_is_logits else output
    if kind == "mse":
        return F.mse_loss(images, target, reduction="sum") / n
    if kind == "l1":
        return F.l1_loss(images, target, reduction="sum") / n
    raise ValueError(f"unknown reconstruction loss {kind!r}")


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)), summed over latent dims, averaged over the batch.

    Closed form: -1/2 * sum(1 + logvar - mu^2 - exp(logvar)).
    """
    return (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).mean()
