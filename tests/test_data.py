"""The data layer on real data: the bundled MNIST sample, Debian's Fashion-MNIST files, and the
fall-back order when the network is unreachable."""
import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

from aeviz import data
from aeviz.data import load_dataset, read_idx, sample_split


def test_bundled_sample_is_real_mnist_with_a_fixed_split(mnist):
    assert mnist.source == "bundled-sample"
    assert mnist.train_images.shape == (7000, 28, 28) and mnist.test_images.shape == (2000, 28, 28)
    assert mnist.train_images.dtype == torch.uint8
    assert mnist.class_names == tuple("0123456789")
    x = mnist.images("test")
    assert x.shape == (2000, 1, 28, 28) and x.dtype == torch.float32
    assert 0 <= float(x.min()) and float(x.max()) == 1.0
    # MNIST's convention: mostly black background, ~19% ink.
    assert 0.08 < float((x > 0.5).float().mean()) < 0.2
    assert set(mnist.labels("train").tolist()) == set(range(10))
    train_idx, test_idx = sample_split(9000)
    assert not set(train_idx) & set(test_idx)
    assert np.array_equal(sample_split(9000)[1], test_idx)  # seeded: the same every time
    assert "bundled offline sample" in mnist.describe() and "7,000 train" in mnist.describe()


def test_unreachable_network_falls_back_to_the_bundled_sample(tmp_path, monkeypatch):
    # An empty local root and a download host that refuses connections (a closed loopback port).
    monkeypatch.setenv("AEVIZ_DATA", str(tmp_path))
    monkeypatch.delenv("AEVIZ_OFFLINE", raising=False)
    monkeypatch.setitem(data.MIRRORS, "mnist", ["http://127.0.0.1:1/"])
    ds = load_dataset("mnist")
    assert ds.source == "bundled-sample"
    assert "bundled offline sample" in ds.describe()
    assert ds.notice == ""  # plainly offline: the source line says it all


@pytest.fixture
def silent_server():
    """A loopback port that accepts connections and never answers (a hung mirror)."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # the kernel completes the handshakes; nobody ever reads or replies
    yield f"http://127.0.0.1:{server.getsockname()[1]}/"
    server.close()


def test_a_download_that_hangs_gives_up_and_falls_back_with_a_notice(tmp_path, monkeypatch, silent_server):
    import time

    monkeypatch.setenv("AEVIZ_DATA", str(tmp_path))
    monkeypatch.delenv("AEVIZ_OFFLINE", raising=False)
    monkeypatch.setenv("AEVIZ_DOWNLOAD_TIMEOUT_S", "1.5")
    monkeypatch.setitem(data.MIRRORS, "mnist", [silent_server])
    start = time.monotonic()
    ds = load_dataset("mnist")
    elapsed = time.monotonic() - start
    assert elapsed < 10, f"a hung download held the start-up for {elapsed:.1f} s"
    assert ds.source == "bundled-sample" and len(ds.train_labels) == 7000
    assert "did not answer" in ds.notice and "bundled offline sample" in ds.notice
    # Nothing half-downloaded is left where the next start would look for data.
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_download_timeout_defaults_to_ten_seconds(monkeypatch):
    monkeypatch.delenv("AEVIZ_DOWNLOAD_TIMEOUT_S", raising=False)
    assert data.download_timeout() == 10.0
    monkeypatch.setenv("AEVIZ_DOWNLOAD_TIMEOUT_S", "2.5")
    assert data.download_timeout() == 2.5


def test_local_torchvision_root_comes_first(tmp_path, monkeypatch, mnist):
    # Write the sample as torchvision's raw IDX files: the loader must prefer them.
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)

    def write_idx(path, arr):
        header = bytes([0, 0, 8, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
        path.write_bytes(header + arr.astype(np.uint8).tobytes())

    write_idx(raw / "train-images-idx3-ubyte", mnist.train_images.numpy())
    write_idx(raw / "train-labels-idx1-ubyte", mnist.train_labels.numpy())
    write_idx(raw / "t10k-images-idx3-ubyte", mnist.test_images.numpy())
    write_idx(raw / "t10k-labels-idx1-ubyte", mnist.test_labels.numpy())
    monkeypatch.setenv("AEVIZ_DATA", str(tmp_path))
    ds = load_dataset("mnist", allow_download=False)
    assert ds.source == "local" and len(ds.train_labels) == 7000
    assert torch.equal(ds.test_images, mnist.test_images)


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        load_dataset("cifar")


def test_read_idx_rejects_truncated_files(tmp_path):
    p = tmp_path / "bad-idx3-ubyte.gz"
    with gzip.open(p, "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + (10).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2 + b"\0" * 100)
    with pytest.raises(ValueError, match="truncated"):
        read_idx(p)


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").exists(),
                    reason="Debian's dataset-fashion-mnist is not installed (CI installs it)")
def test_fashion_mnist_from_debian_system_files(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_DATA", str(tmp_path))
    ds = load_dataset("fashion-mnist", allow_download=False)
    assert ds.source == "system"
    assert ds.train_images.shape == (60000, 28, 28) and ds.test_images.shape == (10000, 28, 28)
    assert ds.class_names[9] == "Ankle boot"
    assert np.bincount(ds.train_labels.numpy()).tolist() == [6000] * 10


def test_a_download_is_checked_unpacked_and_found_locally_next_time(tmp_path, monkeypatch, mnist):
    """The downloader against a loopback mirror serving the sample as gzipped IDX files."""
    import functools
    import hashlib
    import http.server
    import threading

    served = tmp_path / "mirror"
    served.mkdir()
    arrays = {"train-images-idx3-ubyte": mnist.train_images, "train-labels-idx1-ubyte": mnist.train_labels,
              "t10k-images-idx3-ubyte": mnist.test_images, "t10k-labels-idx1-ubyte": mnist.test_labels}
    resources = []
    for stem, tensor in arrays.items():
        arr = tensor.numpy().astype(np.uint8)
        header = bytes([0, 0, 8, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
        blob = gzip.compress(header + arr.tobytes())
        (served / f"{stem}.gz").write_bytes(blob)
        resources.append((f"{stem}.gz", hashlib.md5(blob).hexdigest()))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        root = tmp_path / "data"
        monkeypatch.setenv("AEVIZ_DATA", str(root))
        monkeypatch.delenv("AEVIZ_OFFLINE", raising=False)
        monkeypatch.setitem(data.RESOURCES, "mnist", resources)
        monkeypatch.setitem(data.MIRRORS, "mnist", [f"http://127.0.0.1:{httpd.server_address[1]}/"])
        ds = load_dataset("mnist")
        assert ds.source == "download" and ds.notice == ""
        assert torch.equal(ds.train_images, mnist.train_images) and torch.equal(ds.test_labels, mnist.test_labels)
        assert not [p for p in root.rglob(".*")]  # no temporary file left
        again = load_dataset("mnist")
        assert again.source == "local" and torch.equal(again.test_images, mnist.test_images)
    finally:
        httpd.shutdown()
        httpd.server_close()
