"""One training loop for every model, reporting through callbacks. No printing, no UI.

Speed (a step of the default MLP on 128 images is ~2 ms of CPU, so per-step overheads count):
the whole training set lives on the device as uint8, and a batch is a view into a block of
CHUNK_SAMPLES images converted to float at once (no DataLoader, no per-sample Python, a handful
of tensor calls per batch); Adam runs fused (one kernel for every parameter, 4x cheaper than the
per-parameter loop on CPU); the last good weights are copied every SNAPSHOT_EVERY steps, not
every step; and losses are only copied to the host every ``log_every`` steps, since on a GPU each
copy waits for the device. torch.compile is not used: on the 2-core reference machine compiling
the step took over three minutes for a gain of 5-15 %, far more than a whole studio run.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from .config import TrainConfig
from .data import Dataset
from .models import Classifier

# A loss this many times the first one means the run has blown up even if it is still finite
# (Adam with lr=10 saturates every logit: the loss grows large but stays finite).
DIVERGENCE_FACTOR = 50.0
EVAL_BATCH = 2000
# Images converted from uint8 to float per block: one gather and one conversion serve every
# batch of the block (16 batches of 128, ~6 MB as float32).
CHUNK_SAMPLES = 2048
# Steps between copies of the weights kept for a divergence (the copy costs about 5 % of a step).
SNAPSHOT_EVERY = 20
RECON_PREVIEW_COUNT = 8


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but no CUDA GPU is available")
    return device


@dataclass
class StepInfo:
    epoch: int  # 1-based
    step: int  # global step, 1-based
    total_steps: int
    loss: float  # mean over the steps since the last report
    recon: float
    kl: float
    samples_per_second: float
    seconds: float  # since training started


@dataclass
class EpochInfo:
    epoch: int  # 1-based
    epochs: int
    train_loss: float
    train_recon: float
    train_kl: float
    test_loss: float
    test_recon: float
    test_kl: float
    seconds: float
    latents: np.ndarray | None = None  # (snapshot_size, latent_dim) codes of a fixed test subset
    labels: np.ndarray | None = None  # (snapshot_size,)
    reconstructions: np.ndarray | None = None  # (8, 28, 28) float32 of 8 fixed test images

    def metrics(self) -> dict:
        return {k: getattr(self, k) for k in ("epoch", "train_loss", "train_recon", "train_kl",
                                               "test_loss", "test_recon", "test_kl", "seconds")}


@dataclass
class TrainResult:
    status: str  # "finished", "cancelled" or "diverged"
    message: str
    epochs_done: int
    seconds: float
    samples_seen: int
    device: str
    history: list[dict] = field(default_factory=list)  # EpochInfo.metrics() per epoch
    # The numbers behind ``message`` (e.g. epoch, step, loss, lr of a divergence), so a page can
    # write the sentence in its own language.
    detail: dict = field(default_factory=dict)

    @property
    def samples_per_second(self) -> float:
        return self.samples_seen / self.seconds if self.seconds > 0 else 0.0

    @property
    def train_loss(self) -> float:
        return self.history[-1]["train_loss"] if self.history else float("nan")

    @property
    def test_loss(self) -> float:
        return self.history[-1]["test_loss"] if self.history else float("nan")


def snapshot_indices(n_test: int, size: int, seed: int = 0) -> np.ndarray:
    """The fixed test subset whose codes are recorded every epoch (same for every model)."""
    return np.sort(np.random.default_rng(seed).permutation(n_test)[: min(size, n_test)])


def preview_indices(snapshot: np.ndarray, count: int = RECON_PREVIEW_COUNT) -> np.ndarray:
    """The test images whose reconstructions are recorded every epoch: spread evenly over the
    snapshot subset, since a test set stored sorted by class would otherwise give 8 of one class."""
    positions = np.linspace(0, len(snapshot) - 1, min(count, len(snapshot))).round().astype(np.int64)
    return snapshot[positions]


def _batch_loss(model, x: torch.Tensor, y: torch.Tensor, cfg: TrainConfig) -> dict[str, torch.Tensor]:
    if isinstance(model, Classifier):
        return model.loss(x, y)
    x_in = x
    if cfg.noise_std > 0:
        # Denoising: the model sees a noisy image and must give back the clean one.
        noise = torch.randn(x.shape, generator=model.noise_generator, device=x.device, dtype=x.dtype)
        x_in = (x + cfg.noise_std * noise).clamp_(0, 1)
    return model.loss(x_in, x, recon=cfg.recon_loss, beta=cfg.beta)


def _as_float(images_u8: torch.Tensor) -> torch.Tensor:
    return images_u8.unsqueeze(1).float().div_(255.0)


# no_grad, not inference_mode: a contractive AE's penalty is a Jacobian, which it computes under a
# local enable_grad; inference mode would forbid that.
@torch.no_grad()
def evaluate_loss(model, images_u8: torch.Tensor, labels: torch.Tensor, cfg: TrainConfig) -> dict[str, float]:
    """Mean loss terms over a whole split, in eval mode (the VAE decodes its mean)."""
    was_training = model.training
    model.eval()
    totals = {"loss": 0.0, "recon": 0.0, "kl": 0.0}
    n = len(images_u8)
    for i in range(0, n, EVAL_BATCH):
        x = _as_float(images_u8[i:i + EVAL_BATCH])
        terms = _batch_loss(model, x, labels[i:i + EVAL_BATCH], cfg)
        for k in totals:
            totals[k] += float(terms[k]) * len(x)
    model.train(was_training)
    return {k: v / n for k, v in totals.items()}


def make_optimizer(model, cfg: TrainConfig, device: torch.device) -> torch.optim.Optimizer:
    """Adam, fused where torch has a fused kernel for ``device`` (CPU and CUDA), else the default."""
    params = [p for p in model.parameters() if p.requires_grad]
    if device.type in ("cpu", "cuda") and all(p.dtype == torch.float32 for p in params):
        try:
            return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay, fused=True)
        except (RuntimeError, ValueError):  # an older torch or an unsupported device: the default Adam
            pass
    return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)


def warm_up() -> None:
    """Build one throwaway optimizer. A process's first torch optimizer imports torch._dynamo
    (torch.optim wraps every constructor in it): ~2 s on a 2-core machine, which the server's
    warm-up pays instead of the studio's first training."""
    make_optimizer(torch.nn.Linear(1, 1), TrainConfig(), torch.device("cpu"))


