"""The contract every registered model keeps, run over each kind and architecture."""
import pytest
import torch

from aeviz.config import ModelConfig, TrainConfig
from aeviz.models import LATENT_KINDS, MODEL_REGISTRY, Classifier, build_model


def _batch(n=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 28, 28, generator=g)


@pytest.mark.parametrize("arch", ["mlp", "conv"])
@pytest.mark.parametrize("kind", LATENT_KINDS)
def test_latent_model_contract(kind, arch):
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind=kind, arch=arch, latent_dim=2))
    x = _batch()
    z = model.encode(x)
    assert z.shape == (16, 2)
    x_hat = model.decode(z)
    assert x_hat.shape == (16, 1, 28, 28)
    assert float(x_hat.min()) >= 0 and float(x_hat.max()) <= 1
    assert model.sample(5).shape == (5, 1, 28, 28)  # decode of prior samples
    assert torch.isfinite(model.sample(5)).all()
    recon = "mse" if kind == "linear-ae" else "bce"
    terms = model.loss(x, x, recon=recon, beta=1.0)
    assert set(terms) == {"loss", "recon", "kl"}
    assert all(torch.isfinite(v) for v in terms.values())
    assert (float(terms["kl"]) > 0) == (kind == "vae")
    assert model.config["kind"] == kind and model.config["latent_dim"] == 2

    # A few optimiser steps on a fixed batch lower the loss.
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    first = None
    for _ in range(15):
        loss = model.loss(x, x, recon=recon, beta=1.0)["loss"]
        first = float(loss) if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    assert float(model.loss(x, x, recon=recon)["loss"]) < first


@pytest.mark.parametrize("latent_dim", [2, 3, 8])
def test_any_latent_dim_works(latent_dim):
    for kind in ("ae", "vae"):
        model = build_model(ModelConfig(kind=kind, latent_dim=latent_dim))
        assert model.encode(_batch(4)).shape == (4, latent_dim)
        assert model.sample(3).shape == (3, 1, 28, 28)


def test_vae_encodes_mean_and_samples_only_when_training():
    torch.manual_seed(0)
    vae = build_model(ModelConfig(kind="vae")).eval()
    x = _batch(8)
    mu, logvar = vae.encode_distribution(x)
    assert torch.equal(vae.encode(x), mu)
    assert torch.equal(vae(x)["z"], mu)  # eval: deterministic
    vae.train()
    assert not torch.equal(vae(x)["z"], mu)  # train: z = mu + sigma * eps


def test_ae_and_vae_share_the_decoder_and_encoder_body():
    ae = build_model(ModelConfig(kind="ae"))
    vae = build_model(ModelConfig(kind="vae"))
    dec = lambda m: [tuple(p.shape) for p in m.decoder.parameters()]  # noqa: E731
    assert dec(ae) == dec(vae)
    enc = [tuple(p.shape) for p in ae.encoder.parameters()]
    venc = [tuple(p.shape) for p in vae.encoder.parameters()]
    assert enc[:-2] == venc[:-2]  # same body; only the last layer doubles (mean and log-variance)
    assert venc[-1][0] == 2 * enc[-1][0]


def test_linear_ae_has_no_activations():
    model = build_model(ModelConfig(kind="linear-ae"))
    assert not any(isinstance(m, (torch.nn.ReLU, torch.nn.Sigmoid)) for m in model.modules())
    # Linear end to end: decode(a*z1 + b*z2) is the affine combination before the clamp.
    z = torch.randn(2, 2) * 0.01
    out = model.decode_logits(z)
    mid = model.decode_logits(z.mean(0, keepdim=True))
    assert torch.allclose(out.mean(0, keepdim=True), mid, atol=1e-5)


def test_classifier_and_registry():
    assert set(MODEL_REGISTRY) == {"ae", "vae", "linear-ae", "denoising-ae", "classifier"}
    clf = build_model(ModelConfig(kind="classifier"))
    assert isinstance(clf, Classifier)
    p = clf.predict_proba(_batch(4))
    assert p.shape == (4, 10) and torch.allclose(p.sum(1), torch.ones(4))


def test_unknown_settings_are_rejected_clearly():
    with pytest.raises(ValueError, match="unknown model kind 'gan'"):
        ModelConfig(kind="gan")
    with pytest.raises(ValueError, match="unknown architecture"):
        ModelConfig(arch="transformer")
    with pytest.raises(ValueError, match="unknown reconstruction loss"):
        TrainConfig(recon_loss="hinge")
    with pytest.raises(ValueError, match="learning rate"):
        TrainConfig(lr=0)
