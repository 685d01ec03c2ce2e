"""The contract every registered model keeps, run over each kind and architecture."""
import pytest
import torch

from aeviz.config import DEFAULT_PENALTY, MODEL_KINDS, ModelConfig, TrainConfig
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
    x_hat = model.decode(z).detach()  # decode keeps the graph (training backpropagates through it)
    assert x_hat.shape == (16, 1, 28, 28)
    assert float(x_hat.min()) >= 0 and float(x_hat.max()) <= 1
    assert model.sample(5).shape == (5, 1, 28, 28)  # decode of prior samples
    assert torch.isfinite(model.sample(5)).all()
    recon = "mse" if kind == "linear-ae" else "bce"
    terms = {k: v.detach() for k, v in model.loss(x, x, recon=recon, beta=1.0).items()}
    assert set(terms) == {"loss", "recon", "kl", "penalty"}
    assert all(torch.isfinite(v) for v in terms.values())
    assert (float(terms["kl"]) > 0) == (kind == "vae")
    assert (float(terms["penalty"]) > 0) == (kind in ("sparse-ae", "contractive-ae"))
    expected = terms["recon"] + terms["kl"] + model.spec.penalty * terms["penalty"]
    assert torch.allclose(terms["loss"], expected)
    assert model.config["kind"] == kind and model.config["latent_dim"] == 2

    # A few optimiser steps on a fixed batch lower the loss.
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    first = None
    for _ in range(15):
        loss = model.loss(x, x, recon=recon, beta=1.0)["loss"]
        first = float(loss.detach()) if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    assert float(model.loss(x, x, recon=recon)["loss"].detach()) < first


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
    assert set(MODEL_REGISTRY) == {"ae", "vae", "linear-ae", "denoising-ae", "sparse-ae", "contractive-ae",
                                   "classifier"}
    assert set(MODEL_REGISTRY) == set(MODEL_KINDS)
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


def test_penalty_weight_defaults_per_kind_and_is_zero_elsewhere():
    assert ModelConfig(kind="sparse-ae").penalty == DEFAULT_PENALTY["sparse-ae"]
    assert ModelConfig(kind="contractive-ae", penalty=0.25).penalty == 0.25
    assert ModelConfig(kind="ae", penalty=3.0).penalty == 0.0  # a plain AE has no such term
    with pytest.raises(ValueError, match="penalty weight"):
        ModelConfig(kind="sparse-ae", penalty=-1)
    # A checkpoint written before the field existed still loads with the default.
    assert ModelConfig.from_dict({"kind": "sparse-ae"}).penalty == DEFAULT_PENALTY["sparse-ae"]


def _one_layer_encoder(kind, penalty=0.5):
    """hidden=() makes the MLP encoder one Linear layer z = W x + b, whose Jacobian is W."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind=kind, hidden=(), penalty=penalty))
    w = torch.linspace(-0.02, 0.03, 2 * 784).reshape(2, 784)
    with torch.no_grad():
        model.encoder[1][0].weight.copy_(w)
        model.encoder[1][0].bias.copy_(torch.tensor([0.5, -1.0]))
    return model, w


def test_sparse_penalty_is_the_mean_l1_norm_of_the_codes():
    model, w = _one_layer_encoder("sparse-ae")
    x = _batch(3)
    flat = x.reshape(3, 784)
    by_hand = sum(abs(float(flat[n] @ w[0]) + 0.5) + abs(float(flat[n] @ w[1]) - 1.0) for n in range(3)) / 3
    terms = {k: v.detach() for k, v in model.loss(x, x).items()}
    assert float(terms["penalty"]) == pytest.approx(by_hand, rel=1e-5)
    assert float(terms["loss"]) == pytest.approx(float(terms["recon"]) + 0.5 * by_hand, rel=1e-6)


def test_contractive_penalty_of_a_linear_encoder_is_the_squared_weight_norm():
    model, w = _one_layer_encoder("contractive-ae")
    x = _batch(4)
    by_hand = float((w.double() ** 2).sum())  # same for every image: J = W
    terms = {k: v.detach() for k, v in model.loss(x, x).items()}
    assert float(terms["penalty"]) == pytest.approx(by_hand, rel=1e-5)
    assert float(terms["loss"]) == pytest.approx(float(terms["recon"]) + 0.5 * by_hand, rel=1e-6)


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_contractive_penalty_matches_the_full_jacobian_of_a_relu_encoder(arch):
    torch.manual_seed(1)
    model = build_model(ModelConfig(kind="contractive-ae", arch=arch))
    x = _batch(3, seed=2)
    per_image = [torch.autograd.functional.jacobian(lambda v: model.encoder(v[None])[0], x[n]).pow(2).sum()
                 for n in range(3)]
    assert float(model.loss(x, x)["penalty"].detach()) == pytest.approx(float(sum(per_image) / 3), rel=1e-4)
    # Evaluated under no_grad (as the training loop's test pass does) it gives the same number.
    with torch.no_grad():
        assert float(model.loss(x, x)["penalty"].detach()) == pytest.approx(float(sum(per_image) / 3), rel=1e-4)


def test_contractive_penalty_is_trained():
    """The penalty's gradient reaches the weights: a few steps on the penalty alone shrink it."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="contractive-ae"))
    x = _batch(8)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = float(model.loss(x, x)["penalty"].detach())
    for _ in range(10):
        loss = model.loss(x, x)["penalty"]
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(model.loss(x, x)["penalty"].detach()) < 0.5 * first
