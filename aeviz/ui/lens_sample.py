"""Lens 5: one input is a distribution. The VAE's μ and σ ellipses for one test image, "resample ε"
draws z = μ + σ·ε and decodes it, several draws in a row beside the AE's one deterministic code."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from aeviz import lenses, plots
from aeviz.ui import lens_data as ld
from aeviz.ui import url_state
from aeviz.ui.explorer_data import img_tag, test_subset
from aeviz.ui.lang import t
from aeviz.ui.layout import beside_or_below
from aeviz.ui.lens_maps import image_row

VAE, AE = "mnist-vae", "mnist-ae"
ROW_SAMPLES = 6
ROW_KEY, DRAW_KEY = "lens_sample_row", "lens_sample_draw"
# The map and the panel beside it (aeviz/ui/layout.py): side by side on a page ~860 px wide (a
# 1400-px screen beside the sidebar), the panel under the map on a 1024-px projector.
MAP_PX, PANEL_PX = (520, 760), (320, 320)
CHART_CONFIG = {"displaylogo": False, "scrollZoom": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def zoom_range(mu: np.ndarray, sigma: np.ndarray, axis_range) -> tuple[float, float, float, float]:
    """A square window on μ wide enough for the 2σ ring and the draws (5σ each side), and at
    least a twentieth of the map, so a tiny σ is still drawn in context."""
    x0, x1, y0, y1 = axis_range
    half = max(5 * float(np.max(sigma)), 0.05 * max(x1 - x0, y1 - y0))
    return float(mu[0] - half), float(mu[0] + half), float(mu[1] - half), float(mu[1] + half)


def _figure(mu: np.ndarray, sigma: np.ndarray, z: np.ndarray, row_z: np.ndarray, zoom: bool) -> go.Figure:
    c = ld.codes(VAE, ld.mtime(VAE))
    sub = test_subset(ld.DATASET)
    axis_range = zoom_range(mu, sigma, c["axis_range"]) if zoom else c["axis_range"]
    fig = plots.latent_scatter(c["xy"], sub["labels"], sub["class_names"], axis_range,
                               height=760 if url_state.presenting() else 520,
                               marker_size=7 if zoom else 4)
    fig.update_traces(marker={"opacity": 0.35})
    fig.update_layout(legend_title_text=t("studio.plots.legend"))
    for k, dash in ((1, "solid"), (2, "dash")):
        ring = lenses.ellipse(mu, sigma, k)
        fig.add_trace(go.Scatter(x=ring[:, 0], y=ring[:, 1], mode="lines", name=t("lenses.sample.ring", k=k),
                                 line={"color": "#111111", "width": 2, "dash": dash}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=row_z[:, 0], y=row_z[:, 1], mode="markers", name=t("lenses.sample.row_points"),
                             marker={"size": 8, "color": "#ffffff", "line": {"color": "#111111", "width": 1.5}},
                             hovertemplate="z=(%{x:.2f}, %{y:.2f})<extra></extra>"))
    fig.add_trace(go.Scatter(x=[mu[0]], y=[mu[1]], mode="markers", name="μ",
                             marker={"size": 12, "symbol": "x", "color": "#111111"}))
    fig.add_trace(go.Scatter(x=[z[0]], y=[z[1]], mode="markers", name=t("lenses.sample.z_point"),
                             marker={"size": 15, "symbol": "star", "color": "#d62728", "line": {"color": "#111", "width": 1}}))
    if zoom:  # one unit on z1 as long as one on z2, so the rings keep their true shape
        fig.update_layout(yaxis={"scaleanchor": "x", "scaleratio": 1})
    fig.update_layout(font={"size": 14}, clickmode="event+select", dragmode="pan",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": {"text": ""}})
    return fig


def _pick_row(n: int) -> None:
    """The map's selection callback: a click on a test image's point makes it the input."""
    event = st.session_state.get("lens_sample_map") or {}
    points = (event.get("selection") or {}).get("points") or []
    for p in points:
        cd = p.get("customdata")
        if cd is not None:
            st.session_state[ROW_KEY] = int(cd[0] if isinstance(cd, (list, tuple)) else cd)
            st.session_state[DRAW_KEY] = 0
            return


def _resample() -> None:
    st.session_state[DRAW_KEY] = st.session_state.get(DRAW_KEY, 0) + 1


def section() -> None:
    st.markdown(t("lenses.sample.intro"))
    missing = [n for n in (VAE, AE) if not ld.available(n)]
    if missing:
        st.warning(t("lenses.missing", names=", ".join(missing)))
        return
    sub = test_subset(ld.DATASET)
    n = len(sub["labels"])
    # The test image and the zoom in the URL (teacher links); the draw number is not: a link names
    # the input, and each visitor draws their own samples.
    with url_state.batched():
        url_state.bind("row", ROW_KEY, int, bounds=(0, n - 1))
        url_state.bind("zoom", "lens_sample_zoom", bool)
    st.session_state.setdefault(ROW_KEY, int(ld.shown_rows()[3]))
    st.session_state.setdefault(DRAW_KEY, 0)
    url_state.hide_in_presentation(ROW_KEY, "lens_sample_zoom")
    # One wrapping row at the controls' own widths: in four columns a 1024-px page cut the button's
    # label short.
    with st.container(horizontal=True, wrap=True, vertical_alignment="bottom", gap="medium"):
        st.number_input(t("lenses.sample.row"), 0, n - 1, step=1, key=ROW_KEY, help=t("lenses.sample.row_help"),
                        on_change=lambda: st.session_state.__setitem__(DRAW_KEY, 0), persist_state="session",
                        width=160)
        st.button(t("lenses.sample.resample"), key="lens_resample", on_click=_resample, icon=":material/casino:",
                  type="primary", width="content")
        zoom = st.toggle(t("lenses.sample.zoom"), value=True, key="lens_sample_zoom", width="content",
                         help=t("lenses.sample.zoom_help"), persist_state="session")
        row, draw = int(st.session_state[ROW_KEY]), int(st.session_state[DRAW_KEY])
        st.caption(t("lenses.sample.draw_no", draw=draw + 1), width="content")

    image = ld.test_images()[row:row + 1]
    vae = ld.model(VAE)
    mu, sigma = (a[0] for a in lenses.posterior(vae, image))
    # Draw number k uses seed (row, k): the same draw comes back for the same image and count.
    eps, z = lenses.draw_samples(mu, sigma, 1, seed=row * 100_003 + draw)
    eps, z = eps[0], z[0]
    _, row_z = lenses.draw_samples(mu, sigma, ROW_SAMPLES, seed=row * 100_003 + 50_000 + draw)
    with torch.inference_mode():
        decoded = vae.decode(torch.tensor(np.vstack([z, row_z]), dtype=torch.float32))[:, 0].numpy()
        ae = ld.model(AE)
        ae_z = ae.encode(image)[0].numpy()
        ae_recon = ae.decode(ae.encode(image))[0, 0].numpy()

    left, right = beside_or_below("lens_sample_panes", MAP_PX, PANEL_PX)
    with left:
        st.plotly_chart(_figure(mu, sigma, z, row_z, zoom), key="lens_sample_map", on_select=lambda: _pick_row(n),
                        selection_mode="points", config=CHART_CONFIG, theme=None)
        x0, x1, _, _ = ld.codes(VAE, ld.mtime(VAE))["axis_range"]
        st.caption(t("lenses.sample.map_caption") + " " + t("lenses.sample.scale", sigma=float(np.max(sigma)),
                                                               span=x1 - x0, ratio=(x1 - x0) / max(float(np.max(sigma)), 1e-9)))
    with right:
        label = sub["class_names"][int(sub["labels"][row])]
        st.markdown(t("lenses.sample.input", row=row, label=label))
        st.html(f'<div style="display:flex;gap:12px"><div style="width:110px">{img_tag(image[0, 0].numpy(), title=t("lenses.original"))}'
                f'<div style="text-align:center;font-size:0.85rem">{t("lenses.original")}</div></div>'
                f'<div style="width:110px" class="aeviz-sample-image">{img_tag(decoded[0], title=t("lenses.sample.decoded"))}'
                f'<div style="text-align:center;font-size:0.85rem">{t("lenses.sample.decoded")}</div></div></div>')
        # One term a line: on one line the box cut it after σ at 1366 px, and what was left on
        # screen, μ + σ = z, was false.
        formula = (f"z = μ + σ·ε\n  = ({mu[0]:.3f}, {mu[1]:.3f})\n  + ({sigma[0]:.3f}, {sigma[1]:.3f})"
                   f"·({eps[0]:+.2f}, {eps[1]:+.2f})\n  = ({z[0]:.3f}, {z[1]:.3f})")
        with st.container(key="lens_sample_formula"):
            st.code(formula, language=None, wrap_lines=True)
        a, b = st.columns(2)
        a.metric("σ₁", f"{sigma[0]:.3f}", help=t("lenses.sample.sigma_help"))
        b.metric("σ₂", f"{sigma[1]:.3f}", help=t("lenses.sample.sigma_help"))
        st.caption(t("lenses.sample.formula_caption"))

    st.markdown(f"#### {t('lenses.sample.row_title', n=ROW_SAMPLES)}")
    image_row(decoded[1:], [f"({v[0]:.2f}, {v[1]:.2f})" for v in row_z], size=110)
    spread = float(np.abs(decoded[1:] - decoded[1:].mean(0)).mean())
    st.markdown(f"#### {t('lenses.sample.ae_title')}")
    with st.container(horizontal=True, wrap=False, vertical_alignment="center", gap="medium"):
        st.html(img_tag(ae_recon, title=t("lenses.sample.ae_image")), width=110)
        st.markdown(t("lenses.sample.ae_text", z1=float(ae_z[0]), z2=float(ae_z[1]), spread=spread))
