"""Anomaly scores, ROC/AUC against cases worked out by hand, and the OOD sets."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from aeviz import anomaly
from aeviz.config import ModelConfig
from aeviz.models import build_model
from aeviz.pca import fit_pca


def test_roc_of_a_known_case():
    # in: 0.1 0.4 0.35 0.8 ; out: 0.9 0.6 0.7 0.3 (by hand: 0.9 beats 4 in-scores, 0.6 and 0.7 beat 3 each, 0.3 beats 1: 11 of 16 pairs)
    s_in, s_out = [0.1, 0.4, 0.35, 0.8], [0.9, 0.6, 0.7, 0.3]
    fpr, tpr, thr = anomaly.roc_curve(s_in, s_out)
    assert fpr[0] == 0 and tpr[0] == 0 and fpr[-1] == 1 and tpr[-1] == 1
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert anomaly.auc(fpr, tpr) == pytest.approx(11 / 16)
    assert thr[1] == 0.9


def test_auc_extremes_and_ties():
    assert anomaly.roc_auc([0, 1, 2], [3, 4]) == 1.0
    assert anomaly.roc_auc([3, 4], [0, 1, 2]) == 0.0
    assert anomaly.roc_auc([1, 1], [1, 1, 1]) == 0.5  # all tied: a coin flip
    assert anomaly.roc_auc([0, 1], [1, 2]) == pytest.approx((3 + 0.5) / 4)


def test_auc_equals_the_pairwise_probability_on_random_scores():
    rng = np.random.default_rng(0)
    s_in, s_out = rng.normal(0, 1, 300), rng.normal(0.7, 1, 200)
    s_in[:20] = s_out[:20]  # some ties
    pairs = (s_out[:, None] > s_in[None]).mean() + 0.5 * (s_out[:, None] == s_in[None]).mean()
    assert anomaly.roc_auc(s_in, s_out) == pytest.approx(pairs)


def test_confusion_at_a_threshold():
    c = anomaly.confusion_at([0.1, 0.4, 0.35, 0.8], [0.9, 0.6, 0.7, 0.3], 0.5)
    assert (c["tp"], c["fn"], c["fp"], c["tn"]) == (3, 1, 1, 3)
    assert c["precision"] == 0.75 and c["recall"] == 0.75 and c["false_positive_rate"] == 0.25
    assert anomaly.confusion_at([0.1], [0.2], 1.0)["precision"] is None


def test_threshold_at_percentile():
    s = np.arange(101.0)
    assert anomaly.threshold_at(s, 95) == 95.0


def test_ood_sets():
    imgs = np.zeros((5, 28, 28), np.float32)
    imgs[:, 2:10, 5] = 1
    assert anomaly.ood_images("noise", imgs, n=3).shape == (3, 28, 28)
    assert anomaly.ood_images("inverted", imgs)[0, 0, 0] == 1.0
    rot = anomaly.ood_images("rotated", imgs)
    assert rot[0, 22, 2] == 1 and rot[0, 5, 2] == 0  # column 5 became row 22
    other = np.ones((7, 28, 28))
    assert anomaly.ood_images("other", imgs, other, n=4).shape == (4, 28, 28)
    with pytest.raises(ValueError):
        anomaly.ood_images("other", imgs)
    with pytest.raises(ValueError):
        anomaly.ood_images("cats", imgs)


def test_pca_error_is_zero_inside_its_subspace():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(2, 784))
    data = rng.normal(size=(50, 2)) @ basis * 0.01 + 0.5
    pca = fit_pca(data, 2)
    assert anomaly.pca_errors(pca, data).max() < 1e-20
    assert anomaly.pca_errors(pca, rng.uniform(0, 1, (5, 784))).min() > 0.01


def test_model_scores_have_one_value_per_image():
    torch.manual_seed(0)
    vae = build_model(ModelConfig(kind="vae")).eval()
    ae = build_model(ModelConfig(kind="ae")).eval()
    x = np.random.default_rng(0).uniform(0, 1, (6, 28, 28)).astype(np.float32)
    e = anomaly.reconstruction_errors(ae, x)
    assert e.shape == (6,) and (e > 0).all()
    n1, n2 = anomaly.negative_elbo(vae, x), anomaly.negative_elbo(vae, x)
    assert n1.shape == (6,) and np.array_equal(n1, n2)  # seeded: the same score every time
    assert (n1 > 0).all()
    with pytest.raises(ValueError):
        anomaly.negative_elbo(ae, x)
    assert list(anomaly.worst([0.1, 0.9, 0.5], 2)) == [1, 2]
