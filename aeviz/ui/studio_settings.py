"""The studio's settings panel: widgets in, a validated ``JobSpec`` (or an error) out."""
from __future__ import annotations

import streamlit as st

from aeviz.config import DEFAULT_PENALTY, TrainConfig
from aeviz.data import DATASET_NAMES, TITLES
from aeviz.jobs import JobSpec
from aeviz.ui.lang import t, translator

LR_CHOICES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_CHOICES = (32, 64, 128, 256, 512)
MODES = ("both", "ae", "vae")
# kind -> catalogue key of its name
AE_KINDS = {"ae": "studio.form.kind_ae", "linear-ae": "studio.form.kind_linear",
            "denoising-ae": "studio.form.kind_denoising",
            "sparse-ae": "lenses.studio.sparse", "contractive-ae": "lenses.studio.contractive"}
PENALTY_CHOICES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RECON_NAMES = ("bce", "mse", "l1")
ARCHS = ("mlp", "conv")
DEFAULT_NOISE = 0.3
# Widget keys the teacher link carries (aeviz/ui/url_state.py): URL name -> (key, type).
URL_SETTINGS = {"s_data": ("studio_dataset", str), "s_mode": ("studio_mode", str),
                "s_kind": ("studio_ae_kind", str), "s_noise": ("studio_noise", float),
                "s_arch": ("studio_arch", str), "s_loss": ("studio_recon", str),
                "s_beta": ("studio_beta", float), "s_epochs": ("studio_epochs", int),
                "s_batch": ("studio_batch", int), "s_lr": ("studio_lr", float), "s_seed": ("studio_seed", int)}
# The values a URL may set (anything else is ignored): the widgets' own choices and ranges.
URL_CHOICES = {"studio_dataset": DATASET_NAMES, "studio_mode": MODES, "studio_ae_kind": tuple(AE_KINDS),
               "studio_arch": ARCHS, "studio_recon": RECON_NAMES, "studio_batch": BATCH_CHOICES,
               "studio_lr": LR_CHOICES}
URL_RANGES = {"studio_noise": (0.05, 1.0), "studio_beta": (0.0, 10.0), "studio_epochs": (1, 50),
              "studio_seed": (0, 2**31 - 1)}


def settings_ui(disabled: bool) -> tuple[JobSpec | None, str | None]:
    """Draw the settings; return (spec, None) or (None, why the settings cannot be trained)."""
    tr = translator()  # format_func callbacks may run outside the script run
    left, middle, right = st.columns(3)
    with left:
        dataset = st.selectbox(t("studio.form.dataset"), DATASET_NAMES, format_func=TITLES.get,
                               key="studio_dataset", disabled=disabled, persist_state="session")
        mode = st.radio(t("studio.form.train"), MODES, format_func=lambda m: tr(f"studio.form.mode_{m}"),
                        key="studio_mode", disabled=disabled, help=t("studio.form.train_help"),
                        persist_state="session")
        ae_kind = "ae"
        noise = 0.0
        penalty = None
        if mode != "vae":
            ae_kind = st.selectbox(t("studio.form.ae_kind"), list(AE_KINDS),
                                   format_func=lambda k: tr(AE_KINDS[k]),
                                   key="studio_ae_kind", disabled=disabled, persist_state="session")
            if ae_kind in DEFAULT_PENALTY:
                penalty = st.select_slider(t(f"lenses.studio.weight.{ae_kind}"), PENALTY_CHOICES,
                                           value=DEFAULT_PENALTY[ae_kind], key=f"studio_penalty_{ae_kind}",
                                           disabled=disabled, help=t(f"lenses.studio.weight_help.{ae_kind}"),
                                           persist_state="session")
            if ae_kind == "denoising-ae":
                noise = st.slider(t("studio.form.noise"), 0.05, 1.0, DEFAULT_NOISE, 0.05,
                                  key="studio_noise", disabled=disabled, persist_state="session")
    with middle:
        arch = st.radio(t("studio.form.arch"), ARCHS, key="studio_arch", horizontal=True, disabled=disabled,
                        format_func=lambda a: tr(f"studio.form.arch_{a}"), persist_state="session")
        recon = st.selectbox(t("studio.form.recon"), RECON_NAMES, format_func=lambda r: tr(f"studio.form.recon_{r}"),
                             key="studio_recon", disabled=disabled, persist_state="session")
        beta = 1.0
        if mode != "ae":
            beta = st.slider(t("studio.form.beta"), 0.0, 10.0, 1.0, 0.1, key="studio_beta",
                             disabled=disabled, help=t("studio.form.beta_help"), persist_state="session")
        st.caption(t("studio.form.latent"))
    with right:
        epochs = st.slider(t("studio.form.epochs"), 1, 50, 10, key="studio_epochs", disabled=disabled,
                           persist_state="session")
        batch = st.select_slider(t("studio.form.batch"), BATCH_CHOICES, value=128, key="studio_batch",
                                 disabled=disabled, persist_state="session")
        lr = st.select_slider(t("studio.form.lr"), LR_CHOICES, value=1e-3, format_func=lambda v: f"{v:g}",
                              key="studio_lr", disabled=disabled, help=t("studio.form.lr_help"),
                              persist_state="session")
        seed = st.number_input(t("studio.form.seed"), 0, 2**31 - 1, 0, step=1, key="studio_seed",
                               disabled=disabled, persist_state="session")
    kinds = {"both": (ae_kind, "vae"), "ae": (ae_kind,), "vae": ("vae",)}[mode]
    if "linear-ae" in kinds and recon == "bce":  # the one rule JobSpec enforces that a student can hit
        return None, t("studio.linear_bce")
    try:
        cfg = TrainConfig(epochs=int(epochs), batch_size=int(batch), lr=float(lr), beta=float(beta),
                          recon_loss=recon, noise_std=float(noise), seed=int(seed))
        return JobSpec(dataset, kinds=kinds, arch=arch, latent_dim=2, train=cfg, penalty=penalty), None
    except ValueError as e:
        return None, t("studio.settings_error", error=e)
