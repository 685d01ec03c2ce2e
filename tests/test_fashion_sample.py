"""The bundled Fashion-MNIST sample: a fresh clone without the dataset still has both datasets."""
import numpy as np
import torch

from aeviz import data
from aeviz.data import load_dataset, read_idx


def test_fashion_mnist_falls_back_to_the_bundled_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_DATA", str(tmp_path))
    monkeypatch.setitem(data.SYSTEM_DIRS, "fashion-mnist", tmp_path / "absent")
    ds = load_dataset("fashion-mnist", allow_download=False)
    assert ds.source == "bundled-sample" and ds.name == "fashion-mnist"
    assert ds.train_images.shape == (1000, 28, 28) and ds.test_images.shape == (2000, 28, 28)
    assert ds.train_images.dtype == torch.uint8 and ds.class_names[9] == "Ankle boot"
    assert set(ds.labels("test").tolist()) == set(range(10))
    assert "Fashion-MNIST: bundled offline sample of real test images" in ds.describe()
    assert "1,000 train + 2,000 test" in ds.describe()
    assert data.BUNDLED_SAMPLES["fashion-mnist"].stat().st_size < 2_000_000


def test_the_sample_is_the_official_test_images_it_names():
    folder = data.SYSTEM_DIRS["fashion-mnist"]
    if not folder.exists():
        import pytest
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    official = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    with np.load(data.BUNDLED_SAMPLES["fashion-mnist"], allow_pickle=False) as f:
        assert np.array_equal(f["images"], official[f["index"].astype(np.int64)])
