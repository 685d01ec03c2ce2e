import math

import torch

import pytest
import torch.nn.functional as F

from aeviz.losses import bce_with_logits_terms, kl_to_standard_normal, reconstruction


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


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bce_matches_torch_in_value_and_gradient_even_for_saturated_logits(dtype):
    torch.manual_seed(1)
    logits = torch.cat([torch.randn(2, 1, 28, 28) * 4, torch.full((1, 1, 28, 28), 90.0),
                        torch.full((1, 1, 28, 28), -90.0)]).to(dtype)
    logits[0, 0, 0, :3] = torch.tensor([0.0, 1e-6, -1e-6], dtype=dtype)
    target = torch.rand(4, 1, 28, 28, dtype=dtype)
    target[2:] = torch.randint(0, 2, (2, 1, 28, 28)).to(dtype)
    ours_x, ref_x = logits.clone().requires_grad_(), logits.clone().requires_grad_()
    ours_t, ref_t = target.clone().requires_grad_(), target.clone().requires_grad_()
    ours = reconstruction(ours_x, ours_t, "bce")
    ref = F.binary_cross_entropy_with_logits(ref_x, ref_t, reduction="sum") / 4
    (ours * 1.7).backward()
    (ref * 1.7).backward()
    tol = 1e-6 if dtype == torch.float32 else 1e-12
    assert abs(ours.item() - ref.item()) <= tol * abs(ref.item())
    assert torch.allclose(ours_x.grad, ref_x.grad, rtol=1e-5, atol=1e-9)
    assert torch.allclose(ours_t.grad, ref_t.grad, rtol=1e-5, atol=1e-9)
    # Each term against torch's in float64 (torch's own float32 form loses digits to cancellation
    # where x < 0: (1 - t) x + |x|): within a few units in the last place of the input's precision.
    terms = bce_with_logits_terms(logits, target).double()
    exact = F.binary_cross_entropy_with_logits(logits.double(), target.double(), reduction="none")
    eps = 4 * torch.finfo(dtype).eps if dtype == torch.float32 else 1e-13
    assert torch.allclose(terms, exact, rtol=eps, atol=eps)


def test_bce_gradient_passes_gradcheck():
    torch.manual_seed(2)
    logits = (torch.randn(2, 1, 28, 28, dtype=torch.float64) * 3).requires_grad_()
    target = torch.rand(2, 1, 28, 28, dtype=torch.float64).requires_grad_()
    assert torch.autograd.gradcheck(lambda x, t: reconstruction(x, t, "bce"), (logits, target))
