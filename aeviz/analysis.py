"""Latent-space analysis as pure functions: arrays in, arrays out. No UI, no plotting.

Every function takes models in eval mode and images as float32 (N, 1, 28, 28) in [0, 1].
"""
from __future__ import annotations

import numpy as np
import torch

BATCH = 4096


@torch.no_grad()
def encode_all(model, images: torch.Tensor, batch: int = BATCH) -> np.ndarray:
    """(N, 1, 28, 28) -> (N, latent_dim) float32 codes (the mean for a VAE)."""
    return torch.cat([model.encode(images[i:i + batch]) for i in range(0, len(images), batch)]).numpy()


@torch.no_grad()
def decode_all(model, z: np.ndarray | torch.Tensor, batch: int = BATCH) -> np.ndarray:
    """(N, latent_dim) -> (N, 28, 28) float32 images in [0, 1]."""
    z = torch.as_tensor(np.asarray(z, dtype=np.float32))
    return torch.cat([model.decode(z[i:i + batch]) for i in range(0, len(z), batch)])[:, 0].numpy()


@torch.no_grad()
def reconstruction_mse(model, images: torch.Tensor, batch: int = BATCH) -> float:
    """Mean squared pixel error of encode -> decode (the VAE decodes its mean)."""
    total = 0.0
    for i in range(0, len(images), batch):
        x = images[i:i + batch]
        total += float(((model.decode(model.encode(x)) - x) ** 2).sum())
    return total / images.numel()


def knn_accuracy(ref_codes: np.ndarray, ref_labels: np.ndarray, codes: np.ndarray, labels: np.ndarray,
                 k: int = 5, chunk: int = 1000) -> float:
    """Share of ``codes`` whose k nearest reference codes vote for the right label (majority,
    ties to the smallest label): how well the latent space keeps classes apart."""
    ref = torch.as_tensor(ref_codes, dtype=torch.float32)
    ref_y = torch.as_tensor(np.asarray(ref_labels, dtype=np.int64))
    correct = 0
    for i in range(0, len(codes), chunk):
        q = torch.as_tensor(codes[i:i + chunk], dtype=torch.float32)
        nearest = torch.cdist(q, ref).topk(k, largest=False).indices  # (chunk, k)
        votes = torch.nn.functional.one_hot(ref_y[nearest], int(ref_y.max()) + 1).sum(1)
        correct += int((votes.argmax(1) == torch.as_tensor(labels[i:i + chunk])).sum())
    return correct / len(codes)


@torch.no_grad()
def classifier_accuracy(classifier, images: torch.Tensor, labels: torch.Tensor, batch: int = BATCH) -> float:
    pred = torch.cat([classifier(images[i:i + batch]).argmax(1) for i in range(0, len(images), batch)])
    return float((pred == labels).float().mean())


def evaluate(model, dataset) -> dict[str, float]:
    """Test metrics for a checkpoint: the numbers ``python -m aeviz evaluate`` prints."""
    test_x, test_y = dataset.images("test"), dataset.labels("test")
    if model.spec.kind == "classifier":
        return {"test_accuracy": round(classifier_accuracy(model, test_x, test_y), 4),
                "test_size": len(test_y)}
    train_codes = encode_all(model, dataset.images("train"))
    test_codes = encode_all(model, test_x)
    return {
        "recon_mse": round(reconstruction_mse(model, test_x), 5),
        "knn5_accuracy": round(knn_accuracy(train_codes, dataset.labels("train").numpy(),
                                            test_codes, test_y.numpy()), 4),
        "latent_mean": [round(float(v), 4) for v in test_codes.mean(0)],
        "latent_std": [round(float(v), 4) for v in test_codes.std(0)],
        "test_size": len(test_y),
    }
