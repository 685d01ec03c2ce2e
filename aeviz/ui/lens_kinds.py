"""Lens 2: the kinds of autoencoder side by side, same widths and data, with the explorer's
measures for each; every map opens in the explorer in one click."""
from __future__ import annotations

import streamlit as st

from aeviz.ui import lens_data as ld
from aeviz.ui.lang import t
from aeviz.ui.lens_maps import small_map

PER_ROW = 3


def explorer_link(name: str, kind: str) -> str:
    """The explorer's URL with this checkpoint in the pane of its family (AE left, VAE right)."""
    slot = "vae" if kind == "vae" else "ae"
    return f"explorer?dataset={ld.DATASET}&ckpt_{slot}={name}"


def _card(name: str, kind: str) -> None:
    with st.container(border=True, key=f"lens_kind_{kind}"):
        st.markdown(f"**{t(f'lenses.kinds.name.{kind}')}** · `{name}`")
        if not ld.available(name):
            st.info(t("lenses.missing", names=name))
            return
        small_map(name, key=f"lens_small_{kind}")
        cfg = ld.config(name)
        st.caption(t(f"lenses.kinds.how.{kind}", penalty=cfg.get("penalty") or 0.0,
                     noise=(cfg.get("training") or {}).get("noise_std", 0.0)))
        st.caption(ld.training_line(name))
        m = ld.kind_measures(name, ld.mtime(name))
        numbers = [(t("lenses.test_mse"), f"{m['mse']:.4f}", t("lenses.mse_help")),
                   (t("lenses.kinds.knn"), f"{m['knn']:.1%}" if m["knn"] is not None else "–",
                    t("lenses.kinds.knn_help")), *m["measures"]]
        for start in range(0, len(numbers), 2):
            for col, (label, value, helptext) in zip(st.columns(2), numbers[start:start + 2]):
                col.metric(label, value, help=helptext)
        st.link_button(t("lenses.open_explorer"), explorer_link(name, kind), icon=":material/open_in_new:")


def section() -> None:
    st.markdown(t("lenses.kinds.intro"))
    kinds = ld.KINDS
    for start in range(0, len(kinds), PER_ROW):
        cols = st.columns(PER_ROW)
        for col, (name, kind) in zip(cols, kinds[start:start + PER_ROW]):
            with col:
                _card(name, kind)
    st.caption(t("lenses.kinds.footing"))
