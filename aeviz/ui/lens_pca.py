"""Lens 1: PCA beside the AE and the VAE, and the linear AE that finds PCA's plane."""
from __future__ import annotations

import streamlit as st

from aeviz.ui import lens_data as ld
from aeviz.ui.lang import t
from aeviz.ui.lens_maps import clickable_map, image_row

PANES = (("ae", "mnist-ae"), ("vae", "mnist-vae"))


def section() -> None:
    st.markdown(t("lenses.pca.intro"))
    missing = [name for _, name in PANES if not ld.available(name)]
    if missing:
        st.warning(t("lenses.missing", names=", ".join(missing)))
        return
    pca, pca_model = ld.pca()
    share = pca.explained_variance.sum() / ld.get_dataset(ld.DATASET).images("train").reshape(-1, 784).var(0).sum().item()
    cols = st.columns(3, gap="medium")
    for col, (slot, name) in zip(cols, PANES):
        with col:
            clickable_map(slot, name, t(f"lenses.pca.map_{slot}", name=name), ld.model(name))
    with cols[2]:
        clickable_map("pca", "pca", t("lenses.pca.map_pca"), pca_model, xlabel="PC1", ylabel="PC2")
    st.caption(t("lenses.pca.pca_caption", share=share))

    st.markdown(f"#### {t('lenses.pca.recon_title')}")
    rows = ld.shown_rows()
    originals = ld.test_images()[rows][:, 0].numpy()
    entries = [(t("lenses.original"), originals, None)]
    for _, name in PANES:
        entries.append((name, ld.shown_reconstructions(name, ld.mtime(name)), ld.errors(name, ld.mtime(name))["mse"]))
    entries.append((t("lenses.pca.pca_name"), ld.shown_reconstructions(None, 0.0), ld.pca_errors()["mse"]))
    for label, images, mse in entries:
        # Wide enough, on a 1024-px projector, for the error's four decimals at a metric's size and
        # for the longest label ("PCA, 2 thành phần").
        left, right = st.columns([2, 5], vertical_alignment="center")
        with left:
            if mse is None:
                st.markdown(f"**{label}**")
            else:
                st.metric(label, f"{mse:.4f}", help=t("lenses.mse_help"))
        with right:
            image_row(images)
    mses = {name: ld.errors(name, ld.mtime(name))["mse"] for _, name in PANES}
    pca_mse = ld.pca_errors()["mse"]
    best = min(mses, key=mses.get)
    st.markdown(t("lenses.pca.recon_sentence", best=best, best_mse=mses[best], pca_mse=pca_mse,
                  ratio=pca_mse / mses[best]))

    st.markdown(f"#### {t('lenses.pca.linear_title')}")
    if not ld.available("mnist-linear-ae"):
        st.info(t("lenses.missing", names="mnist-linear-ae"))
        return
    d = ld.linear_vs_pca(ld.mtime("mnist-linear-ae"))
    # At their own widths in a wrapping row: in four columns of a 1024-px page the labels were cut.
    with st.container(horizontal=True, wrap=True, gap="medium", key="lens_pca_linear_metrics"):
        st.metric(t("lenses.pca.angle1"), f"{d['angles'][0]:.1f}°", help=t("lenses.pca.angle_help"), width="content")
        st.metric(t("lenses.pca.angle2"), f"{d['angles'][1]:.1f}°", help=t("lenses.pca.angle_help"), width="content")
        st.metric(t("lenses.pca.linear_mse"), f"{d['linear_mse']:.4f}", help=t("lenses.mse_help"), width="content")
        st.metric(t("lenses.pca.pca_mse"), f"{d['pca_mse']:.4f}", help=t("lenses.pca.pca_mse_help"), width="content")
    close = d["angles"].max() < 10 and abs(d["linear_mse"] - d["pca_mse"]) < 0.05 * d["pca_mse"]
    key = "lenses.pca.linear_close" if close else "lenses.pca.linear_far"
    text = t(key, a1=d["angles"][0], a2=d["angles"][1], lin=d["linear_mse"], pca=d["pca_mse"])
    bend = "lenses.pca.bend_lower" if mses["mnist-ae"] < min(d["linear_mse"], d["pca_mse"]) else "lenses.pca.bend_not"
    st.markdown(text + " " + t(bend, ae=mses["mnist-ae"]))
    epochs = (ld.config("mnist-linear-ae").get("result") or {}).get("epochs", "?")
    st.caption(t("lenses.pca.linear_caption", epochs=epochs))
