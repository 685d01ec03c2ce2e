"""Latent-space analysis as pure functions: arrays in, arrays out. No UI, no plotting.

Every function takes models in eval mode and images as float32 (N, 1, 28, 28) in [0, 1].
"""
from __future__ import annotations

import numpy as np
import torch

BATCH = 4096


@torch.inference_mode()
def encode_all(model, images: torch.Tensor, batch: int = BATCH) -> np.ndarray:
    """(N, 1, 28, 28) -> (N, latent_dim) float32 codes (the mean for a VAE)."""
    return torch.cat([model.encode(images[i:i + batch]) for i in range(0, len(images), batch)]).numpy()


@torch.inference_mode()
def decode_all(model, z: np.ndarray | torch.Tensor, batch: int = BATCH) -> np.ndarray:
    """(N, latent_dim) -> (N, 28, 28) float32 images in [0, 1]."""
    z = torch.as_tensor(np.asarray(z, dtype=np.float32))
    return torch.cat([model.decode(z[i:i + batch]) for i in range(0, len(z), batch)])[:, 0].numpy()


@torch.inference_mode()
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


@torch.inference_mode()
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


# ---------------------------------------------------------------------------------------------
# The explorer's maths: grids, paths, prior samples, continuity, completeness, gap maps.
# Plain arrays in and out, so each is unit-tested without a model or a UI.
# ---------------------------------------------------------------------------------------------

def grid_points(axis_range: tuple[float, float, float, float], n: int) -> np.ndarray:
    """An n x n grid of latent points over ``(x0, x1, y0, y1)``, cell centres, as (n, n, 2).

    Row 0 is the *top* of the plane (largest z2) and column 0 the left (smallest z1), so the
    decoded tiles can be laid out as an image that lines up with the scatter's axes."""
    x0, x1, y0, y1 = axis_range
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y1 - (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], axis=-1).astype(np.float32)


def norm_ppf(p: np.ndarray) -> np.ndarray:
    """The inverse CDF of N(0, 1) (the probit), elementwise."""
    return torch.special.ndtri(torch.as_tensor(np.array(p, dtype=np.float64))).numpy()


def inverse_cdf_grid(n: int, margin: float = 0.05) -> np.ndarray:
    """Kingma & Welling's Fig. 4 grid: an evenly spaced grid over the unit square
    [margin, 1 - margin]^2 mapped through the inverse Gaussian CDF, as (n, n, 2), row 0 on top.
    Every cell then holds the same prior probability mass, so the grid is dense near the origin
    where N(0, I) puts its samples and sparse in the tails."""
    q = np.linspace(margin, 1 - margin, n)
    xs, ys = norm_ppf(q), norm_ppf(q[::-1])
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], axis=-1).astype(np.float32)


