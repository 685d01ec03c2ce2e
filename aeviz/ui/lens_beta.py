"""Lens 4: β. A slider over the shipped β-VAEs switches the map, the decoded grid and the measures;
KL per latent dimension and reconstruction error; posterior collapse named where it happens."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from aeviz import plots
from aeviz.lenses import COLLAPSE_NATS
from aeviz.ui import lens_data as ld
from aeviz.ui import url_state
from aeviz.ui.lang import t
from aeviz.ui.lens_maps import small_map
from aeviz.ui.lens_measures import measures_table


def _kl_bars(kl) -> go.Figure:
    dims = [f"z{j + 1}" for j in range(len(kl))]
    colors = ["#bab0ac" if v < COLLAPSE_NATS else "#4e79a7" for v in kl]
    fig = go.Figure(go.Bar(x=dims, y=kl, marker_color=colors, text=[f"{v:.2f}" for v in kl],
                           textposition="outside", hovertemplate="%{x}: %{y:.3f} nats<extra></extra>"))
    fig.update_layout(height=260, font={"size": 14}, plot_bgcolor="white", margin={"l": 60, "r": 10, "t": 20, "b": 40},
                      yaxis={"title": t("lenses.beta.kl_axis"), "rangemode": "tozero"})
    return fig


def _table(present) -> None:
    rows = []
    for beta, name in present:
        d = ld.kl_and_error(name, ld.mtime(name))
        rows.append({t("lenses.beta.col_beta"): f"{beta:g}", t("lenses.beta.col_kl"): d["kl_total"],
                     t("lenses.beta.col_mse"): d["mse"],
                     t("lenses.beta.col_collapsed"): ", ".join(f"z{j + 1}" for j in d["collapsed"]) or "–"})
    # Fixed decimals per column: rounded floats lose their trailing zeros (0.0420 showed as 0.042
    # beside 0.0428), which reads as a coarser measurement.
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={t("lenses.beta.col_kl"): st.column_config.NumberColumn(format="%.3f"),
                                t("lenses.beta.col_mse"): st.column_config.NumberColumn(format="%.4f")})


def section() -> None:
    st.markdown(t("lenses.beta.intro"))
    present = [(b, name) for b, name in ld.BETAS if ld.available(name)]
    absent = [name for _, name in ld.BETAS if not ld.available(name)]
    if absent:
        st.warning(t("lenses.missing", names=", ".join(absent)))
    if not present:
        return
    betas = [b for b, _ in present]
    default = 1.0 if 1.0 in betas else betas[0]
    url_state.bind("beta", "lens_beta", float, choices=betas)
    with url_state.settings_container("lens_beta"):
        beta = st.select_slider(t("lenses.beta.slider"), options=betas, value=default, format_func=lambda v: f"{v:g}",
                                key="lens_beta", help=t("lenses.beta.slider_help"), persist_state="session")
    name = dict(present)[beta]
    mt = ld.mtime(name)
    d = ld.kl_and_error(name, mt)
    if beta == 0:
        st.info(t("lenses.beta.zero", sigma=d["sigma_median"], spread=d["mu_std"]))
    left, middle, right = st.columns([1.2, 1.2, 1])
    with left:
        st.markdown(f"**{t('lenses.beta.map_title', beta=beta)}** · `{name}`")
        small_map(name, key=f"lens_beta_map_{name}", height=360)
    with middle:
        st.markdown(f"**{t('lenses.beta.grid_title', n=ld.GRID_N)}**")
        g = ld.grid(name, mt)
        st.plotly_chart(plots.manifold_figure(g["tiled"], g["axis_range"], height=360), key=f"lens_beta_grid_{name}",
                        config={"displaylogo": False, "staticPlot": True}, theme=None)
    with right:
        st.metric(t("lenses.beta.kl_total"), f"{d['kl_total']:.2f}", help=t("lenses.beta.kl_total_help"))
        st.metric(t("lenses.test_mse"), f"{d['mse']:.4f}", help=t("lenses.mse_help"))
    with st.spinner(t("explorer.measuring")):
        found = ld.map_measures(name, mt)
    measures_table([(f"β = {beta:g}", found)], key="lens_beta_measures")
    st.markdown(f"#### {t('lenses.beta.kl_title')}")
    a, b = st.columns([1, 2])
    with a:
        st.plotly_chart(_kl_bars(d["kl"]), key=f"lens_beta_kl_{name}", config={"displaylogo": False}, theme=None)
        st.caption(t("lenses.beta.kl_caption", threshold=COLLAPSE_NATS))
    with b:
        if d["collapsed"]:
            dims = ", ".join(f"z{j + 1}" for j in d["collapsed"])
            st.warning(t("lenses.beta.collapse", dims=dims, beta=beta, threshold=COLLAPSE_NATS))
        else:
            st.markdown(t("lenses.beta.no_collapse", beta=beta, kls=", ".join(f"{v:.2f}" for v in d["kl"]),
                          threshold=COLLAPSE_NATS))
        _table(present)
        note = ld.seeds_note([n for _, n in present])
        if note:
            st.caption(note)
        first, last = ld.kl_and_error(present[0][1], ld.mtime(present[0][1])), ld.kl_and_error(present[-1][1], ld.mtime(present[-1][1]))
        st.markdown(t("lenses.beta.trend", b0=present[0][0], b1=present[-1][0], kl0=first["kl_total"],
                      kl1=last["kl_total"], m0=first["mse"], m1=last["mse"]))
