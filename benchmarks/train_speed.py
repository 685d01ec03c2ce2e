"""Training throughput: the seed tutorial's loop against aeviz's loop, in one process.

The seeds' loop as they wrote it: a dataset that yields PIL images through ToTensor and
Normalize, a DataLoader with batch 128 and shuffle, Adam (lr 1e-3, weight decay 1e-5), MSE on a
Tanh output. aeviz's loop: the same MLP widths (784 -> 128 -> 64 -> 12 -> 2 and back), the same
batch size and optimiser, the same number of samples, data resident on the device.

    python benchmarks/train_speed.py [--repeats 3] [--epochs 2] [--device auto] [--gpu-epochs 10]

Prints each run, then the medians; the last line is one JSON object with
``seed_samples_per_second``, ``aeviz_samples_per_second`` and ``ratio``. On a GPU it also times
aeviz's best settings (large batch) over 10 epochs of the training set.
"""
from __future__ import annotations

import argparse
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
from aeviz.training import pick_device, train  # noqa: E402

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


def seed_loop(images_u8: torch.Tensor, epochs: int, device: torch.device) -> float:
    """Samples per second of the tutorial's loop, data through PIL and a DataLoader."""
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
    start = time.perf_counter()
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
    return samples / (time.perf_counter() - start)


def aeviz_loop(dataset, epochs: int, device: str, batch_size: int = 128, hidden=SEED_WIDTHS) -> tuple[float, float]:
    """(samples per second, seconds) of aeviz's loop; its time includes the per-epoch test pass."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="ae", hidden=hidden))
    cfg = TrainConfig(epochs=epochs, batch_size=batch_size, lr=1e-3, weight_decay=1e-5, recon_loss="mse",
                      device=device, snapshot_size=0)
    result = train(model, dataset, cfg)
    return result.samples_per_second, result.seconds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--device", default="auto")
    p.add_argument("--gpu-epochs", type=int, default=10)
    args = p.parse_args()
    device = pick_device(args.device)
    dataset = load_dataset("mnist")
    print(f"data: {dataset.describe()}; device: {device}; torch threads: {torch.get_num_threads()}")
    seed, ours = [], []
    for r in range(args.repeats):  # alternate, so drift on a shared machine hits both alike
        seed.append(seed_loop(dataset.train_images, args.epochs, device))
        ours.append(aeviz_loop(dataset, args.epochs, str(device))[0])
        print(f"run {r + 1}: seed loop {seed[-1]:,.0f} samples/s, aeviz loop {ours[-1]:,.0f} samples/s")
    summary = {
        "device": str(device),
        "samples_per_run": args.epochs * len(dataset.train_labels),
        "repeats": args.repeats,
        "seed_samples_per_second": round(statistics.median(seed), 1),
        "aeviz_samples_per_second": round(statistics.median(ours), 1),
    }
    summary["ratio"] = round(summary["aeviz_samples_per_second"] / summary["seed_samples_per_second"], 2)
    if device.type == "cuda":
        sps, secs = aeviz_loop(dataset, args.gpu_epochs, str(device), batch_size=4096, hidden=(256, 128))
        summary.update(best_samples_per_second=round(sps, 1), best_seconds_for_epochs=round(secs, 3),
                       best_epochs=args.gpu_epochs, best_batch_size=4096)
    print(f"median: seed {summary['seed_samples_per_second']:,.0f} samples/s, "
          f"aeviz {summary['aeviz_samples_per_second']:,.0f} samples/s, ratio {summary['ratio']}x")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
