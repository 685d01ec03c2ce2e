"""A decoder as bytes a browser can run: a JSON description of the layer sequence plus the raw
float32 weights, packed into one blob. No Streamlit here; ``aeviz/ui/web/hover.js`` reads the blob.

Blob layout (all little-endian)::

    b"AEVZ"  uint32 header_len  header (UTF-8 JSON, space-padded to a multiple of 4)  float32 weights

The header names every layer in order, with offsets (in float32 elements, from the start of the
weights) of each Linear's weight (out, in), row-major as torch stores it, and bias (out,):

    {"format": "aeviz-decoder", "version": 1, "fingerprint": "…", "latent_dim": 2,
     "layers": [{"op": "linear", "in": 2, "out": 128, "weight": 0, "bias": 256}, {"op": "relu"}, …],
     "output": "sigmoid" | "clamp", "image": [1, 28, 28], "meta": {…}}

Only decoders that are a flat sequence of Linear layers, element-wise activations and reshapes
are exported (the MLP decoders); anything else, e.g. a ConvTranspose2d, raises
:class:`UnsupportedDecoder` so the page can fall back to the click path and say why.
"""
from __future__ import annotations

import hashlib
import json
import struct
from typing import Any

import numpy as np
import torch
from torch import nn

from aeviz.errors import AevizError

MAGIC = b"AEVZ"
FORMAT = "aeviz-decoder"
VERSION = 1


class UnsupportedDecoder(AevizError):
    """The decoder holds a layer the browser's forward pass does not implement (``key`` under
    ``common.hover.unsupported``, so the page says which in the reader's language)."""


def _flat_modules(module: nn.Module) -> list[nn.Module]:
    """The leaf modules of nested ``nn.Sequential`` containers, in execution order."""
    if isinstance(module, nn.Sequential):
        return [leaf for child in module for leaf in _flat_modules(child)]
    return [module]


def describe_decoder(model: nn.Module) -> tuple[list[dict[str, Any]], list[np.ndarray]]:
    """The layer list of ``model.decoder`` and the float32 arrays it refers to (in order).

    Reshapes (Flatten, Unflatten) are dropped: on one flat vector per sample they do not move any
    value, so the browser can ignore them. Raises UnsupportedDecoder for any other layer kind."""
    layers: list[dict[str, Any]] = []
    arrays: list[np.ndarray] = []
    offset = 0
    width = int(model.latent_dim)
    for m in _flat_modules(model.decoder):
        if isinstance(m, nn.Linear):
            if m.in_features != width:
                raise UnsupportedDecoder("common.hover.unsupported.linear_width", inputs=m.in_features, width=width)
            w = m.weight.detach().to("cpu", torch.float32).contiguous().numpy().reshape(-1)
            b = (m.bias.detach().to("cpu", torch.float32).numpy() if m.bias is not None
                 else np.zeros(m.out_features, np.float32))
            layers.append({"op": "linear", "in": m.in_features, "out": m.out_features,
                           "weight": offset, "bias": offset + w.size})
            arrays += [w, b]
            offset += w.size + b.size
            width = m.out_features
        elif isinstance(m, nn.ReLU):
            layers.append({"op": "relu"})
        elif isinstance(m, nn.LeakyReLU):
            layers.append({"op": "leaky_relu", "slope": float(m.negative_slope)})
        elif isinstance(m, nn.Sigmoid):
            layers.append({"op": "sigmoid"})
        elif isinstance(m, nn.Tanh):
            layers.append({"op": "tanh"})
        elif isinstance(m, (nn.Flatten, nn.Unflatten, nn.Identity)):
            continue
        else:
            raise UnsupportedDecoder("common.hover.unsupported.layer", layer=type(m).__name__)
    if width != 28 * 28:
        raise UnsupportedDecoder("common.hover.unsupported.output", width=width)
    return layers, arrays


def export_decoder(model: nn.Module, meta: dict[str, Any] | None = None) -> bytes:
    """``model``'s decoder packed as described in the module docstring. ``meta`` (small, JSON)
    travels in the header for the page's own use. The ``fingerprint`` is a hash of the layer list
    and weights: the browser re-reads the weights only when it changes."""
    layers, arrays = describe_decoder(model)
    weights = np.concatenate(arrays).astype("<f4", copy=False).tobytes() if arrays else b""
    digest = hashlib.sha256(json.dumps(layers).encode() + weights).hexdigest()[:16]
    header = {
        "format": FORMAT,
        "version": VERSION,
        "fingerprint": digest,
        "latent_dim": int(model.latent_dim),
        "layers": layers,
        # LatentModel.decode: sigmoid of the logits, or a clamp to [0, 1] for the linear AE.
        "output": "sigmoid" if getattr(model, "output_is_logits", True) else "clamp",
        "image": [1, 28, 28],
        "num_weights": len(weights) // 4,
        "meta": meta or {},
    }
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)  # keeps the weights 4-byte aligned inside the blob
    return MAGIC + struct.pack("<I", len(text)) + text + weights


def read_export(blob: bytes) -> tuple[dict[str, Any], np.ndarray]:
    """The header and the float32 weights of a blob made by :func:`export_decoder`."""
    if blob[:4] != MAGIC:
        raise ValueError("not an aeviz decoder blob")
    (n,) = struct.unpack("<I", blob[4:8])
    header = json.loads(blob[8:8 + n])
    weights = np.frombuffer(blob, dtype="<f4", offset=8 + n)
    if header.get("format") != FORMAT or weights.size != header["num_weights"]:
        raise ValueError("corrupt aeviz decoder blob")
    return header, weights


def reference_decode(header: dict[str, Any], weights: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The forward pass ``hover.js`` runs, in NumPy (float64): (N, latent) -> (N, 784) in [0, 1].
    Tests compare it with torch so a wrong header shows up without a browser."""
    x = np.asarray(z, np.float64).reshape(len(z), -1)
    for layer in header["layers"]:
        op = layer["op"]
        if op == "linear":
            i, o = layer["in"], layer["out"]
            w = weights[layer["weight"]:layer["weight"] + i * o].reshape(o, i)
            x = x @ w.T.astype(np.float64) + weights[layer["bias"]:layer["bias"] + o]
        elif op == "relu":
            x = np.maximum(x, 0)
        elif op == "leaky_relu":
            x = np.where(x > 0, x, x * layer["slope"])
        elif op == "sigmoid":
            x = 1 / (1 + np.exp(-x))
        elif op == "tanh":
            x = np.tanh(x)
        else:
            raise ValueError(f"unknown op {op}")
    return 1 / (1 + np.exp(-x)) if header["output"] == "sigmoid" else np.clip(x, 0, 1)
