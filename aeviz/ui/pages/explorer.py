"""The latent explorer (issue 3): AE | VAE maps side by side; click anywhere to decode.

Layout, top to bottom: dataset and checkpoint choice; the two maps, each with its decoded image
(``explorer_panes``); continuity and completeness numbers under each map; tabs for the manifold
grid, interpolation and prior sampling (``explorer_tabs``)."""
from __future__ import annotations

import streamlit as st

from aeviz.data import DATASET_NAMES, TITLES
from aeviz.ui import explorer_data as data
from aeviz.ui import explorer_tabs as tabs
from aeviz.ui.explorer_data import Pane
from aeviz.ui.explorer_panes import click_panel, hover_pane, map_chart
from aeviz.ui.state import unreadable_checkpoints
from aeviz.ui.hover import same_z_switch

INTRO = ("Every test image is squeezed into **two numbers** z = (z₁, z₂): one dot on the plane below, "
         "coloured by its class. This plane is the **latent space**. **Click anywhere**, on a dot or on "
         "empty space, and the decoder turns that z into an image. The left map belongs to a plain "
         "**autoencoder (AE)**, the right one to a **variational autoencoder (VAE)**: same network, same "
         "data, but the VAE is also pulled towards N(0, I). Look for the holes.")

GAP_HELP = ("Shades the plane by how *unlike any real image* the decoded picture at each spot is "
            "(dark = a hole): the reference classifier's doubt, or without a classifier the distance "
            "to the nearest test image.")


def _choose_dataset() -> str:
    default = st.query_params.get("dataset", DATASET_NAMES[0])
    if default not in DATASET_NAMES:
        default = DATASET_NAMES[0]
    choice = st.segmented_control("Dataset", DATASET_NAMES, default=default, format_func=TITLES.get,
                                  key="explorer_dataset", required=True)
    return choice or default


def _choose_panes(dataset: str) -> dict[str, Pane | None]:
    """The pair ``<dataset>-ae`` / ``<dataset>-vae`` by default; any checkpoint of the dataset can
    be swapped into either pane. All of them are listed (keyed ``explorer_checkpoints``)."""
    entries = data.list_entries(dataset)
    panes: dict[str, Pane | None] = {"ae": None, "vae": None}
    with st.container(key="explorer_checkpoints"):
        if not entries:
            st.warning(f"No {TITLES[dataset]} checkpoints in `{data.checkpoint_root()}` yet. Train a pair with "
                       f"`python -m aeviz train --dataset {dataset} --model ae --out checkpoints/{dataset}-ae` "
                       f"(and `--model vae`) or in the Training studio.")
            return panes
        labels = [f"{e['name']} ({e.get('kind')}, {e.get('arch')})" for e in entries]
        cols = st.columns(2)
        for col, slot, side in zip(cols, ("ae", "vae"), ("Left map (AE)", "Right map (VAE)")):
            index = data.default_index(dataset, entries, slot)
            with col:
                choice = st.selectbox(side, range(len(entries)), index=index, format_func=labels.__getitem__,
                                      key=f"explorer_ckpt_{slot}_{dataset}",
                                      placeholder=f"no {slot.upper()} checkpoint for {TITLES[dataset]} yet")
            if choice is not None:
                panes[slot] = data.pane_for(slot, entries[choice])
        st.caption(f"{TITLES[dataset]} checkpoints: " + ", ".join(f"`{e['name']}`" for e in entries))
        for bad in unreadable_checkpoints():  # say why a folder is not offered, once, plainly
            st.caption(f"⚠️ `{bad['name']}` skipped: {bad['error']}")
    return panes


def _metrics_row(pane: Pane, dataset: str) -> None:
    cls = data.classifier_path(dataset)
    m = data.metrics(pane.path, pane.mtime, dataset, data._mtime(cls) if cls else 0.0)
    c = m["continuity"]
    a, b, d = st.columns(3)
    a.metric("Continuity", f"{c['mean']:.3f}",
             help="Mean |pixel change| between neighbouring cells of a 20×20 grid over this map. Lower = smoother.")
    b.metric("Worst 5 %", f"≥ {c['p95']:.3f}",
             help="5 % of neighbouring cells differ by more than this: the jumps across gaps.")
    if m["completeness"] is not None:
        d.metric("Completeness", f"{m['completeness']:.0%}",
                 help=f"Share of {data.PRIOR_N} samples z ~ N(0, I) whose decoded image the reference "
                      f"classifier names with ≥ {data.CONFIDENT:.0%} confidence.")
    else:
        d.metric("Samples → data distance", f"{m['nearest']:.3f}",
                 help="No reference classifier for this dataset yet: the median RMS pixel distance from a "
                      "decoded N(0, I) sample to its nearest real test image. Lower = more data-like.")


def page() -> None:
    st.title("Latent explorer: AE vs VAE")
    st.markdown(INTRO)
    top = st.columns([1, 2, 1.2], vertical_alignment="bottom")
    with top[0]:
        dataset = _choose_dataset()
    try:
        subset = data.test_subset(dataset)
    except ValueError as e:
        st.error(f"{TITLES[dataset]} is not available on this machine: {e}")
        return
    with top[1]:
        panes = _choose_panes(dataset)
    with top[2]:
        gap = st.toggle("Gap map", key="explorer_gap", help=GAP_HELP)
        same_z_switch()  # hover previews: the same z through both decoders (aeviz/ui/hover.py)
    st.caption(f"Data: {subset['describe']}. Maps show {len(subset['labels']):,} test images "
               f"(not the training set).")

    cols = st.columns(2, gap="large")
    shown = {}
    # Both maps first (they are what the class looks at), then the slower numbers under them.
    for col, slot in zip(cols, ("ae", "vae")):
        with col:
            pane = panes[slot]
            if pane is None:
                st.info(f"No {'AE' if slot == 'ae' else 'VAE'} checkpoint for {TITLES[dataset]} yet: "
                        f"train one with `python -m aeviz train --dataset {dataset} --model {slot} "
                        f"--out checkpoints/{dataset}-{slot}` or in the Training studio.")
                continue
            try:
                left, right = st.columns([2.3, 1], gap="small")
                with left:
                    map_chart(slot, pane, dataset, gap)
                with right:
                    click_panel(slot, pane, panes, dataset, gap)
                    hover_pane(slot, pane)
            except ValueError as e:  # an unreadable checkpoint: say which and why
                st.error(f"Cannot show `{pane.name}`: {e}")
                panes[slot] = None  # the sections below treat it as missing instead of failing on it
                continue
            shown[slot] = (pane, st.container())
    for slot, (pane, numbers) in shown.items():
        with numbers:
            _metrics_row(pane, dataset)
    tabs.explanations(dataset, classifier=data.classifier_path(dataset) is not None)
    tabs.sections(panes, dataset)
