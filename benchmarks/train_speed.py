"""Training throughput: the seed tutorial's loop against aeviz's loop, in one process.

The seeds' loop as they wrote it: a dataset that yields PIL images through ToTensor and
Normalize, a DataLoader with batch 128 and shuffle, Adam (lr 1e-3, weight decay 1e-5), MSE on a
Tanh output. aeviz's loop (``aeviz.training.train``): the same MLP widths (784 -> 128 -> 64 -> 12
-> 2 and back), the same batch size and optimiser settings, the same number of samples, data
resident on the device; its time includes its per-epoch pass over the test split.

    python benchmarks/train_speed.py [--repeats 5] [--epochs 10] [--threads 1] [--device auto] [--bare] [--bce]

Each repeat runs the two loops back to back (alternating, after one discarded warm-up of each),
so drift on a shared machine hits both alike. Throughput is given two ways: by the wall clock,
and by the process's CPU time (on one thread, the default, CPU time is the work done and
barely moves when other programs share the cores). ``--threads 0`` leaves torch's default
thread count, as the tutorial's script and ``python -m aeviz train`` run; the studio trains each
model on one thread. Prints each repeat, then medians with their
range; the last line is one JSON object with ``seed_samples_per_second``,
``aeviz_samples_per_second``, ``ratio`` (median of the per-repeat wall-clock ratios) and the
same by CPU time, and ``steal_pct``: the share of the machine's CPU time the host took from this
virtual machine meanwhile (Linux's /proc/stat; per repeat too), since two-thread matrix products
stall whenever one core is taken. On a GPU it also times aeviz's best settings (large batch) over 10 epochs.
``--bce`` also times aeviz's loop on the studio's loss (BCE on logits, summed over pixels) with
aeviz's BCE (``aeviz.losses.summed_bce_with_logits``) against the same loop with torch's
``F.binary_cross_entropy_with_logits``, alternating, by CPU time.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aeviz.config import ModelConfig, TrainConfig  # noqa: E402
from aeviz.data import load_dataset  # noqa: E402
from aeviz.models import build_model  # noqa: E402
from aeviz.training import _batch_loss, iter_batches, make_optimizer, pick_device, train  # noqa: E402
from harness import cpu_jiffies, steal_pct, torch_bce_as_loss  # noqa: E402

SEED_WIDTHS = (128, 64, 12)


class SeedAutoencoder(nn.Module):
    """The tutorial's model: 784 -> 128 -> 64 -> 12 -> 2 -> 12 -> 64 -> 128 -> 784, Tanh output."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 128), nn.ReLU(True), nn.Linear(128, 64), nn.ReLU(True),
                                     nn.Linear(64, 12), nn.ReLU(True), nn.Linear(12, 2))
        self.decoder = nn.Sequential(nn.Linear(2, 12), nn.ReLU(True), nn.Linear(12, 64), nn.ReLU(True),
                                     nn.Linear(64, 128), nn.ReLU(True), nn.Linear(128, 784), nn.Tanh())

    def forward(self, x):
        return self.decoder(self.encoder(x))


