"""The studio's settings panel: widgets in, a validated ``JobSpec`` (or an error) out."""
from __future__ import annotations

import streamlit as st

from aeviz.config import DEFAULT_PENALTY, TrainConfig
from aeviz.data import DATASET_NAMES, TITLES
from aeviz.jobs import JobSpec
from aeviz.ui.lang import t

LR_CHOICES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_CHOICES = (32, 64, 128, 256, 512)
MODES = {"both": "AE and VAE side by side", "ae": "Only the autoencoder", "vae": "Only the VAE"}
AE_KINDS = {"ae": "Plain AE", "linear-ae": "Linear AE (no activations: PCA's subspace)",
            "denoising-ae": "Denoising AE (learns to remove noise)",
            "sparse-ae": "lenses.studio.sparse", "contractive-ae": "lenses.studio.contractive"}
PENALTY_CHOICES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RECON_NAMES = {"bce": "Binary cross-entropy", "mse": "Mean squared error", "l1": "L1 (absolute error)"}
DEFAULT_NOISE = 0.3


def settings_ui(disabled: bool) -> tuple[JobSpec | None, str | None]:
    """Draw the settings; return (spec, None) or (None, why the settings cannot be trained)."""
    left, middle, right = st.columns(3)
    with left:
        dataset = st.selectbox("Dataset", DATASET_NAMES, format_func=TITLES.get, key="studio_dataset",
                               disabled=disabled)
        mode = st.radio("Train", list(MODES), format_func=MODES.get, key="studio_mode", disabled=disabled,
                        help="Side by side, both models get exactly the same settings, data order and seed: "
                             "the only difference is the VAE's sampling and KL term.")
        ae_kind = "ae"
        noise = 0.0
        penalty = None
        if mode != "vae":
            ae_kind = st.selectbox("Autoencoder kind", list(AE_KINDS), key="studio_ae_kind", disabled=disabled,
                                   format_func=lambda k: t(AE_KINDS[k]) if AE_KINDS[k].startswith("lenses.") else AE_KINDS[k])
            if ae_kind in DEFAULT_PENALTY:
                penalty = st.select_slider(t(f"lenses.studio.weight.{ae_kind}"), PENALTY_CHOICES,
                                           value=DEFAULT_PENALTY[ae_kind], key=f"studio_penalty_{ae_kind}",
                                           disabled=disabled, help=t(f"lenses.studio.weight_help.{ae_kind}"))
            if ae_kind == "denoising-ae":
                noise = st.slider("Noise level (std of the added Gaussian noise)", 0.05, 1.0, DEFAULT_NOISE, 0.05,
                                  key="studio_noise", disabled=disabled)
    with middle:
        arch = st.radio("Architecture", ("mlp", "conv"), key="studio_arch", horizontal=True, disabled=disabled,
                        format_func={"mlp": "MLP (784→256→128→2)", "conv": "Convolutional"}.get)
        recon = st.selectbox("Reconstruction loss", list(RECON_NAMES), format_func=RECON_NAMES.get,
                             key="studio_recon", disabled=disabled)
        beta = 1.0
        if mode != "ae":
            beta = st.slider("β (weight of the VAE's KL term)", 0.0, 10.0, 1.0, 0.1, key="studio_beta",
                             disabled=disabled, help="0 turns the VAE into a noisy AE; larger packs the codes "
                                                     "tighter around the origin and blurs the images.")
        st.caption("Latent dimension: **2**, so every image is a point on a plane.")
    with right:
        epochs = st.slider("Epochs", 1, 50, 10, key="studio_epochs", disabled=disabled)
        batch = st.select_slider("Batch size", BATCH_CHOICES, value=128, key="studio_batch", disabled=disabled)
        lr = st.select_slider("Learning rate", LR_CHOICES, value=1e-3, format_func=lambda v: f"{v:g}",
                              key="studio_lr", disabled=disabled,
                              help="Adam's step size. Try 10 to see a training diverge.")
        seed = st.number_input("Seed", 0, 2**31 - 1, 0, step=1, key="studio_seed", disabled=disabled)
    kinds = {"both": (ae_kind, "vae"), "ae": (ae_kind,), "vae": ("vae",)}[mode]
    try:
        cfg = TrainConfig(epochs=int(epochs), batch_size=int(batch), lr=float(lr), beta=float(beta),
                          recon_loss=recon, noise_std=float(noise), seed=int(seed))
        return JobSpec(dataset, kinds=kinds, arch=arch, latent_dim=2, train=cfg, penalty=penalty), None
    except ValueError as e:
        return None, str(e)
