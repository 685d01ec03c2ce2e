"""Lens 2: the kinds of autoencoder side by side, same widths and data, with the explorer's
measures for each; every map opens in the explorer in one click."""
from __future__ import annotations

import streamlit as st

from aeviz.ui import lens_data as ld
from aeviz.ui.lang import t
from aeviz.ui.lens_maps import small_map
from aeviz.ui.lens_measures import measures_table

PER_ROW = 3


def explorer_link(name: str, kind: str) -> str:
    """The explorer's URL with this checkpoint in the pane of its family (AE left, VAE right)."""
    slot = "vae" if kind == "vae" else "ae"
    return f"explorer?dataset={ld.DATASET}&ckpt_{slot}={name}"


def _card(name: str, kind: str) -> None:
    # The map first and its name under it, as a figure's caption: a name above it that wrapped in
    # a narrow card ("Undercomplete (plain) AE", "mnist-contractive-ae") dropped that map below the
    # others in its row, and the row is there to compare them.
    title = f"**{t(f'lenses.kinds.name.{kind}')}** · `{name}`"
    with st.container(border=True, key=f"lens_kind_{kind}"):
        if not ld.available(name):
            st.markdown(title)
            st.info(t("lenses.missing", names=name))
            return
        small_map(name, key=f"lens_small_{kind}")
        st.markdown(title)
        cfg = ld.config(name)
        st.caption(t(f"lenses.kinds.how.{kind}", penalty=cfg.get("penalty") or 0.0,
                     noise=(cfg.get("training") or {}).get("noise_std", 0.0)))
        st.caption(ld.training_line(name))
        st.link_button(t("lenses.open_explorer"), explorer_link(name, kind), icon=":material/open_in_new:")


def section() -> None:
    st.markdown(t("lenses.kinds.intro"))
    kinds = ld.KINDS
    for start in range(0, len(kinds), PER_ROW):
        cols = st.columns(PER_ROW)
        for col, (name, kind) in zip(cols, kinds[start:start + PER_ROW]):
            with col:
                _card(name, kind)
    shown = [(name, kind) for name, kind in kinds if ld.available(name)]
    if not shown:
        return
    st.markdown(f"#### {t('lenses.kinds.measures_title')}")
    with st.spinner(t("explorer.measuring")):
        found = [(t(f"kinds.short.{kind}"), ld.kind_measures(name, ld.mtime(name))) for name, kind in shown]
    extra = [(t("lenses.test_mse"), t("lenses.mse_help"), t("lenses.kinds.mse_meaning"),
              [f"{m['mse']:.4f}" for _, m in found]),
             (t("lenses.kinds.knn"), t("lenses.kinds.knn_help"), t("lenses.kinds.knn_meaning"),
              ["–" if m["knn"] is None else f"{m['knn']:.1%}" for _, m in found])]
    measures_table([(label, m["measures"]) for label, m in found], key="lens_kinds_measures", extra=extra)
    st.caption(t("lenses.kinds.footing"))
    if len(found) >= 2:
        st.markdown("\n".join(f"- {line}" for line in _extremes(found)))


def _extremes(found: list[tuple[str, dict]]) -> list[str]:
    """For a few numbers: which kind has the lowest and which the highest, with both values."""
    rows = (("lenses.test_mse", lambda m: m["mse"], "{:.4f}"),
            ("measures.empty.name", lambda m: m["measures"].empty_area, "{:.0%}"),
            ("measures.jumps.name", lambda m: m["measures"].jumps, "{:.3f}"),
            ("measures.stretch.name", lambda m: m["measures"].stretch_ratio, "{:.0f}×"))
    lines = []
    for key, get, fmt in rows:
        values = [(label, get(m)) for label, m in found if get(m) is not None]
        if len(values) < 2:
            continue
        low, high = min(values, key=lambda v: v[1]), max(values, key=lambda v: v[1])
        lines.append(t("lenses.kinds.extreme", measure=t(key), low=low[0], lv=fmt.format(low[1]),
                       high=high[0], hv=fmt.format(high[1])))
    return lines
