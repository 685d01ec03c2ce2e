"""Write aeviz/fashion_mnist_3k.npz: 3,000 real Fashion-MNIST images drawn (seeded) from the
official test set, for machines without the full dataset. Needs the IDX files (Debian's
dataset-fashion-mnist, or a torchvision root). The loader splits them 1,000 / 2,000
(``aeviz.data.sample_split``). Fashion-MNIST: H. Xiao, K. Rasul, R. Vollgraf (Zalando), MIT licence.

    python scripts/make_fashion_sample.py [/usr/share/datasets/fashion-mnist]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aeviz.data import read_idx  # noqa: E402

N = 3000
SEED = 0


def main(folder: str = "/usr/share/datasets/fashion-mnist") -> None:
    root = Path(folder)
    images = read_idx(root / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(root / "t10k-labels-idx1-ubyte.gz")
    index = np.sort(np.random.default_rng(SEED).permutation(len(labels))[:N])
    out = Path(__file__).resolve().parents[1] / "aeviz" / "fashion_mnist_3k.npz"
    # index: each image's position in the official t10k files, so anyone can check the sample.
    np.savez_compressed(out, images=images[index], labels=labels[index], index=index.astype(np.uint16))
    print(out, out.stat().st_size)


if __name__ == "__main__":
    main(*sys.argv[1:])
