"""The figures the README quotes for the lenses page, from the shipped checkpoints:

    AEVIZ_OFFLINE=1 python benchmarks/lenses_figures.py

Test pixel MSE of every lens checkpoint and of PCA with 2 components; principal angles between the
linear AE's decoder plane and PCA's; KL per latent dimension of the β-VAEs; where each bottleneck
AE's test loss stops improving. One JSON object on stdout."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aeviz import lenses  # noqa: E402
from aeviz.checkpoints import load_model, read_config  # noqa: E402
from aeviz.data import load_dataset  # noqa: E402

CKPT = ROOT / "checkpoints"
BOTTLENECK = {2: "mnist-ae", 4: "mnist-ae-d4", 8: "mnist-ae-d8", 16: "mnist-ae-d16", 32: "mnist-ae-d32"}
BETAS = {0: "mnist-vae-b0", 0.5: "mnist-vae-b0.5", 1: "mnist-vae", 4: "mnist-vae-b4", 16: "mnist-vae-b16"}
KINDS = ("mnist-ae", "mnist-sparse-ae", "mnist-contractive-ae", "mnist-denoising-ae", "mnist-vae", "mnist-linear-ae")


def main() -> None:
    ds = load_dataset("mnist", allow_download=False)
    test = ds.images("test")
    pca, pca_model = lenses.fit_pca_model(ds.images("train"), 2)
    out = {"pca_mse": round(float(lenses.per_image_mse(pca_model, test).mean()), 5)}
    mse = lambda name: round(float(lenses.per_image_mse(load_model(CKPT / name), test).mean()), 5)  # noqa: E731
    out["kinds_mse"] = {n: mse(n) for n in KINDS if (CKPT / n).is_dir()}
    if (CKPT / "mnist-linear-ae").is_dir():
        angles = lenses.subspace_angles(load_model(CKPT / "mnist-linear-ae"), pca)
        out["linear_ae_angles_deg"] = [round(float(a), 2) for a in angles]
    out["bottleneck"] = {}
    for d, n in BOTTLENECK.items():
        if not (CKPT / n).is_dir():
            continue
        h = lenses.history_curves(read_config(CKPT / n)["result"]["history"])
        stop = lenses.plateau_epoch(h["test"])
        out["bottleneck"][d] = {"checkpoint": n, "test_mse": mse(n), "test_loss_stops_at_epoch": stop,
                                "train_loss_drop_after": round(float(h["train"][stop - 1] - h["train"][-1]), 2),
                                "final_train_loss": round(float(h["train"][-1]), 2),
                                "final_test_loss": round(float(h["test"][-1]), 2)}
    out["beta"] = {}
    for b, n in BETAS.items():
        if not (CKPT / n).is_dir():
            continue
        kl = lenses.kl_per_dimension(load_model(CKPT / n), test)
        out["beta"][b] = {"checkpoint": n, "kl_per_dim": [round(float(v), 3) for v in kl],
                          "kl_total": round(float(kl.sum()), 3), "test_mse": mse(n),
                          "collapsed_dims": lenses.collapsed_dimensions(kl)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
