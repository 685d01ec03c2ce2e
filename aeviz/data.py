"""Datasets by name, from real sources, with an offline fallback.

Sources are tried in order and the one used is always reported (``Dataset.describe()``):

1. a local torchvision root (``$AEVIZ_DATA``, default ``~/.cache/aeviz/data``) that already holds the files;
2. a download from torchvision's mirrors, only if the network answers within a few seconds
   (``AEVIZ_OFFLINE=1`` skips it); a server that stops answering is given up after
   ``AEVIZ_DOWNLOAD_TIMEOUT_S`` seconds (default 10) without a byte, and the next source is used
   with a ``notice`` saying why;
3. system files: Debian's ``dataset-fashion-mnist`` under ``/usr/share/datasets/fashion-mnist``;
4. the bundled samples, so both datasets work on any machine: 9,000 real MNIST digits
   (``aeviz/mnist_9k.npz``), split 7,000 / 2,000 by a fixed seed; 3,000 real Fashion-MNIST images
   from its official test set (``aeviz/fashion_mnist_3k.npz``), split 1,000 / 2,000 the same way.
   The shipped Fashion-MNIST models were trained on the full 60,000, none of which is in the sample.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import socket
import tempfile
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import torch

from .errors import AevizError

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
# Where torchvision downloads from (its own mirror lists); probed first so an offline machine does not hang.
MIRRORS = {
    "mnist": ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
    "fashion-mnist": ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
}
# torchvision's file lists (name, MD5), so a download needs no torchvision import (seconds on a busy machine).
RESOURCES = {
    "mnist": [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
              ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
              ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
              ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")],
    "fashion-mnist": [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                      ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                      ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                      ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")],
}
RAW_FOLDERS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}  # torchvision's layout under the root
DOWNLOAD_TIMEOUT_ENV = "AEVIZ_DOWNLOAD_TIMEOUT_S"
DEFAULT_DOWNLOAD_TIMEOUT_S = 10.0
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
    notice: str = ""  # why a better source was not used (e.g. a download that did not answer), or ""

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


def download_timeout() -> float:
    """Seconds a download may wait for the server (to connect, or for the next bytes)."""
    raw = os.environ.get(DOWNLOAD_TIMEOUT_ENV, "").strip()
    return float(raw) if raw else DEFAULT_DOWNLOAD_TIMEOUT_S


def probe_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def _fetch(url: str, target: Path, md5: str, timeout: float) -> None:
    """``url`` into ``target`` through a temporary file renamed into place once complete and its
    MD5 checked: a download that stalls or is cut leaves nothing behind. Every wait (connecting,
    the reply, each block) is limited to ``timeout`` seconds."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        digest = hashlib.md5()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as reply:
            while block := reply.read(1 << 16):
                out.write(block)
                digest.update(block)
        if digest.hexdigest() != md5:
            raise ValueError(f"{url}: checksum mismatch")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _md5(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "md5").hexdigest()


def _download(name: str, root: Path, timeout: float) -> Path:
    """The four gzipped IDX files of ``name`` from the first mirror that serves them, also
    unpacked where torchvision looks for them; returns that folder. Raises OSError (or
    ValueError) when no mirror does."""
    raw = root / RAW_FOLDERS[name] / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for filename, md5 in RESOURCES[name]:
        target = raw / filename
        if not (target.is_file() and _md5(target) == md5):
            errors = []
            for mirror in MIRRORS[name]:
                try:
                    _fetch(mirror + filename, target, md5, timeout)
                    break
                except (OSError, ValueError) as e:  # socket.timeout and URLError are OSErrors
                    errors.append(f"{mirror}: {e}")
            else:
                raise OSError("; ".join(errors))
        unpacked = raw / filename.removesuffix(".gz")
        fd, tmp = tempfile.mkstemp(dir=raw, prefix=f".{unpacked.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, gzip.open(target, "rb") as src:
                out.write(src.read())
            os.replace(tmp, unpacked)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return raw


def _try_download(name: str, root: Path) -> tuple[Dataset | None, str]:
    """(the downloaded dataset, "") or (None, why not) within the download timeout per wait."""
    timeout = download_timeout()
    if not any(network_available(*probe_address(m), timeout=min(PROBE_TIMEOUT_S, timeout)) for m in MIRRORS[name]):
        return None, ""  # plainly offline: nothing worth a notice
    start = time.monotonic()
    try:
        folder = _download(name, root, timeout)
        return replace(_from_system(name, folder), source="download", location=str(root)), ""
    except Exception as e:  # noqa: BLE001 - any download failure means: use the next source
        reason = "did not answer" if isinstance(e, (TimeoutError, socket.timeout)) or "timed out" in str(e) else "failed"
        return None, (f"The download of {TITLES[name]} {reason} (gave up after {time.monotonic() - start:.0f} s: "
                      f"{str(e)[:200]}).")


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
    folder = root / RAW_FOLDERS[name] / "raw"
    if folder.is_dir():  # checked first: importing torchvision alone costs about a second
        try:
            return _from_torchvision(name, root, download=False, source="local")
        except (RuntimeError, OSError, ValueError):
            pass  # incomplete: try the other sources
    notice = ""
    if allow_download and not offline():
        downloaded, notice = _try_download(name, root)
        if downloaded is not None:
            return downloaded
    fallback = None
    system = SYSTEM_DIRS.get(name)
    if system is not None and system.exists():
        try:
            fallback = _from_system(name, system)
        except (OSError, ValueError):
            pass
    if fallback is None and BUNDLED_SAMPLES[name].exists():
        fallback = _from_bundled_sample(name)
    if fallback is not None:
        if notice:
            notice += f" Using this instead: {fallback.describe()}."
        return replace(fallback, notice=notice)
    raise AevizError("errors.data.no_source", detail=notice, name=name, root=str(root))
