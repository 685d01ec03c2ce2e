"""``python -m aeviz anomaly``: the README's anomaly figures as one JSON line."""
from __future__ import annotations

import json

from aeviz.__main__ import main


def test_anomaly_prints_the_aucs_as_one_json_line(capsys):
    assert main(["anomaly", "--dataset", "mnist"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["dataset"] == "mnist" and out["other"] == "fashion-mnist" and out["test_size"] == 2000
    assert set(out["auc"]) == {"other", "noise", "rotated", "inverted"}
    assert set(out["auc"]["other"]) == {"ae", "vae", "pca", "vae_elbo"}
    assert all(v == 1.0 for v in out["auc"]["noise"].values())  # noise is nothing like a digit
    assert all(0.7 < v <= 1.0 for v in out["auc"]["other"].values())


def test_unknown_dataset_is_one_error_line(capsys):
    assert main(["anomaly", "--dataset", "cifar"]) == 2
    assert capsys.readouterr().err.startswith("error: unknown dataset 'cifar'")