def tile_images(images: np.ndarray, rows: int, cols: int, gap: int = 0, fill: float = 1.0) -> np.ndarray:
    """(rows*cols, h, w) -> one (rows*h + gaps, cols*w + gaps) image, row-major."""
    n, h, w = images.shape
    if n != rows * cols:
        raise ValueError(f"{n} images do not fill a {rows} x {cols} grid")
    out = np.full((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap), fill, dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = images[i]
    return out


def interpolate(z0, z1, steps: int) -> np.ndarray:
    """``steps`` evenly spaced points on the straight line from z0 to z1 (both ends included)."""
    if steps < 2:
        raise ValueError("an interpolation needs at least 2 steps")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    z0, z1 = np.asarray(z0, dtype=np.float32), np.asarray(z1, dtype=np.float32)
    return (1 - t) * z0 + t * z1


def step_changes(images: np.ndarray) -> np.ndarray:
    """Mean absolute pixel change between consecutive images: (steps, h, w) -> (steps - 1,).
    0 = identical, 1 = every pixel flipped from black to white."""
    flat = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
    return np.abs(np.diff(flat, axis=0)).mean(axis=1)


def neighbour_changes(grid_images: np.ndarray) -> np.ndarray:
    """Mean absolute pixel change between every pair of horizontally or vertically neighbouring
    cells of a decoded grid (n, n, h, w): a flat array of 2 n (n - 1) values."""
    g = np.asarray(grid_images, dtype=np.float32)
    horizontal = np.abs(g[:, 1:] - g[:, :-1]).mean(axis=(2, 3))
    vertical = np.abs(g[1:] - g[:-1]).mean(axis=(2, 3))
    return np.concatenate([horizontal.ravel(), vertical.ravel()])


def continuity(grid_images: np.ndarray, worst: float = 0.05) -> dict[str, float]:
    """How smoothly a decoder's output changes over the plane: the mean pixel change between
    neighbouring grid cells, the 95th percentile (5 % of neighbour steps change more than this),
    and the mean over that worst 5 %. Lower is more continuous."""
    d = neighbour_changes(grid_images)
    cut = float(np.quantile(d, 1 - worst))
    return {"mean": float(d.mean()), "p95": cut, "worst_mean": float(d[d >= cut].mean())}


def prior_samples(n: int, seed: int = 0, dim: int = 2, mean=None, std=None) -> np.ndarray:
    """n draws of z ~ N(0, I) (or N(mean, diag(std^2)) when given), reproducible by ``seed``."""
    z = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    if std is not None:
        z = z * np.asarray(std, dtype=np.float32)
    if mean is not None:
        z = z + np.asarray(mean, dtype=np.float32)
    return z


def completeness(probs: np.ndarray, threshold: float = 0.9) -> float:
    """Share of decoded samples that a reference classifier labels with confidence >= threshold:
    (N, classes) softmax rows -> a number in [0, 1]."""
    probs = np.asarray(probs)
    if len(probs) == 0:
        return float("nan")
    return float((probs.max(axis=1) >= threshold).mean())


@torch.inference_mode()
def classify(classifier, images: np.ndarray, batch: int = BATCH) -> np.ndarray:
    """(N, 28, 28) images in [0, 1] -> (N, classes) softmax probabilities."""
    x = torch.as_tensor(np.asarray(images, dtype=np.float32))[:, None]
    return torch.cat([classifier.predict_proba(x[i:i + batch]) for i in range(0, len(x), batch)]).numpy()


def nearest_distance(images: np.ndarray, reference: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Root-mean-square pixel distance from each image to its nearest reference image:
    (N, h, w), (M, h, w) -> (N,). Small = looks like some real image; large = unlike all data."""
    ref = torch.as_tensor(np.asarray(reference, dtype=np.float32).reshape(len(reference), -1))
    q = torch.as_tensor(np.asarray(images, dtype=np.float32).reshape(len(images), -1))
    out = [torch.cdist(q[i:i + chunk], ref).min(dim=1).values for i in range(0, len(q), chunk)]
    return (torch.cat(out) / np.sqrt(ref.shape[1])).numpy()


def gap_scores(decoded: np.ndarray, classifier=None, reference: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """How *unlike data* each decoded image is, in [0, 1] (1 = a hole): one minus the reference
    classifier's confidence when there is a classifier, else the nearest-image distance scaled
    by its largest value. Returns (scores, a short name of the measure)."""
    if classifier is not None:
        return 1.0 - classify(classifier, decoded).max(axis=1), "1 − classifier confidence"
    if reference is None:
        raise ValueError("gap_scores needs a classifier or reference images")
    d = nearest_distance(decoded, reference)
    return d / max(float(d.max()), 1e-8), "distance to the nearest test image (scaled)"


def empty_spot(codes: np.ndarray, axis_range: tuple[float, float, float, float], n: int = 40,
               inset: float = 0.15) -> tuple[np.ndarray, float]:
    """The point of an n x n grid inside the axis range (``inset`` of the span kept clear of the
    edges) that lies farthest from every code, and that distance: somewhere the data leave empty."""
    x0, x1, y0, y1 = axis_range
    sx, sy = (x1 - x0) * inset, (y1 - y0) * inset
    g = grid_points((x0 + sx, x1 - sx, y0 + sy, y1 - sy), n).reshape(-1, 2)
    d = torch.cdist(torch.as_tensor(g), torch.as_tensor(np.asarray(codes[:, :2], dtype=np.float32))).min(1).values
    i = int(d.argmax())
    return g[i], float(d[i])
