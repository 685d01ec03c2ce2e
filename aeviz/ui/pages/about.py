""""What is an autoencoder?": the lesson's reading version. Every step of the lesson
(``lesson.STEPS``) on one page, with its formulas, a small live picture made by the shipped MNIST
pair where one helps, and links into the views. Sentences that compare the two models are either
definitions (in the catalogue) or written from numbers measured on the loaded checkpoints."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st
import torch

from aeviz.analysis import decode_all, encode_all, interpolate, prior_samples
from aeviz.ui.lang import current_language, t
from aeviz.ui.nav import link
from aeviz.ui.pages.lesson import STEPS, show_step
from aeviz.ui.state import checkpoint_root, get_dataset, get_model
from aeviz.ui.studio_plots import reconstruction_strip
from aeviz.ui.texts import error_text

N_MINI = 8


def shipped_pair(dataset: str = "mnist") -> dict[str, Path] | None:
    """The shipped ``<dataset>-ae`` / ``<dataset>-vae`` folders, or None if either is missing."""
    root = checkpoint_root()
    pair = {k: root / f"{dataset}-{k}" for k in ("ae", "vae")}
    return pair if all((p / "model.safetensors").exists() for p in pair.values()) else None


def _test_images(n: int = N_MINI) -> np.ndarray:
    ds = get_dataset("mnist")
    labels = ds.labels("test").numpy()
    rows = [int(np.flatnonzero(labels == d)[0]) for d in range(n)]  # one of each digit 0..n-1
    return ds.images("test")[torch.as_tensor(rows)][:, 0].numpy()


def _models(pair):
    return {k: get_model(p) for k, p in pair.items()}


def _mini_reconstructions(models) -> np.ndarray:
    x = _test_images()
    xt = torch.as_tensor(x[:, None])
    rows = [decode_all(m, encode_all(m, xt)) for m in models.values()]
    return reconstruction_strip(x, rows)


def _mini_samples(models) -> np.ndarray:
    z = prior_samples(N_MINI, seed=0)
    rows = [decode_all(m, z) for m in models.values()]
    return reconstruction_strip(rows[0], rows[1:])


def _mini_line(models) -> np.ndarray:
    """From the code of a 1 to the code of a 7 through each plane, decoded."""
    x = torch.as_tensor(_test_images()[:, None])
    rows = []
    for m in models.values():
        codes = encode_all(m, x)
        rows.append(decode_all(m, interpolate(codes[1], codes[7], N_MINI)))
    return reconstruction_strip(rows[0], rows[1:])


def _models_text() -> str:
    return t("about.models_and", a="AE", b="VAE")


def _miniature(step_id: str, models) -> None:
    if models is None:
        return
    make = {"parts": (_mini_reconstructions, "about.mini_recon"), "vae": (_mini_reconstructions, "about.mini_recon"),
            "gaps": (_mini_line, "about.mini_line"), "sampling": (_mini_samples, "about.mini_samples")}.get(step_id)
    if make is None:
        return
    fn, caption = make
    with torch.inference_mode():
        image = fn(models)
    st.image(image, caption=t(caption, models=_models_text()), alt=t(f"{caption}_alt"), output_format="PNG")


def measured_comparison() -> None:
    """The sentences that compare the shipped MNIST AE and VAE, written from numbers measured on
    them (``aeviz.measures``): the Explorer's own measurement of the same checkpoints on the same
    test images (``explorer_data.map_measures``, cached per process, so a visit to the Explorer, the
    landing page, has usually made it already)."""
    from aeviz import measures
    from aeviz.checkpoints import read_config
    from aeviz.ui import explorer_data as data

    entries = {e["name"]: e for e in data.list_entries("mnist")}
    if not {"mnist-ae", "mnist-vae"} <= set(entries):
        return
    panes = {s: data.pane_for(s, entries[f"mnist-{s}"]) for s in ("ae", "vae")}
    cls = data.classifier_path("mnist")
    try:
        with st.spinner(t("about.measuring")):
            found = {s: data.map_measures(p.path, p.mtime, "mnist", data._mtime(cls) if cls else 0.0)
                     for s, p in panes.items()}
    except ValueError as e:  # an unreadable checkpoint: no comparison rather than a wrong one
        st.warning(t("about.unreadable", error=error_text(e)))
        return
    lang = current_language()
    said = measures.comparison_sentences(lang, "AE", found["ae"], "VAE", found["vae"])
    said += measures.pair_sentences(lang, "AE", read_config(panes["ae"].path), "VAE", read_config(panes["vae"].path))
    with st.container(border=True, key="about_measured"):
        st.markdown(f"**{t('lesson.measured_title')}**")
        st.markdown("\n".join(f"- {s}" for s in said))


def page() -> None:
    st.title(t("about.title"))
    st.caption(t("about.intro"))
    st.markdown(t("about.uses"))
    link("lesson", t("app.nav.lesson"), icon=":material/school:")
    pair = shipped_pair()
    models = None
    if pair is not None:
        try:
            models = _models(pair)
        except ValueError as e:  # an unreadable shipped checkpoint: the lesson's text still stands
            st.warning(t("about.unreadable", error=error_text(e)))
    if models is None:
        st.info(t("about.no_models"))
    for i, step in enumerate(STEPS, start=1):
        st.divider()
        def extra(step=step) -> None:
            _miniature(step.id, models)
            if step.id == "measures" and models is not None:
                measured_comparison()

        show_step(i, extra)
