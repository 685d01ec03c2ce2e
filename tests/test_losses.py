import math

import torch

from aeviz.losses import kl_to_standard_normal, reconstruction


def test_kl_is_zero_at_the_prior_and_matches_the_closed_form():
    mu, logvar = torch.zeros(4, 2), torch.zeros(4, 2)
    assert float(kl_to_standard_normal(mu, logvar)) == 0.0
    # One dimension: KL(N(m, s^2) || N(0, 1)) = (s^2 + m^2 - 1)/2 - log s
    m, s = 1.5, 0.5
    expected = (s * s + m * m - 1) / 2 - math.log(s)
    got = kl_to_standard_normal(torch.tensor([[m]]), torch.tensor([[math.log(s * s)]]))
    assert abs(float(got) - expected) < 1e-6


def test_bce_on_logits_matches_the_textbook_formula_summed_over_pixels():
    torch.manual_seed(0)
    logits = torch.randn(3, 1, 28, 28)
    target = torch.rand(3, 1, 28, 28)
    p = torch.sigmoid(logits)
    manual = -(target * p.log() + (1 - target) * (1 - p).log()).sum() / 3
    assert torch.allclose(reconstruction(logits, target, "bce"), manual, rtol=1e-4)


def test_mse_and_l1_on_images():
    target = torch.zeros(2, 1, 28, 28)
    images = torch.full((2, 1, 28, 28), 0.5)
    assert float(reconstruction(images, target, "mse", output_is_logits=False)) == 784 * 0.25
    assert float(reconstruction(images, target, "l1", output_is_logits=False)) == 784 * 0.5
    # Logits of 0 are images of 0.5.
    assert float(reconstruction(torch.zeros(2, 1, 28, 28), target, "mse")) == 784 * 0.25
