"""The map measures on constructed cases whose answers are known, and the sentences they write."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from aeviz import measures as m


def ring(n=3000, seed=0):
    a = np.random.default_rng(seed).uniform(0, 2 * np.pi, n)
    return np.stack([np.cos(a), np.sin(a)], 1).astype(np.float32)


def disk(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    r, a = np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
    return np.stack([r * np.cos(a), r * np.sin(a)], 1).astype(np.float32)


def test_empty_area_of_a_ring_and_a_filled_disk():
    ring_empty, disk_empty = m.empty_area(ring()), m.empty_area(disk())
    assert ring_empty > 0.5  # the inside of the ring (and the box's corners) are empty
    assert disk_empty < 0.15  # only the box's corners outside the disk
    assert disk_empty < ring_empty


def test_empty_area_is_scale_free():
    codes = ring()
    assert m.empty_area(codes * 30) == pytest.approx(m.empty_area(codes), abs=1e-9)


def test_central_box_holds_the_central_share():
    codes = np.random.default_rng(1).normal(size=(10000, 2))
    x0, x1, y0, y1 = m.central_box(codes, 0.98)
    inside = (codes[:, 0] >= x0) & (codes[:, 0] <= x1)
    assert inside.mean() == pytest.approx(0.98, abs=0.005)


def linear_decoder(z):
    z = np.asarray(z, dtype=np.float32)
    return np.repeat(z[:, :1] * 0.1 + 0.5, 784, axis=1).reshape(-1, 28, 28)


def step_decoder(z):
    z = np.asarray(z, dtype=np.float32)
    return np.repeat((z[:, :1] > 0).astype(np.float32), 784, axis=1).reshape(-1, 28, 28)


def test_jumps_of_a_linear_and_a_step_decoder():
    codes = disk()
    assert m.path_jumps(linear_decoder, codes) == pytest.approx(1 / 19, rel=1e-3)
    assert m.path_jumps(step_decoder, codes) == pytest.approx(1.0)


def test_steep_steps_of_a_step_and_a_linear_grid():
    grid = m.box_grid((-1, 1, -1, 1), 16).reshape(-1, 2)
    steep = m.steep_steps(step_decoder(grid).reshape(16, 16, 28, 28), worst=0.02)
    smooth = m.steep_steps(linear_decoder(grid).reshape(16, 16, 28, 28), worst=0.02)
    assert steep == pytest.approx(1.0) and smooth == pytest.approx(0.2 / 16, rel=1e-3)


def test_decoder_stretch_even_for_linear_ridged_for_steep():
    grid = m.box_grid((-1, 1, -1, 1), 24)
    w = torch.randn(2, 784)
    linear = m.decoder_stretch(lambda z: z @ w, grid)
    assert m.stretch_ratio(linear) == pytest.approx(1.0, rel=1e-4)
    # A sigmoid cliff along z1 = 0 and a gentle slope in z2: the stretch peaks on the cliff.
    cliff = m.decoder_stretch(lambda z: torch.cat([torch.sigmoid(40 * z[:, :1]), 0.1 * z[:, 1:]], 1), grid)
    assert m.stretch_ratio(cliff) > 5
    assert float(cliff[:, 11:13].mean()) > 10 * float(cliff[:, :3].mean())


def test_decoder_stretch_uses_the_code_scale():
    # Measured per unit code std: a decoder over a 10x wider map, with codes 10x wider, is the same.
    grid = m.box_grid((-1, 1, -1, 1), 8)
    base = m.decoder_stretch(lambda z: torch.sin(z) , grid)
    wide = m.decoder_stretch(lambda z: torch.sin(z / 10), grid * 10, scale=(10.0, 10.0))
    assert np.allclose(base, wide, rtol=1e-4)


def test_realism_of_copies_and_of_strangers():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(500, 8))
    assert m.realism(real[:100], real) == 1.0
    assert m.realism(real[:100] + 100, real) == 0.0


def measures(**changes):
    base = m.MapMeasures(empty_area=0.5, jumps=0.11, steep_steps=0.03, stretch_ratio=30.0, realism_uniform=0.8,
                         realism_sampled=0.7, sampled_from="fitted", box=(-1, 1, -1, 1), spacing=0.1)
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_sentences_follow_the_numbers(lang):
    ae, vae = measures(), measures(empty_area=0.23, jumps=0.08, stretch_ratio=8.0, sampled_from="prior")
    said = m.comparison_sentences(lang, "AE", ae, "VAE", vae)
    assert "50 %" in said[0] and "23 %" in said[0]
    assert said[0].index("AE") < said[0].index("VAE")  # the emptier map is named first
    # A surprise: this AE is no emptier. The sentence must say so, not repeat the textbook.
    same = m.comparison_sentences(lang, "AE", measures(empty_area=0.25), "VAE", vae)
    assert same[0] != said[0] and "25 %" in same[0] and "23 %" in same[0]
    # And the other way round: the right-hand map is the emptier one.
    flipped = m.comparison_sentences(lang, "AE", measures(empty_area=0.1), "VAE", measures(empty_area=0.6))
    assert flipped[0].index("VAE") < flipped[0].index("AE")
    assert len({tuple(said), tuple(same), tuple(flipped)}) == 3


def test_sentences_on_jumps_and_stretch_change_with_values():
    a = m.comparison_sentences("en", "AE", measures(), "VAE", measures(jumps=0.08, stretch_ratio=8.0))
    b = m.comparison_sentences("en", "AE", measures(), "VAE", measures())
    assert "0.110" in a[1] and "0.080" in a[1] and "jumps" in a[1]
    assert "about as evenly" in b[1] and "about as unevenly" in b[2]
    assert "30×" in a[2] and "8×" in a[2]


def _cfg(kind, **training):
    base = {"epochs": 100, "batch_size": 128, "lr": 0.001, "weight_decay": 0.0, "recon_loss": "bce",
            "noise_std": 0.0, "seed": 0}
    return {"kind": kind, "arch": "mlp", "hidden": [128, 64, 12], "latent_dim": 2,
            "data": {"source": "bundled-sample"}, "training": {**base, **training}}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_pair_sentences_say_whether_a_pair_was_trained_alike(lang):
    alike = m.pair_sentences(lang, "AE", _cfg("ae"), "VAE", _cfg("vae", beta=1.0))
    assert len(alike) == 2 and "784 → 128 → 64 → 12 → 2" in alike[0]
    denoising = m.pair_sentences(lang, "AE", _cfg("ae", noise_std=0.2, weight_decay=1e-5), "VAE", _cfg("vae"))
    assert len(denoising) == 2 and "0.2" in denoising[1]
    assert denoising[0] != alike[0]


def test_seed_sentences_follow_the_spread():
    def run(ae, vae):
        return {"ae": {"empty_area": ae}, "vae": {"empty_area": vae}}
    varied = m.seed_sentences("en", {"runs": [run(0.37, 0.23), run(0.69, 0.25), run(0.5, 0.24)], "chosen_seed": 2})
    assert "37 %" in varied[0] and "69 %" in varied[0] and "seed 2" in varied[0]
    assert "AE's map changes shape" in varied[1]
    steady = m.seed_sentences("en", {"runs": [run(0.50, 0.20), run(0.52, 0.30)], "chosen_seed": 0})
    assert "similar amount" in steady[1]
    assert "one seed only" in m.seed_sentences("en", {"runs": [run(0.5, 0.2)]})[0]