def seed_loop(images_u8: torch.Tensor, epochs: int, device: torch.device) -> tuple[float, float]:
    """(samples per second by the wall clock, by CPU time) of the tutorial's loop, data through
    PIL and a DataLoader."""
    from PIL import Image
    from torch.utils.data import DataLoader, Dataset
    from torchvision import transforms

    class PILDataset(Dataset):
        def __init__(self, arrays):
            self.arrays = arrays.numpy()
            self.transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])

        def __len__(self):
            return len(self.arrays)

        def __getitem__(self, i):
            return self.transform(Image.fromarray(self.arrays[i], mode="L")), 0

    torch.manual_seed(0)
    model = SeedAutoencoder().to(device)
    loader = DataLoader(PILDataset(images_u8), batch_size=128, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    criterion = nn.MSELoss()
    samples = 0
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        for img, _ in loader:
            img = img.view(img.size(0), -1).to(device)
            loss = criterion(model(img), img)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            samples += img.size(0)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return samples / (time.perf_counter() - start), samples / (time.process_time() - cpu)


def aeviz_loop(dataset, epochs: int, device: str, batch_size: int = 128,
               hidden=SEED_WIDTHS) -> tuple[float, float, float]:
    """(samples per second by the wall clock, by CPU time, seconds) of aeviz's loop; its time
    includes the per-epoch test pass."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="ae", hidden=hidden))
    cfg = TrainConfig(epochs=epochs, batch_size=batch_size, lr=1e-3, weight_decay=1e-5, recon_loss="mse",
                      device=device, snapshot_size=0)
    cpu = time.process_time()
    result = train(model, dataset, cfg)
    return result.samples_per_second, result.samples_seen / (time.process_time() - cpu), result.seconds


def bare_step_loop(dataset, epochs: int, device: str) -> float:
    """Samples per second by CPU time of the bare step alone (forward, loss, backward, fused Adam)
    on aeviz's batches: no test pass, no divergence guard, no progress. How close the loop is to it
    says what is left to win outside the model's own arithmetic."""
    torch.manual_seed(0)
    dev = torch.device(device)
    model = build_model(ModelConfig(kind="ae", hidden=SEED_WIDTHS)).to(dev).train()
    cfg = TrainConfig(epochs=epochs, batch_size=128, lr=1e-3, weight_decay=1e-5, recon_loss="mse", device=device)
    optimizer = make_optimizer(model, cfg, dev)
    images, labels = dataset.train_images.to(dev), dataset.train_labels.to(dev)
    gen = torch.Generator(device=dev)
    gen.manual_seed(0)
    samples, cpu = 0, time.process_time()
    for _ in range(epochs):
        perm = torch.randperm(len(images), device=dev, generator=gen)
        for x, y in iter_batches(images, labels, perm, cfg.batch_size):
            loss = _batch_loss(model, x, y, cfg)["loss"]
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            samples += len(x)
    return samples / (time.process_time() - cpu)


def bce_loop(dataset, epochs: int, device: str, torch_bce: bool) -> float:
    """Samples per second by CPU time of aeviz's loop on BCE: aeviz's, or torch's with ``torch_bce``."""
    with torch_bce_as_loss() if torch_bce else contextlib.nullcontext():
        torch.manual_seed(0)
        model = build_model(ModelConfig(kind="ae", hidden=SEED_WIDTHS))
        cfg = TrainConfig(epochs=epochs, batch_size=128, lr=1e-3, recon_loss="bce", device=device, snapshot_size=0)
        cpu = time.process_time()
        result = train(model, dataset, cfg)
        return result.samples_seen / (time.process_time() - cpu)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--epochs", type=int, default=10, help="epochs of the training split per run")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads for both loops (1, as the studio trains; 0 = torch's default)")
    p.add_argument("--device", default="auto")
    p.add_argument("--gpu-epochs", type=int, default=10)
    p.add_argument("--bare", action="store_true",
                   help="also time the bare step (forward, backward, fused Adam) after the repeats")
    p.add_argument("--bce", action="store_true",
                   help="also time aeviz's loop on BCE with aeviz's loss against torch's, after the repeats")
    args = p.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    dataset = load_dataset("mnist")
    print(f"data: {dataset.describe()}; device: {device}; torch threads: {torch.get_num_threads()}; "
          f"{args.epochs} epochs per run")
    seed_loop(dataset.train_images[:2048], 1, device)  # warm-up: imports, allocator, first calls
    aeviz_loop(dataclasses.replace(dataset, train_images=dataset.train_images[:2048],
                                   train_labels=dataset.train_labels[:2048]), 1, str(device))
    seed, ours, ratios, cpu_ratios, steals = [], [], [], [], []
    start_jiffies = cpu_jiffies()
    for r in range(args.repeats):  # alternate, so drift on a shared machine hits both alike
        first, second = (seed_loop, aeviz_loop) if r % 2 == 0 else (aeviz_loop, seed_loop)
        results = {}
        before = cpu_jiffies()
        for loop in (first, second):
            if loop is seed_loop:
                results["seed"] = seed_loop(dataset.train_images, args.epochs, device)
            else:
                results["aeviz"] = aeviz_loop(dataset, args.epochs, str(device))[:2]
        seed.append(results["seed"])
        ours.append(results["aeviz"])
        ratios.append(ours[-1][0] / seed[-1][0])
        cpu_ratios.append(ours[-1][1] / seed[-1][1])
        steals.append(steal_pct(before, cpu_jiffies()))
        stolen = f"; {steals[-1]} % of the CPU time stolen by the host" if steals[-1] is not None else ""
        print(f"run {r + 1}: seed loop {seed[-1][0]:,.0f} samples/s (CPU time {seed[-1][1]:,.0f}), "
              f"aeviz loop {ours[-1][0]:,.0f} (CPU time {ours[-1][1]:,.0f}): "
              f"{ratios[-1]:.2f}x (CPU time {cpu_ratios[-1]:.2f}x){stolen}", flush=True)
    summary = {
        "device": str(device),
        "threads": torch.get_num_threads(),
        "samples_per_run": args.epochs * len(dataset.train_labels),
        "repeats": args.repeats,
        "seed_samples_per_second": round(statistics.median(s[0] for s in seed), 1),
        "aeviz_samples_per_second": round(statistics.median(o[0] for o in ours), 1),
        "ratio": round(statistics.median(ratios), 2),
        "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
        "seed_cpu_samples_per_second": round(statistics.median(s[1] for s in seed), 1),
        "aeviz_cpu_samples_per_second": round(statistics.median(o[1] for o in ours), 1),
        "cpu_ratio": round(statistics.median(cpu_ratios), 2),
        "cpu_ratio_range": [round(min(cpu_ratios), 2), round(max(cpu_ratios), 2)],
        # A figure measured while the host took the VM's cores is not the code's: say how much it took.
        "steal_pct": steal_pct(start_jiffies, cpu_jiffies()),
        "steal_pct_per_repeat": steals,
    }
    if args.bare:
        bare = [bare_step_loop(dataset, args.epochs, str(device)) for _ in range(3)]
        summary["bare_cpu_samples_per_second"] = round(statistics.median(bare), 1)
        print(f"bare step (forward, backward, fused Adam; CPU time, median of 3): {spread(bare)} samples/s")
    if args.bce:
        own, theirs = [], []
        for r in range(args.repeats):
            for use_torch in ((False, True) if r % 2 == 0 else (True, False)):
                (theirs if use_torch else own).append(bce_loop(dataset, args.epochs, str(device), use_torch))
        gains = [a / b for a, b in zip(own, theirs)]
        summary.update(bce_aeviz_cpu_samples_per_second=round(statistics.median(own), 1),
                       bce_torch_cpu_samples_per_second=round(statistics.median(theirs), 1),
                       bce_speedup=round(statistics.median(gains), 2),
                       bce_speedup_range=[round(min(gains), 2), round(max(gains), 2)])
        print(f"aeviz's loop on BCE (CPU time, median of {args.repeats}): with aeviz's BCE {spread(own)} samples/s, "
              f"with torch's {spread(theirs)}: {summary['bce_speedup']}x "
              f"({summary['bce_speedup_range'][0]}-{summary['bce_speedup_range'][1]})")
    if device.type == "cuda":
        sps, _, secs = aeviz_loop(dataset, args.gpu_epochs, str(device), batch_size=4096, hidden=(256, 128))
        summary.update(best_samples_per_second=round(sps, 1), best_seconds_for_epochs=round(secs, 3),
                       best_epochs=args.gpu_epochs, best_batch_size=4096)
    print(f"median of {args.repeats}: seed {spread([s[0] for s in seed])} samples/s, "
          f"aeviz {spread([o[0] for o in ours])} samples/s; ratio {summary['ratio']}x "
          f"({summary['ratio_range'][0]}-{summary['ratio_range'][1]}); by CPU time {summary['cpu_ratio']}x "
          f"({summary['cpu_ratio_range'][0]}-{summary['cpu_ratio_range'][1]})")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
