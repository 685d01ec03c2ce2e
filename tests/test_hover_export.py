"""The decoder blob the hover preview sends to the browser (aeviz/decoder_export.py): its layer
list must mirror the torch decoder exactly, for every latent kind with an MLP decoder and for
every shipped checkpoint; conv decoders are refused (the page falls back to clicks)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from aeviz.checkpoints import list_checkpoints, load_model
from aeviz.config import ModelConfig
from aeviz.decoder_export import UnsupportedDecoder, export_decoder, read_export, reference_decode
from aeviz.models import LATENT_KINDS, build_model

from conftest import CHECKPOINTS

SHIPPED_MLP = [c["path"] for c in list_checkpoints(CHECKPOINTS)
               if "error" not in c and c.get("kind") != "classifier" and c.get("arch") == "mlp"]


def torch_decode(model, z: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return model.decode(torch.from_numpy(z.astype(np.float32))).reshape(len(z), -1).numpy()


@pytest.mark.parametrize("kind", LATENT_KINDS)
@pytest.mark.parametrize("hidden", [(256, 128), (64,)])
def test_reference_forward_matches_torch(kind, hidden):
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind=kind, hidden=hidden)).eval()
    header, weights = read_export(export_decoder(model, {"preview": "hover_ae"}))
    z = np.random.default_rng(0).normal(0, 3, (100, 2))
    assert header["output"] == ("clamp" if kind == "linear-ae" else "sigmoid")
    assert header["meta"] == {"preview": "hover_ae"}
    assert np.abs(reference_decode(header, weights, z) - torch_decode(model, z)).max() < 1e-5


def test_layer_list_follows_the_sequential():
    model = build_model(ModelConfig(kind="ae", hidden=(256, 128)))
    header, weights = read_export(export_decoder(model))
    ops = [(layer["op"], layer.get("in"), layer.get("out")) for layer in header["layers"]]
    assert ops == [("linear", 2, 128), ("relu", None, None), ("linear", 128, 256), ("relu", None, None),
                   ("linear", 256, 784)]
    first = header["layers"][0]
    # torch's (out, in) row-major weight, then the bias, as raw float32
    np.testing.assert_array_equal(weights[:256].reshape(128, 2), model.decoder[0][0].weight.detach().numpy())
    np.testing.assert_array_equal(weights[first["bias"]:first["bias"] + 128], model.decoder[0][0].bias.detach().numpy())
    linear = build_model(ModelConfig(kind="linear-ae", hidden=(64,)))
    assert [layer["op"] for layer in read_export(export_decoder(linear))[0]["layers"]] == ["linear", "linear"]


def test_blob_is_aligned_and_fingerprinted():
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="vae"))
    blob = export_decoder(model)
    n = int.from_bytes(blob[4:8], "little")
    assert (8 + n) % 4 == 0 and blob == export_decoder(model)
    with torch.no_grad():
        model.decoder[0][0].bias.add_(1.0)
    assert read_export(export_decoder(model))[0]["fingerprint"] != read_export(blob)[0]["fingerprint"]
    with pytest.raises(ValueError):
        read_export(b"nope" + blob[4:])


def test_conv_decoder_is_refused():
    with pytest.raises(UnsupportedDecoder, match="ConvTranspose2d"):
        export_decoder(build_model(ModelConfig(kind="ae", arch="conv")))


@pytest.mark.parametrize("path", SHIPPED_MLP)
def test_shipped_decoders_export_exactly(path):
    model = load_model(path)
    header, weights = read_export(export_decoder(model))
    z = np.random.default_rng(1).uniform(-6, 6, (100, model.latent_dim))
    assert np.abs(reference_decode(header, weights, z) - torch_decode(model, z)).max() < 1e-5


def test_some_decoder_is_shipped():
    assert SHIPPED_MLP, "no shipped MLP checkpoint: the hover preview would have nothing to run"
