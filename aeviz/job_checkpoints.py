"""Saving what the studio trained as checkpoint folders the Explorer lists at once.

The rules for a folder name, the ``info`` written beside the weights (the structure
``python -m aeviz train`` writes, marked with ``ORIGIN``), and a save that never replaces a
checkpoint the studio did not write and never shows a reader half a folder. ``aeviz.jobs.Job.save``
is the usual way in; no threads and no Streamlit here.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import torch

from .config import TrainConfig
from .data import Dataset
from .training import TrainResult

ORIGIN = "training-studio"  # written into every checkpoint the studio saves
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


def checkpoint_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a checkpoint folder name, as a code ("empty", "pattern", "dots"), or
    None if it can. Pages translate the code; ``checkpoint_name_error`` gives the English sentence."""
    if not name:
        return "empty"
    if not NAME_RE.match(name):
        return "pattern"
    if ".." in name:
        return "dots"
    return None


def checkpoint_name_error(name: str) -> str | None:
    """Why ``name`` cannot be a checkpoint folder name, or None if it can."""
    return {None: None, "empty": "Give the checkpoint a name.",
            "pattern": ("Use 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit "
                        f"(got {name!r})."),
            "dots": "A name may not contain '..'."}[checkpoint_name_problem(name)]


def existing_checkpoint_origin(folder: Path) -> str | None:
    """None if ``folder`` does not exist; else the ``origin`` in its config ("" if it has none)."""
    if not folder.exists():
        return None
    from .checkpoints import read_config

    try:
        return str(read_config(folder).get("origin", ""))
    except ValueError:
        return ""


def checkpoint_info(kind: str, result: TrainResult | None, training: TrainConfig, dataset: Dataset,
                    metrics: dict | None = None) -> dict:
    """The ``info`` of ``save_checkpoint`` for a studio training of ``kind`` that returned ``result``
    (None: it has not returned), with the structure ``python -m aeviz train`` writes."""
    if result is None:
        raise ValueError(f"the {kind} training has not returned yet")
    summary = {
        "status": result.status, "message": result.message,
        "epochs": result.epochs_done, "seconds": round(result.seconds, 3),
        "samples_per_second": round(result.samples_per_second, 1), "device": result.device,
        "train_loss": result.train_loss, "test_loss": result.test_loss,
    }
    return {"training": training.to_dict(), "data": dataset.to_dict(),
            "result": {**summary, "history": result.history}, "metrics": metrics or {},
            "origin": ORIGIN}


def save_trained(kind: str, model: torch.nn.Module | None, result: TrainResult | None, training: TrainConfig,
                 dataset: Dataset, root: str | Path, name: str, overwrite: bool = False) -> Path:
    """Evaluate the trained ``kind`` on ``dataset`` and write it as checkpoint folder ``root/name``
    (see ``save_new_checkpoint``). ``model`` is None when the training failed or was abandoned."""
    from .analysis import evaluate

    if model is None:
        raise ValueError(f"no trained {kind} to save (the run failed or was abandoned)")
    info = checkpoint_info(kind, result, training, dataset, evaluate(model, dataset))
    return save_new_checkpoint(model, root, name, info, overwrite=overwrite)


def save_new_checkpoint(model: torch.nn.Module, root: str | Path, name: str, info: dict,
                        overwrite: bool = False) -> Path:
    """Save into ``root/name`` without ever replacing a checkpoint the studio did not write.

    A new folder is written under a hidden temporary name and renamed into place, so a reader
    (the Explorer listing ``root``) never sees half of one. ``overwrite`` replaces an earlier
    studio checkpoint of the same name; a shipped one is never replaced.
    """
    from .checkpoints import remove_stale_temporaries, save_checkpoint

    error = checkpoint_name_error(name)
    if error:
        raise ValueError(error)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    origin = existing_checkpoint_origin(target)
    if origin is not None:
        if origin != ORIGIN:
            raise ValueError(f"'{name}' already exists and was not made by the training studio: choose another name.")
        if not overwrite:
            raise ValueError(f"'{name}' already exists: choose another name or allow overwriting.")
        save_checkpoint(model, target, info)  # file by file, each write atomic
        return target
    remove_stale_temporaries(root, ".saving-*")  # staging folders of saves killed half-way
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".saving-"))
    try:
        save_checkpoint(model, staging / name, info)
        os.rename(staging / name, target)  # fails rather than merge if someone took the name meanwhile
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
