"""The anomaly figures the README quotes: AUC of every score, held-out test images against each
out-of-distribution set. ``python -m aeviz anomaly --dataset mnist`` prints them as one JSON line."""
from __future__ import annotations

import sys
from pathlib import Path

from . import anomaly
from .checkpoints import load_model
from .data import DATASET_NAMES, load_dataset

ROOT = Path(__file__).resolve().parents[1]


def other_dataset(name: str) -> str:
    return next(d for d in DATASET_NAMES if d != name)


def anomaly_report(dataset: str, ae_path: str | None = None, vae_path: str | None = None,
                   allow_download: bool = False) -> dict:
    if dataset not in DATASET_NAMES:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASET_NAMES)}")
    ae_path = ae_path or str(ROOT / "checkpoints" / f"{dataset}-ae")
    vae_path = vae_path or str(ROOT / "checkpoints" / f"{dataset}-vae")
    ae, vae = load_model(ae_path).eval(), load_model(vae_path).eval()
    ds = load_dataset(dataset, allow_download=allow_download)
    other = load_dataset(other_dataset(dataset), allow_download=allow_download)
    print(f"data: {ds.describe()}; out of distribution: {other.describe()}", file=sys.stderr)
    test = ds.images("test")[:, 0].numpy()
    pca = anomaly.fit_baseline_pca(ds.images("train")[:, 0].numpy())
    scores_in = anomaly.score_all(ae, vae, pca, test)
    other_test = other.images("test")[:, 0].numpy()
    aucs = {}
    for kind in anomaly.OOD_KINDS:
        ood = anomaly.ood_images(kind, test, other_test, n=len(test))
        aucs[kind] = anomaly.auc_table(scores_in, anomaly.score_all(ae, vae, pca, ood))
    return {"dataset": dataset, "data_source": ds.source, "test_size": len(test),
            "ae": ae_path, "vae": vae_path, "other": other.name, "other_source": other.source,
            "auc": aucs}
