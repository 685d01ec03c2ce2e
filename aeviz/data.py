"""Datasets by name, from real sources, with an offline fallback.

Sources are tried in order and the one used is always reported (``Dataset.describe()``):

1. a local torchvision root (``$AEVIZ_DATA``, default ``~/.cache/aeviz/data``) that already holds the files;
2. torchvision's download, only if the network answers within a few seconds (``AEVIZ_OFFLINE=1`` skips it);
3. system files: Debian's ``dataset-fashion-mnist`` under ``/usr/share/datasets/fashion-mnist``;
4. the bundled samples, so both datasets work on any machine: 9,000 real MNIST digits
   (``aeviz/mnist_9k.npz``), split 7,000 / 2,000 by a fixed seed; 3,000 real Fashion-MNIST images
   from its official test set (``aeviz/fashion_mnist_3k.npz``), split 1,000 / 2,000 the same way.
   The shipped Fashion-MNIST models were trained on the full 60,000, none of which is in the sample.
"""
from __future__ import annotations

import gzip
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DATASET_NAMES = ("mnist", "fashion-mnist")
CLASS_NAMES = {
    "mnist": tuple(str(d) for d in range(10)),
    "fashion-mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
}
TITLES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
BUNDLED_SAMPLE = Path(__file__).with_name("mnist_9k.npz")
BUNDLED_SAMPLES = {"mnist": BUNDLED_SAMPLE, "fashion-mnist": Path(__file__).with_name("fashion_mnist_3k.npz")}
SAMPLE_TEST_SIZE = 2000
SAMPLE_SPLIT_SEED = 0
SYSTEM_DIRS = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}
# Where torchvision downloads from; probed first so an offline machine does not hang.
DOWNLOAD_HOSTS = {
    "mnist": ("ossci-datasets.s3.amazonaws.com", 443),
    "fashion-mnist": ("fashion-mnist.s3-website.eu-central-1.amazonaws.com", 80),
}
PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Dataset:
    """Images as uint8 tensors (N, 28, 28), 0 = background; labels as int64 (N,)."""

    name: str
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    class_names: tuple[str, ...]
    source: str  # "local", "download", "system" or "bundled-sample"
    location: str  # the folder or file the images came from

    def images(self, split: str = "train") -> torch.Tensor:
        """float32 (N, 1, 28, 28) in [0, 1]."""
        raw = self.train_images if split == "train" else self.test_images
        return raw.unsqueeze(1).float().div_(255.0)

    def labels(self, split: str = "train") -> torch.Tensor:
        return self.train_labels if split == "train" else self.test_labels

    def describe(self) -> str:
        what = {
            "local": "torchvision files on disk",
            "download": "downloaded by torchvision",
            "system": "system files",
            "bundled-sample": ("bundled offline sample of real digits" if self.name == "mnist"
                               else "bundled offline sample of real test images"),
        }[self.source]
        return (f"{TITLES[self.name]}: {what} ({self.location}), "
                f"{len(self.train_labels):,} train + {len(self.test_labels):,} test images")

    def to_dict(self) -> dict:
        return {"name": self.name, "source": self.source, "location": self.location,
                "train_size": len(self.train_labels), "test_size": len(self.test_labels)}


def data_root() -> Path:
    return Path(os.environ.get("AEVIZ_DATA", Path.home() / ".cache" / "aeviz" / "data"))


def offline() -> bool:
    return os.environ.get("AEVIZ_OFFLINE", "").strip() not in ("", "0", "false", "no")


def network_available(host: str, port: int, timeout: float = PROBE_TIMEOUT_S) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _torchvision_class(name: str):
    from torchvision import datasets

    return datasets.MNIST if name == "mnist" else datasets.FashionMNIST


def _from_torchvision(name: str, root: Path, download: bool, source: str) -> Dataset:
    cls = _torchvision_class(name)
    train = cls(str(root), train=True, download=download)
    test = cls(str(root), train=False, download=download)
    return Dataset(name, train.data.clone(), train.targets.long(), test.data.clone(), test.targets.long(),
                   CLASS_NAMES[name], source, str(root))


def read_idx(path: Path) -> np.ndarray:
    """Read a (possibly gzipped) IDX file: the format MNIST and Fashion-MNIST ship in."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path} is truncated: expected {int(np.prod(dims))} values, found {data.size}")
    return data.reshape(dims)


def _from_system(name: str, folder: Path) -> Dataset:
    def load(stem: str) -> torch.Tensor:
        for candidate in (folder / f"{stem}.gz", folder / stem):
            if candidate.exists():
                return torch.from_numpy(read_idx(candidate).copy())
        raise FileNotFoundError(folder / f"{stem}.gz")

    return Dataset(name, load("train-images-idx3-ubyte"), load("train-labels-idx1-ubyte").long(),
                   load("t10k-images-idx3-ubyte"), load("t10k-labels-idx1-ubyte").long(),
                   CLASS_NAMES[name], "system", str(folder))


def sample_split(n: int, test_size: int = SAMPLE_TEST_SIZE, seed: int = SAMPLE_SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Fixed, seeded (train indices, test indices) of the bundled sample."""
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[test_size:]), np.sort(order[:test_size])


def _from_bundled_sample(name: str = "mnist", path: Path | None = None) -> Dataset:
    path = BUNDLED_SAMPLES[name] if path is None else path
    with np.load(path, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"].astype(np.int64)
    train_idx, test_idx = sample_split(len(labels))
    return Dataset(name, torch.from_numpy(images[train_idx]), torch.from_numpy(labels[train_idx]),
                   torch.from_numpy(images[test_idx]), torch.from_numpy(labels[test_idx]),
                   CLASS_NAMES[name], "bundled-sample", path.name)


def load_dataset(name: str, allow_download: bool = True) -> Dataset:
    """The dataset ``name`` from the first source that has it (see the module docstring)."""
    if name not in DATASET_NAMES:
        raise ValueError(f"unknown dataset {name!r}; expected one of {', '.join(DATASET_NAMES)}")
    root = data_root()
    folder = root / ("MNIST" if name == "mnist" else "FashionMNIST") / "raw"
    if folder.is_dir():  # checked first: importing torchvision alone costs about a second
        try:
            return _from_torchvision(name, root, download=False, source="local")
        except (RuntimeError, OSError, ValueError):
            pass  # incomplete: try the other sources
    if allow_download and not offline() and network_available(*DOWNLOAD_HOSTS[name]):
        try:
            return _from_torchvision(name, root, download=True, source="download")
        except Exception:  # noqa: BLE001 - any download failure means: use the next source
            pass
    system = SYSTEM_DIRS.get(name)
    if system is not None and system.exists():
        try:
            return _from_system(name, system)
        except (OSError, ValueError):
            pass
    if BUNDLED_SAMPLES[name].exists():
        return _from_bundled_sample(name)
    raise ValueError(f"no source for {name}: no files under {root}, no network, no system copy "
                     f"and no bundled sample (on Debian: apt-get install dataset-fashion-mnist)")