def iter_batches(images_u8: torch.Tensor, labels: torch.Tensor, perm: torch.Tensor, batch_size: int):
    """(x float (B, 1, 28, 28) in [0, 1], y) for consecutive slices of ``perm``: the same batches as
    slicing ``perm`` one batch at a time, but converted CHUNK_SAMPLES images at a time."""
    chunk = max(1, CHUNK_SAMPLES // batch_size) * batch_size
    for c in range(0, len(perm), chunk):
        idx = perm[c:c + chunk]
        # index_select, not images_u8[idx]: on the CPU advanced indexing of a uint8 tensor is ~20x
        # slower (1.9 ms against 85 us for 2,048 images, torch 2.14), a few % of every step.
        xs, ys = _as_float(images_u8.index_select(0, idx)), labels.index_select(0, idx)
        for j in range(0, len(idx), batch_size):
            yield xs[j:j + batch_size], ys[j:j + batch_size]


def train(
    model,
    dataset: Dataset,
    cfg: TrainConfig,
    on_step: Callable[[StepInfo], None] | None = None,
    on_epoch: Callable[[EpochInfo], None] | None = None,
    cancel: threading.Event | None = None,
) -> TrainResult:
    """Train ``model`` in place on ``dataset`` and return what happened.

    Stops early, keeping the last good weights, when ``cancel`` is set or the loss diverges
    (non-finite, or DIVERGENCE_FACTOR times the first loss). The model is left on the CPU in
    eval mode, ready to save.
    """
    device = pick_device(cfg.device)
    # The VAE's eps and the denoising noise: the stream torch.manual_seed(cfg.seed) gives the global
    # generator (a one-thread run trains the same weights), but this run's alone, so a training or
    # anything else drawing in another thread cannot change it.
    noise = torch.Generator(device=device)
    noise.manual_seed(cfg.seed)
    model.noise_generator = noise
    try:
        return _train(model, dataset, cfg, device, on_step, on_epoch, cancel)
    finally:
        model.noise_generator = None


def _train(model, dataset: Dataset, cfg: TrainConfig, device: torch.device, on_step, on_epoch,
           cancel: threading.Event | None) -> TrainResult:
    gen = torch.Generator(device=device)  # the batch order
    gen.manual_seed(cfg.seed)
    model.to(device).train()
    is_classifier = isinstance(model, Classifier)

    train_x = dataset.train_images.to(device)
    train_y = dataset.train_labels.to(device)
    test_x = dataset.test_images.to(device)
    test_y = dataset.test_labels.to(device)
    snap_np = snapshot_indices(len(test_x), cfg.snapshot_size)
    snap = torch.from_numpy(snap_np).to(device)
    preview = torch.from_numpy(preview_indices(snap_np)).to(device)

    optimizer = make_optimizer(model, cfg, device)
    n = len(train_x)
    steps_per_epoch = math.ceil(n / cfg.batch_size)
    total_steps = steps_per_epoch * cfg.epochs
    log_every = cfg.log_every or (1 if device.type == "cpu" else 25)

    # Views of the live weights (state_dict shares their storage) and copies of the last good ones.
    live = model.state_dict()
    last_good = {k: v.detach().clone() for k, v in live.items()}
    snapshot_step = 0
    first_loss: float | None = None
    status, message = "finished", f"trained {cfg.epochs} epochs"
    detail: dict = {}
    history: list[dict] = []
    samples_seen = 0
    step = 0
    start = time.perf_counter()
    window_start, window_samples = start, 0

    for epoch in range(1, cfg.epochs + 1):
        perm = torch.randperm(n, device=device, generator=gen)
        sums = torch.zeros(3, device=device)  # loss, recon, kl summed over this epoch's samples
        window = torch.zeros(3, device=device)
        window_steps = 0
        stop = False
        for x, y in iter_batches(train_x, train_y, perm, cfg.batch_size):
            if cancel is not None and cancel.is_set():
                status, message, stop = "cancelled", f"stopped by the user in epoch {epoch}", True
                detail = {"epoch": epoch}
                break
            terms = _batch_loss(model, x, y, cfg)
            loss = terms["loss"]
            step += 1
            if step == 1 or step % log_every == 0:
                value = float(loss.detach())  # the only host sync in the loop
                if first_loss is None:
                    first_loss = abs(value)
                if not math.isfinite(value) or value > DIVERGENCE_FACTOR * max(first_loss, 1e-8):
                    model.load_state_dict(last_good)
                    status, stop = "diverged", True
                    message = (f"training diverged in epoch {epoch} (loss {value:.4g} at step {step}); "
                               f"try a smaller learning rate than {cfg.lr:g}. The last good weights are kept.")
                    detail = {"epoch": epoch, "step": step, "loss": value, "lr": cfg.lr}
                    break
                if step == 1 or step - snapshot_step >= SNAPSHOT_EVERY:
                    # These weights gave a finite, sane loss: keep them in case a later step blows up.
                    for k, v in live.items():
                        last_good[k].copy_(v)
                    snapshot_step = step
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            b = x.shape[0]
            with torch.no_grad():
                detached = torch.stack((terms["loss"], terms["recon"], terms["kl"]))
                sums.add_(detached, alpha=b)
                window.add_(detached)
            window_steps += 1
            samples_seen += b
            window_samples += b
            if on_step is not None and step % log_every == 0:
                now = time.perf_counter()
                w = (window / window_steps).tolist()
                on_step(StepInfo(epoch, step, total_steps, w[0], w[1], w[2],
                                 window_samples / max(now - window_start, 1e-9), now - start))
                window.zero_()
                window_steps, window_start, window_samples = 0, now, 0
        if stop:
            break  # a partial epoch is not recorded: history holds whole epochs only
        train_means = (sums / n).tolist()
        test = evaluate_loss(model, test_x, test_y, cfg)
        info = EpochInfo(epoch, cfg.epochs, *train_means, test["loss"], test["recon"], test["kl"],
                         time.perf_counter() - start)
        if not is_classifier:
            with torch.inference_mode():
                model.eval()
                info.latents = model.encode(_as_float(test_x.index_select(0, snap))).cpu().numpy()
                info.labels = test_y.index_select(0, snap).cpu().numpy()
                previews = _as_float(test_x.index_select(0, preview))
                info.reconstructions = model.decode(model.encode(previews))[:, 0].cpu().numpy()
                model.train()
        history.append(info.metrics())
        if on_epoch is not None:
            on_epoch(info)

    model.to("cpu").eval()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return TrainResult(status, message, len(history), time.perf_counter() - start, samples_seen, str(device), history,
                       detail)
