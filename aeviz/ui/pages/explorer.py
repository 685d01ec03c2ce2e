"""The latent explorer: AE | VAE maps side by side; click anywhere to decode.

Top to bottom: dataset, checkpoints and overlay; the two maps, each with its decoded image and
hover preview (``explorer_panes``); the measures of both maps and what they say
(``explorer_measures``); one section at a time below (``explorer_tabs``)."""
from __future__ import annotations

import streamlit as st

from aeviz.data import DATASET_NAMES, TITLES
from aeviz.ui import explorer_data as data
from aeviz.ui import explorer_url
from aeviz.ui import explorer_tabs as tabs
from aeviz.ui import url_state
from aeviz.ui.explorer_data import OVERLAYS, Pane
from aeviz.ui.explorer_measures import measures_section
from aeviz.ui.explorer_panes import PANEL_PX, click_panel, export_clicks, hover_pane, map_chart
from aeviz.ui.hover import PREVIEW_PX, same_z_switch
from aeviz.ui.lang import t
from aeviz.ui.layout import beside_or_below
from aeviz.ui.state import get_dataset, unreadable_checkpoints
from aeviz.ui.texts import data_line, error_text


def _choose_dataset() -> str:
    default = st.query_params.get("dataset", DATASET_NAMES[0])
    if default not in DATASET_NAMES:
        default = DATASET_NAMES[0]
    choice = st.segmented_control(t("explorer.dataset"), DATASET_NAMES, default=default, format_func=TITLES.get,
                                  wrap=True, key="explorer_dataset", required=True, persist_state="session")
    return choice or default


def _choose_panes(dataset: str) -> dict[str, Pane | None]:
    """The pair ``<dataset>-ae`` / ``<dataset>-vae`` by default (``?left=`` / ``?right=`` name others);
    any checkpoint of the dataset can be swapped into either pane."""
    entries = data.list_entries(dataset)
    panes: dict[str, Pane | None] = {"ae": None, "vae": None}
    with st.container(key="explorer_checkpoints"):
        if not entries:
            st.warning(t("explorer.no_checkpoints", dataset=TITLES[dataset], root=data.checkpoint_root(),
                         name=dataset))
            return panes
        labels = [f"{e['name']} ({t('kinds.short.' + e.get('kind', 'ae'))})" for e in entries]
        names = [e["name"] for e in entries]
        cols = st.columns(2)
        with url_state.batched():  # both panes' names reach the URL as one change
            for col, slot, param in zip(cols, ("ae", "vae"), ("left", "right")):
                index = data.default_index(dataset, entries, slot)
                if st.query_params.get(param) in names:
                    index = names.index(st.query_params[param])
                with col:
                    choice = st.selectbox(t(f"explorer.{param}_map"), range(len(entries)), index=index,
                                          format_func=labels.__getitem__, key=f"explorer_ckpt_{slot}_{dataset}",
                                          placeholder=t("explorer.no_checkpoint_yet", dataset=TITLES[dataset]),
                                          persist_state="session")
                if choice is not None:
                    panes[slot] = data.pane_for(slot, entries[choice])
                    explorer_url.checkpoint_chosen(param, names[choice])
        st.caption(t("explorer.listed", dataset=TITLES[dataset], names=", ".join(f"`{n}`" for n in names)))
        for bad in unreadable_checkpoints():  # say why a folder is not offered, once, plainly
            st.caption(t("explorer.skipped", name=bad["name"], error=error_text(bad)))
    return panes


def page() -> None:
    explorer_url.bind_page()  # teacher links and presentation mode (aeviz/ui/explorer_url.py)
    st.title(t("explorer.title"))
    st.markdown(t("explorer.intro"))
    top = st.columns([1, 2], vertical_alignment="bottom")
    with top[0]:
        dataset = _choose_dataset()
    try:
        subset = data.test_subset(dataset)
    except ValueError as e:
        st.error(t("explorer.dataset_missing", dataset=TITLES[dataset], error=error_text(e)))
        return
    with top[1]:
        panes = _choose_panes(dataset)
    options = st.columns([3, 1], vertical_alignment="bottom")
    with options[0]:
        overlay = st.segmented_control(t("measures.overlay.label"), OVERLAYS, default="none", required=True,
                                       format_func=lambda o: t(f"measures.overlay.{o}"), wrap=True,
                                       key="explorer_overlay", help=t("measures.overlay.help"),
                                       persist_state="session") or "none"
    with options[1]:
        same_z_switch()  # hover previews: the same z through both decoders (aeviz/ui/hover.py)
    st.caption(t("explorer.data_caption", describe=data_line(get_dataset(dataset).to_dict()),
                 n=len(subset['labels'])))

    cols = st.columns(2, gap="small")
    for col, slot in zip(cols, ("ae", "vae")):
        with col:
            pane = panes[slot]
            if pane is None:
                st.info(t("explorer.no_pane", dataset=TITLES[dataset], name=dataset, slot=slot))
                continue
            try:
                map_chart(slot, pane, dataset, overlay)
                if overlay == "doubt" and data.classifier_path(dataset) is None:
                    st.caption(t("explorer.no_classifier"))
                left, right = beside_or_below(f"explorer_under_{slot}", PANEL_PX, PREVIEW_PX)
                with left:
                    click_panel(slot, pane, panes, dataset, overlay)
                    explorer_url.map_export(slot, pane, dataset, overlay, export_clicks())
                with right:
                    hover_pane(slot, pane)
            except ValueError as e:  # an unreadable checkpoint: say which and why
                st.error(t("explorer.cannot_show", name=pane.name, error=error_text(e)))
                panes[slot] = None
    measures_section(panes, dataset)
    tabs.sections(panes, dataset)
