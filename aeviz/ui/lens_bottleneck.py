"""Lens 3: the bottleneck trade-off. Test error against latent size, the same digits through each,
maps of larger latents drawn by their 2-D PCA, and train vs test error per epoch."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from aeviz.lenses import plateau_epoch
from aeviz.ui import lens_data as ld
from aeviz.ui.lang import t
from aeviz.ui.lens_maps import image_row, small_map

FONT = {"size": 14}


def _error_curve(sizes: list[int], mses: list[float], pca_mse: float | None) -> go.Figure:
    fig = go.Figure(go.Scatter(x=sizes, y=mses, mode="lines+markers", name=t("lenses.bottleneck.ae_line"),
                               line={"width": 3, "color": "#4e79a7"}, marker={"size": 9},
                               hovertemplate="d=%{x}<br>MSE=%{y:.4f}<extra></extra>"))
    if pca_mse is not None:
        fig.add_trace(go.Scatter(x=[2], y=[pca_mse], mode="markers", name=t("lenses.bottleneck.pca_point"),
                                 marker={"size": 11, "symbol": "diamond", "color": "#e15759"}))
    fig.update_layout(height=340, font=FONT, plot_bgcolor="white", margin={"l": 60, "r": 10, "t": 30, "b": 50},
                      xaxis={"title": t("lenses.bottleneck.x_title"), "type": "log", "tickvals": sizes,
                             "ticktext": [str(s) for s in sizes]},
                      yaxis={"title": t("lenses.bottleneck.y_title"), "rangemode": "tozero"},
                      legend={"orientation": "h", "y": 1.12})
    return fig


def _history_figure(curves: dict[int, dict]) -> go.Figure:
    fig = go.Figure()
    palette = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759")
    for (size, h), color in zip(curves.items(), palette):
        fig.add_trace(go.Scatter(x=h["epoch"], y=h["train"], mode="lines", name=t("lenses.bottleneck.train", d=size),
                                 line={"color": color, "width": 2, "dash": "dot"}))
        fig.add_trace(go.Scatter(x=h["epoch"], y=h["test"], mode="lines", name=t("lenses.bottleneck.test", d=size),
                                 line={"color": color, "width": 3}))
    fig.update_layout(height=380, font=FONT, plot_bgcolor="white", margin={"l": 60, "r": 10, "t": 30, "b": 50},
                      xaxis={"title": t("lenses.bottleneck.epoch")}, yaxis={"title": t("lenses.bottleneck.bce")})
    return fig


def section() -> None:
    st.markdown(t("lenses.bottleneck.intro"))
    present = [(d, name) for d, name in ld.BOTTLENECK if ld.available(name)]
    absent = [name for d, name in ld.BOTTLENECK if not ld.available(name)]
    if absent:
        st.warning(t("lenses.missing", names=", ".join(absent)))
    if not present:
        return
    sizes = [d for d, _ in present]
    mses = [ld.errors(name, ld.mtime(name))["mse"] for _, name in present]
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(_error_curve(sizes, mses, ld.pca_errors()["mse"]), key="lens_bottleneck_curve",
                        config={"displaylogo": False}, theme=None)
    with right:
        for d, mse in zip(sizes, mses):
            st.metric(t("lenses.bottleneck.metric", d=d), f"{mse:.4f}", help=t("lenses.mse_help"))
    narrow = {d: min(ld.config(name).get("hidden") or [d]) for d, name in present}
    capped = [d for d, w in narrow.items() if d > w]
    if capped:
        st.info(t("lenses.bottleneck.capped", dims=", ".join(str(d) for d in capped), width=narrow[capped[0]]))
    note = ld.seeds_note([name for _, name in present])
    if note:
        st.caption(note)
    if len(mses) >= 2:
        first, last = mses[0], mses[-1]
        gains = np.diff(mses)
        st.markdown(t("lenses.bottleneck.sentence", d0=sizes[0], d1=sizes[-1], m0=first, m1=last,
                      ratio=first / last, dlast=sizes[-2], glast=gains[-1], gfirst=gains[0], dsecond=sizes[1]))

    st.markdown(f"#### {t('lenses.bottleneck.digits_title')}")
    rows = ld.shown_rows()
    st.markdown(f"**{t('lenses.original')}**")
    image_row(ld.test_images()[rows][:, 0].numpy())
    for d, name in present:
        st.markdown(f"**d = {d}** · `{name}`")
        image_row(ld.shown_reconstructions(name, ld.mtime(name)))

    st.markdown(f"#### {t('lenses.bottleneck.maps_title')}")
    st.markdown(t("lenses.bottleneck.maps_intro"))
    cols = st.columns(len(present))
    for col, (d, name) in zip(cols, present):
        with col:
            c = ld.codes(name, ld.mtime(name))
            if c["how"] == "pca":
                small_map(name, key=f"lens_bottleneck_map_{d}", height=240, xlabel="PC1", ylabel="PC2")
                st.caption(t("lenses.bottleneck.pca_label", d=d, share=float(c["share"].sum())))
            else:
                small_map(name, key=f"lens_bottleneck_map_{d}", height=240)
                st.caption(t("lenses.bottleneck.as_is_label", d=d))

    st.markdown(f"#### {t('lenses.bottleneck.history_title')}")
    curves = {d: h for d, name in present if (h := ld.history(name, ld.mtime(name))) is not None}
    if not curves:
        st.info(t("lenses.bottleneck.no_history"))
        return
    st.plotly_chart(_history_figure(curves), key="lens_bottleneck_history", config={"displaylogo": False}, theme=None)
    lines = []
    for d, h in curves.items():
        stop = plateau_epoch(h["test"])
        later = h["train"][stop - 1] - h["train"][-1]
        lines.append(t("lenses.bottleneck.history_line", d=d, stop=stop, epochs=int(h["epoch"][-1]),
                       test_best=float(h["test"].min()), test_last=float(h["test"][-1]),
                       train_drop=float(later), train_last=float(h["train"][-1]),
                       gap=float(h["test"][-1] - h["train"][-1])))
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("lenses.bottleneck.history_caption"))
