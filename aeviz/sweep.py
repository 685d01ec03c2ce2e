"""Train the AE | VAE pair with several seeds, measure every map, ship the median seed.

A 2-D AE's map depends on its seed far more than a VAE's does, so one run proves little: the
sweep trains the pair alike with each seed, measures both maps (``aeviz.measures``), ships the
pair whose AE has the median empty area (not the most dramatic one), and writes the spread to
``<out>/<dataset>-seed-sweep.json`` for the explorer and the README.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from .analysis import encode_all
from .checkpoints import CARD, load_model, model_card, read_config
from .measures import measure_model

KINDS = ("ae", "vae")
# The measures the page shows a spread for, per kind.
SPREAD_KEYS = ("empty_area", "jumps", "stretch_ratio", "recon_mse", "knn5_accuracy")


def sweep_file(root: str | Path, dataset: str) -> Path:
    return Path(root) / f"{dataset}-seed-sweep.json"


def read_sweep(root: str | Path, dataset: str) -> dict | None:
    """The recorded sweep for ``dataset`` under the checkpoint root, or None (absent or unreadable)."""
    try:
        return json.loads(sweep_file(root, dataset).read_text())
    except (OSError, ValueError):
        return None


def measure_folder(folder: Path, dataset, classifier=None) -> dict:
    """Test metrics (as recorded at training) and map measures of one checkpoint folder."""
    model = load_model(folder).eval()
    images = dataset.images("test")
    measures = measure_model(model, encode_all(model, images), images[:, 0].numpy(), classifier)
    metrics = read_config(folder).get("metrics", {})
    return {**{k: metrics.get(k) for k in ("recon_mse", "knn5_accuracy", "latent_mean", "latent_std")},
            **{k: v for k, v in measures.to_dict().items() if k not in ("box",)}}


def _copy_atomically(src: Path, dst: Path) -> None:
    """Replace folder ``dst`` by a copy of ``src``: a reader sees the old pair or the new one."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{dst.name}-", dir=dst.parent))
    shutil.copytree(src, tmp, dirs_exist_ok=True)
    (tmp / CARD).write_text(model_card(dst.name, read_config(tmp)))  # the card names the shipped folder
    old = None
    if dst.exists():
        old = dst.with_name(f".{dst.name}-old-{os.getpid()}")
        dst.rename(old)
    tmp.rename(dst)
    if old is not None:
        shutil.rmtree(old)


def run_sweep(dataset, seeds: list[int], workdir: str | Path, out: str | Path,
              train_fn: Callable[[str, int, Path], None], classifier=None) -> dict:
    """Train (where ``workdir/<kind>-s<seed>`` is missing: a sweep can resume), measure, choose.

    ``train_fn(kind, seed, folder)`` trains one model and saves it into ``folder``."""
    workdir, out = Path(workdir), Path(out)
    workdir.mkdir(parents=True, exist_ok=True)
    runs = []
    for seed in seeds:
        row = {"seed": seed}
        for kind in KINDS:
            folder = workdir / f"{kind}-s{seed}"
            if not (folder / "model.safetensors").exists():
                train_fn(kind, seed, folder)
            row[kind] = measure_folder(folder, dataset, classifier)
        runs.append(row)
    order = sorted(runs, key=lambda r: r["ae"]["empty_area"])
    chosen = order[(len(order) - 1) // 2]["seed"]
    for kind in KINDS:
        _copy_atomically(workdir / f"{kind}-s{chosen}", out / f"{dataset.name}-{kind}")
    spread = {kind: {k: [float(np.min([r[kind][k] for r in runs])), float(np.max([r[kind][k] for r in runs]))]
                     for k in SPREAD_KEYS} for kind in KINDS}
    record = {"dataset": dataset.name, "data_source": dataset.source, "seeds": seeds, "chosen_seed": chosen,
              "chosen_by": "median empty area of the AE", "runs": runs, "spread": spread}
    target = sweep_file(out, dataset.name)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(tmp, target)
    return record
