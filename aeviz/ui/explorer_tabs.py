"""The explorer's lower half, one section at a time: the manifold grid, interpolation and
sampling, each AE | VAE."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import analysis, plots
from aeviz.ui import explorer_data as data
from aeviz.ui import explorer_url
from aeviz.ui.canvas_plot import canvas_plot
from aeviz.ui.explorer_data import Pane
from aeviz.ui.lang import t

SLOTS = ("ae", "vae")


def sections(panes: dict[str, Pane | None], dataset: str) -> None:
    present = {s: p for s, p in panes.items() if p is not None}
    if not present:
        return
    # One section at a time, not st.tabs: tabs put every section in the page, and a page that big
    # makes each click on a map slower (the browser re-styles the whole page on every rerun).
    sections_by_name = {"manifold": _manifold, "interpolation": _interpolation, "sampling": _prior}
    choice = st.segmented_control(t("explorer.section.label"), list(sections_by_name), default="manifold",
                                  format_func=lambda k: t(f"explorer.section.{k}"), key="explorer_section",
                                  required=True, persist_state="session")
    sections_by_name[choice or "manifold"](present, dataset)


def _manifold(panes: dict[str, Pane], dataset: str) -> None:
    explorer_url.bind_section("manifold")
    st.markdown(t("explorer.manifold.text"))
    a, b = st.columns([2, 3])
    n = a.slider(t("explorer.manifold.size"), 5, 30, 20, key="explorer_grid_n", persist_state="session")
    icdf = b.toggle(t("explorer.manifold.icdf"), wrap=True, key="explorer_grid_icdf",
                    help=t("explorer.manifold.icdf_help"), persist_state="session")
    cols = st.columns(2)
    for col, slot in zip(cols, SLOTS):
        pane = panes.get(slot)
        if pane is None:
            continue
        use_icdf = icdf and pane.kind == "vae"
        m = data.manifold(pane.path, pane.mtime, dataset, n, use_icdf)
        title = t("explorer.manifold.title_icdf" if use_icdf else "explorer.manifold.title", name=pane.name, n=n)
        with col:
            # A canvas, not plotly: a plotly chart anywhere on the page delays the first visit's maps
            # (its bundle) and slows every click's re-render.
            canvas_plot(data.manifold_canvas(pane.path, pane.mtime, dataset, n, use_icdf, title),
                        key=f"explorer_manifold_{slot}")
            explorer_url.grid_export(slot, pane, m["tiled"])


def _typical(images: np.ndarray, labels: np.ndarray, c: int) -> int:
    """The test image of class c closest to that class's mean image: a clean, typical example."""
    rows = np.flatnonzero(labels == c)
    if len(rows) == 0:
        return 0
    ims = images[rows].reshape(len(rows), -1)
    return int(rows[np.argmin(((ims - ims.mean(0)) ** 2).sum(1))])


