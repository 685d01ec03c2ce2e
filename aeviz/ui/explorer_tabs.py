"""The explorer's lower half: plain-language explanations, then tabs for the manifold grid,
interpolation and prior sampling (one at a time), each AE | VAE."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import analysis, plots
from aeviz.ui import explorer_data as data
from aeviz.ui.explorer_data import Pane

SLOTS = ("ae", "vae")


def explanations(dataset: str, classifier: bool) -> None:
    completeness = (
        "Decode random z ~ N(0, I) and ask a separately trained classifier what each picture is. "
        f"**Completeness** is the share it names with ≥ {data.CONFIDENT:.0%} confidence: how much of the "
        "plane decodes to something real."
        if classifier else
        "Decode random z ~ N(0, I) and measure how far each picture is from the nearest real test image "
        "(no reference classifier for this dataset yet, so this distance stands in: lower is better).")
    cols = st.columns(4)
    texts = [
        ("Latent space", "The encoder turns a 784-pixel image into 2 numbers; the decoder turns any 2 numbers "
                         "back into an image. Similar images should land close together."),
        ("Continuity", "Walk one small step on the plane: does the picture change a little or jump? "
                       "We decode a 20×20 grid and average the pixel change between neighbours; the worst "
                       "5 % show the jumps across gaps."),
        ("Completeness", completeness),
        ("Why the VAE's map looks like N(0, I)", "The VAE's loss has a KL term that pulls every code towards a "
                                                 "standard normal: codes pack round the origin, gaps fill in, "
                                                 "and a random z from N(0, I) lands somewhere meaningful."),
    ]
    for col, (title, text) in zip(cols, texts):
        with col:
            st.markdown(f"**{title}**  \n{text}")


def sections(panes: dict[str, Pane | None], dataset: str) -> None:
    present = {s: p for s, p in panes.items() if p is not None}
    if not present:
        return
    # One section at a time, not st.tabs: tabs put every section in the page, and a page that big
    # makes each click on a map slower (the browser re-styles the whole page on every rerun).
    sections_by_name = {"Manifold grid": _manifold, "Interpolation": _interpolation, "Prior samples": _prior}
    choice = st.segmented_control("Show below the maps", list(sections_by_name), default="Manifold grid",
                                  key="explorer_section", required=True)
    sections_by_name[choice or "Manifold grid"](present, dataset)


def _manifold(panes: dict[str, Pane], dataset: str) -> None:
    st.markdown("Decode an evenly spaced n×n grid of z over each map's range, drawn **on the same axes as "
                "the map above**. Where the AE's map is empty its grid shows blurs and hybrids; the VAE's "
                "changes smoothly from class to class.")
    a, b = st.columns([2, 3])
    n = a.slider("Grid size n", 5, 30, 20, key="explorer_grid_n")
    icdf = b.toggle("VAE: space the grid by the inverse Gaussian CDF (Kingma & Welling, Fig. 4)",
                    key="explorer_grid_icdf",
                    help="Cells at equal steps of *probability* under N(0, I), not of z: dense near the "
                         "origin where the prior puts its mass. The axis ticks then give each column's z.")
    cols = st.columns(2)
    for col, slot in zip(cols, SLOTS):
        pane = panes.get(slot)
        if pane is None:
            continue
        use_icdf = icdf and pane.kind == "vae"
        m = data.manifold(pane.path, pane.mtime, dataset, n, use_icdf)
        title = f"{pane.name}: {n}×{n} grid" + (" (inverse-CDF spacing)" if use_icdf else "")
        col.plotly_chart(plots.manifold_figure(m["tiled"], m["axis_range"], title=title, height=600,
                                               tick_values=m["ticks"]),
                         key=f"explorer_manifold_{slot}", config={"displaylogo": False})


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
    st.markdown("Walk the straight line between two codes and decode each step. A spike in the curve below "
                "is a jump: the path crossed a gap where nothing meaningful lives.")
    source = st.radio("Between", ["two test images", "my last two clicks in each map"], horizontal=True,
                      key="explorer_interp_source")
    steps = st.slider("Steps", 10, 30, 12, key="explorer_interp_steps")
    paths: dict[str, np.ndarray] = {}
    if source == "two test images":
        a0, b0 = _default_pair(sub["images"], sub["labels"])
        c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
        top = len(sub["labels"]) - 1
        ia = c1.number_input("Start: test image #", 0, top, a0, key="explorer_interp_a")
        ib = c2.number_input("End: test image #", 0, top, b0, key="explorer_interp_b")
        c3.button("Use the last two test images I clicked", on_click=_use_last_rows,
                  disabled=len(st.session_state.get("explorer_rows", [])) < 2)
        names = sub["class_names"]
        st.caption(f"Start #{ia}: “{names[int(sub['labels'][ia])]}” → end #{ib}: “{names[int(sub['labels'][ib])]}”")
        for slot, pane in panes.items():
            codes = data.map_data(pane.path, pane.mtime, dataset)["codes"]
            paths[slot] = analysis.interpolate(codes[ia], codes[ib], steps)
    else:
        for slot, pane in panes.items():
            clicks = st.session_state.get(f"explorer_clicks_{slot}", [])
            if len(clicks) >= 2:
                paths[slot] = analysis.interpolate(clicks[-2], clicks[-1], steps)
            else:
                st.info(f"Click two points in the {slot.upper()} map first ({len(clicks)} so far).")
    if not paths:
        return
    decoded = {s: analysis.decode_all(data.get_model(panes[s].path), z) for s, z in paths.items()}
    cols = st.columns(2)
    for col, slot in zip(cols, SLOTS):
        if slot in paths:
            pane = panes[slot]
            d = data.map_data(pane.path, pane.mtime, dataset)
            col.plotly_chart(plots.path_map(d["codes"], sub["labels"], sub["class_names"], d["axis_range"],
                                            paths[slot], title=f"path in {pane.name}"),
                             key=f"explorer_path_{slot}", config={"displaylogo": False})
    with st.container(key="explorer_filmstrips"):
        for slot in SLOTS:
            if slot in decoded:
                strip = analysis.tile_images(decoded[slot], 1, len(decoded[slot]), gap=2)
                st.html(f'<div style="font-weight:600;margin:6px 0 2px">{slot.upper()}: {panes[slot].name}</div>'
                        f'{data.img_tag(strip, title=f"{slot} filmstrip")}')
    series = {f"{s.upper()} ({panes[s].name})": analysis.step_changes(decoded[s]) for s in SLOTS if s in decoded}
    st.plotly_chart(plots.step_change_figure(series), key="explorer_step_changes", config={"displaylogo": False})


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
    st.markdown("Draw z at random from N(0, I), the distribution the VAE was trained towards, and decode it "
                "with both decoders. " + (
                    f"A green frame: the reference classifier names the picture with ≥ {data.CONFIDENT:.0%} "
                    "confidence; red: it cannot tell what it is." if has_classifier else
                    "No reference classifier for this dataset yet, so the pictures are not judged."))
    a, b, c = st.columns([2, 1, 2], vertical_alignment="bottom")
    n = a.slider("Samples", 16, 96, 48, step=8, key="explorer_prior_n")
    seed = b.number_input("Seed", 0, 10_000, 0, key="explorer_prior_seed")
    fitted = c.toggle("AE: sample from a Gaussian fitted to its own codes", key="explorer_prior_fitted",
                      help="Fairer to the AE, whose codes are not near N(0, I): it still decodes many "
                           "samples in its gaps to non-images.")
    cols = st.columns(2, gap="large")
    for col, slot in zip(cols, SLOTS):
        pane = panes.get(slot)
        if pane is None:
            continue
        g = data.prior_gallery(pane.path, pane.mtime, dataset, n, int(seed), fitted and pane.kind != "vae")
        with col:
            what = "N(μ, σ²) fitted to its codes" if (fitted and pane.kind != "vae") else "N(0, I)"
            head = f"**{pane.name}**, z ~ {what}"
            if g["probs"] is not None:
                good = int((g["probs"].max(1) >= data.CONFIDENT).sum())
                head += f": **{good} / {n}** recognisable"
            st.markdown(head)
            with st.container(key=f"explorer_prior_{slot}"):
                st.html(_gallery_html(g["images"], g["probs"], sub["class_names"]))
