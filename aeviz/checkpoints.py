"""Checkpoint folders: ``model.safetensors`` (tensors only: loading runs no code) + ``config.json``
+ a ``README.md`` model card. Every write is atomic; every load validates before use and turns
any problem into an ``AevizError`` (a ValueError) that names it, with a code the app translates."""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from . import __version__
from .config import ModelConfig
from .errors import AevizError
from .models import MODEL_REGISTRY, build_model

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
CARD = "README.md"
FORMAT = "aeviz-checkpoint"
FORMAT_VERSION = 1
# A temporary file this old is the leftover of a process killed while saving (a live save takes
# seconds): the next save into the same folder removes it.
STALE_TEMP_S = 600.0


def _atomic_write(path: Path, write) -> None:
    """Write through a temp file in the same folder, then rename over the target:
    a reader never sees half a file, and a crash leaves the old file intact."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path, pattern: str = ".*.tmp", age_s: float = STALE_TEMP_S) -> None:
    """Delete what killed saves left behind in ``folder`` (hidden temp files older than ``age_s``)."""
    cutoff = time.time() - age_s
    for leftover in folder.glob(pattern):
        try:
            if leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        except OSError:
            pass  # another process removed it first, or it is not ours to remove


def save_checkpoint(model: torch.nn.Module, folder: str | Path, info: dict[str, Any] | None = None) -> Path:
    """Save ``model`` into ``folder`` (created if needed). ``info`` adds training settings,
    dataset, results and metrics to ``config.json``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        **model.spec.to_dict(),
        **(info or {}),
        "aeviz_version": __version__,
        "torch_version": torch.__version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    _atomic_write(folder / WEIGHTS, lambda p: save_file(tensors, p, metadata={"format": FORMAT}))
    _atomic_write(folder / CONFIG, lambda p: Path(p).write_text(json.dumps(config, indent=2) + "\n"))
    _atomic_write(folder / CARD, lambda p: Path(p).write_text(model_card(folder.name, config)))
    model.config = config
    return folder


def read_config(folder: str | Path) -> dict[str, Any]:
    folder = Path(folder)
    if not folder.is_dir():
        raise AevizError("errors.checkpoint.folder_missing", folder=str(folder))
    path = folder / CONFIG
    if not path.is_file():
        raise AevizError("errors.checkpoint.config_missing", path=str(path))
    try:
        config = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise AevizError("errors.checkpoint.config_unreadable", detail=str(e), path=str(path)) from None
    if not isinstance(config, dict):
        raise AevizError("errors.checkpoint.config_not_object", path=str(path))
    kind = config.get("kind")
    if kind not in MODEL_REGISTRY:
        raise AevizError("errors.checkpoint.unknown_kind", path=str(path), kind=repr(kind),
                         choices=", ".join(MODEL_REGISTRY))
    return config


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise AevizError("errors.checkpoint.weights_missing", path=str(path))
    try:
        return load_file(str(path))
    except Exception as e:  # noqa: BLE001 - safetensors raises its own error types for corrupt files
        raise AevizError("errors.checkpoint.weights_unreadable", detail=str(e), path=str(path)) from None


def validate_tensors(model: torch.nn.Module, tensors: dict[str, torch.Tensor], where: str) -> None:
    """Raise AevizError (a ValueError) unless ``tensors`` match the model's parameters exactly and are finite."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    if missing:
        raise AevizError("errors.checkpoint.missing_weights", where=where, names=", ".join(missing[:5]))
    if extra:
        raise AevizError("errors.checkpoint.unexpected_weights", where=where, names=", ".join(extra[:5]))
    for name, ref in expected.items():
        t = tensors[name]
        if t.shape != ref.shape:
            raise AevizError("errors.checkpoint.wrong_shape", where=where, name=name, shape=str(tuple(t.shape)),
                             expected=str(tuple(ref.shape)))
        if t.dtype != ref.dtype:
            raise AevizError("errors.checkpoint.wrong_dtype", where=where, name=name, dtype=str(t.dtype),
                             expected=str(ref.dtype))
        if t.is_floating_point() and not torch.isfinite(t).all():
            raise AevizError("errors.checkpoint.not_finite", where=where, name=name)


def load_model(folder: str | Path, device: str | torch.device = "cpu") -> torch.nn.Module:
    """The model saved in ``folder``, validated, in eval mode. ``model.config`` is its config.json."""
    folder = Path(folder)
    config = read_config(folder)
    try:
        spec = ModelConfig.from_dict(config)
    except (TypeError, ValueError) as e:
        raise AevizError("errors.checkpoint.invalid_settings", detail=str(e), path=str(folder / CONFIG)) from None
    model = build_model(spec)
    tensors = _read_tensors(folder / WEIGHTS)
    validate_tensors(model, tensors, str(folder / WEIGHTS))
    model.load_state_dict(tensors)
    model.config = config
    return model.to(device).eval()


def list_checkpoints(root: str | Path = "checkpoints") -> list[dict[str, Any]]:
    """Every checkpoint folder under ``root``: its config plus ``path`` and ``name``; folders whose
    config cannot be read are listed with an ``error`` so the UI can say why they are skipped."""
    root = Path(root)
    found = []
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            entry = read_config(folder)
        except ValueError as e:
            entry = {"error": str(e)}
            if isinstance(e, AevizError):  # so the app can say it in the reader's language
                entry.update(error_key=e.key, error_params=e.params)
        found.append({**entry, "path": str(folder), "name": folder.name})
    return found


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def model_card(name: str, config: dict[str, Any]) -> str:
    """A short human-readable card: what the model is and how it was made."""
    training = config.get("training", {})
    data = config.get("data", {})
    result = config.get("result", {})
    metrics = config.get("metrics", {})
    lines = [
        f"# {name}",
        "",
        f"A `{config.get('kind')}` ({config.get('arch')}, latent dimension {config.get('latent_dim')}) "
        f"trained by aeviz {config.get('aeviz_version', __version__)} on {config.get('dataset')}.",
        "",
        "## Data",
        f"- source: {data.get('source', '?')} ({data.get('location', '?')})",
        f"- {data.get('train_size', '?')} training images, {data.get('test_size', '?')} test images",
        "",
        "## Training",
    ]
    lines += [f"- {k}: {_fmt(v)}" for k, v in training.items()]
    if result:
        lines += ["", "## Result"]
        lines += [f"- {k}: {_fmt(v)}" for k, v in result.items() if k != "history"]
    if metrics:
        lines += ["", "## Test metrics (`python -m aeviz evaluate`)"]
        lines += [f"- {k}: {_fmt(v)}" for k, v in metrics.items()]
    lines += ["", f"Weights: `{WEIGHTS}` (safetensors, loads without running code). Settings: `{CONFIG}`.", ""]
    return "\n".join(lines)