def _default_pair(images: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """A typical 1 and a typical 0 (for Fashion-MNIST: a trouser and a T-shirt): far apart in
    the AE's map, so the straight path crosses its middle."""
    return _typical(images, labels, 1), _typical(images, labels, 0)


def _use_last_rows() -> None:
    rows = st.session_state.get("explorer_rows", [])
    if len(rows) >= 2:
        st.session_state["explorer_interp_a"], st.session_state["explorer_interp_b"] = rows[-2], rows[-1]


def _interpolation(panes: dict[str, Pane], dataset: str) -> None:
    sub = data.test_subset(dataset)
    explorer_url.bind_section("interpolation", len(sub["labels"]))
    st.markdown(t("explorer.interp.text"))
    source = st.radio(t("explorer.interp.between"), ["images", "clicks"], horizontal=True,
                      format_func=lambda k: t(f"explorer.interp.{k}"), key="explorer_interp_source",
                      persist_state="session")
    steps = st.slider(t("explorer.interp.steps"), 10, 30, 12, key="explorer_interp_steps", persist_state="session")
    paths: dict[str, np.ndarray] = {}
    if source == "images":
        a0, b0 = _default_pair(sub["images"], sub["labels"])
        c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
        top = len(sub["labels"]) - 1
        ia = c1.number_input(t("explorer.interp.start"), 0, top, a0, key="explorer_interp_a", persist_state="session")
        ib = c2.number_input(t("explorer.interp.end"), 0, top, b0, key="explorer_interp_b", persist_state="session")
        c3.button(t("explorer.interp.use_clicked"), on_click=_use_last_rows,
                  disabled=len(st.session_state.get("explorer_rows", [])) < 2)
        names = sub["class_names"]
        st.caption(t("explorer.interp.caption", a=ia, b=ib, la=names[int(sub["labels"][ia])],
                     lb=names[int(sub["labels"][ib])]))
        for slot, pane in panes.items():
            codes = data.map_data(pane.path, pane.mtime, dataset)["codes"]
            paths[slot] = analysis.interpolate(codes[ia], codes[ib], steps)
    else:
        for slot, pane in panes.items():
            clicks = st.session_state.get(f"explorer_clicks_{slot}", [])
            if len(clicks) >= 2:
                paths[slot] = analysis.interpolate(clicks[-2], clicks[-1], steps)
            else:
                st.info(t("explorer.interp.need_clicks", name=pane.name, n=len(clicks)))
    if not paths:
        return
    decoded = {s: analysis.decode_all(data.get_model(panes[s].path), z) for s, z in paths.items()}
    st.html(plots.legend_html(sub["class_names"], [("path", t("explorer.interp.path"))]))
    cols = st.columns(2)
    for col, slot in zip(cols, SLOTS):
        if slot in paths:
            pane = panes[slot]
            d = data.map_data(pane.path, pane.mtime, dataset)
            col.plotly_chart(plots.path_map(d["codes"], sub["labels"], sub["class_names"], d["axis_range"],
                                            paths[slot], title=t("explorer.interp.path_title", name=pane.name),
                                            ends=(t("explorer.interp.start_mark"), t("explorer.interp.end_mark")),
                                            path_name=t("explorer.interp.path"),
                                            step_label=t("explorer.interp.step")),
                             key=f"explorer_path_{slot}", config={"displaylogo": False})
    with st.container(key="explorer_filmstrips"):
        for slot in SLOTS:
            if slot in decoded:
                strip = analysis.tile_images(decoded[slot], 1, len(decoded[slot]), gap=2)
                kind = t(f"kinds.short.{panes[slot].kind}")
                st.html(f'<div style="font-weight:600;margin:6px 0 2px">{kind}: {panes[slot].name}</div>'
                        f'{data.img_tag(strip, title=kind)}')
                explorer_url.strip_export(slot, panes[slot], strip)
    series = {f"{t(f'kinds.short.{panes[s].kind}')} ({panes[s].name})": analysis.step_changes(decoded[s])
              for s in SLOTS if s in decoded}
    st.plotly_chart(plots.step_change_figure(series, x_title=t("explorer.interp.step"),
                                             y_title=t("explorer.interp.change")),
                    key="explorer_step_changes", config={"displaylogo": False})


def _gallery_html(images: np.ndarray, probs: np.ndarray | None, class_names, cols: int = 8) -> str:
    cells = []
    for i, im in enumerate(images):
        if probs is None:
            cells.append(f'<div>{data.img_tag(im)}</div>')
            continue
        c, conf = int(probs[i].argmax()), float(probs[i].max())
        ok = conf >= data.CONFIDENT
        colour = "#2ca02c" if ok else "#d62728"
        cells.append(f'<div style="text-align:center;font-size:0.75rem">{data.img_tag(im, border=colour)}'
                     f'<span style="color:{colour}">{class_names[c]} {conf:.0%}</span></div>')
    return (f'<div style="display:grid;grid-template-columns:repeat({cols},1fr);gap:4px">'
            + "".join(cells) + "</div>")


def _prior(panes: dict[str, Pane], dataset: str) -> None:
    sub = data.test_subset(dataset)
    has_classifier = data.classifier_path(dataset) is not None
    explorer_url.bind_section("sampling")
    st.markdown(t("explorer.sampling.text"))
    st.caption(t("explorer.sampling.frames", confident=f"{data.CONFIDENT:.0%}") if has_classifier
               else t("explorer.sampling.no_classifier"))
    a, b, c = st.columns([2, 1, 2], vertical_alignment="bottom")
    n = a.slider(t("explorer.sampling.samples"), 16, 96, 48, step=8, key="explorer_prior_n", persist_state="session")
    seed = b.number_input(t("explorer.sampling.seed"), 0, 10_000, 0, key="explorer_prior_seed",
                          persist_state="session")
    fitted = c.toggle(t("explorer.sampling.fitted"), value=True, wrap=True, key="explorer_prior_fitted",
                      help=t("explorer.sampling.fitted_help"), persist_state="session")
    cols = st.columns(2, gap="large")
    for col, slot in zip(cols, SLOTS):
        pane = panes.get(slot)
        if pane is None:
            continue
        from_fit = fitted and pane.kind != "vae"
        g = data.prior_gallery(pane.path, pane.mtime, dataset, n, int(seed), from_fit)
        with col:
            head = t("explorer.sampling.head_fitted" if from_fit else "explorer.sampling.head_prior", name=pane.name)
            if g["probs"] is not None:
                good = int((g["probs"].max(1) >= data.CONFIDENT).sum())
                head += " " + t("explorer.sampling.recognisable", good=good, n=n)
            st.markdown(head)
            with st.container(key=f"explorer_prior_{slot}"):
                st.html(_gallery_html(g["images"], g["probs"], sub["class_names"]))
