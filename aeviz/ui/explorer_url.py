"""The Explorer's state in the URL (teacher links, ``aeviz/ui/url_state.py``), its presentation
mode and its export buttons, kept out of the Explorer's own modules so that they only call in.

URL names: ``dataset``, ``left`` / ``right`` (checkpoint folders), ``overlay``, ``samez`` (same z
in both), ``c_ae`` / ``c_vae`` (a map's last click: ``z1_z2`` or ``z1_z2_row`` for a test image),
``section`` and the open section's settings (``g_*`` manifold grid, ``i_*`` interpolation, ``p_*``
sampling)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import export
from aeviz.data import DATASET_NAMES
from aeviz.ui import explorer_data as data
from aeviz.ui import export_ui, url_state
from aeviz.ui.lang import t

SECTIONS = ("manifold", "interpolation", "sampling")
PRESENT_MAP_HEIGHT = 760  # px, presentation mode: the map fills a projector's height
# URL name -> (widget key, type, bounds or choices) per section; bounds are the widgets' own.
SECTION_SETTINGS = {
    "manifold": {"g_n": ("explorer_grid_n", int, (5, 30)), "g_icdf": ("explorer_grid_icdf", bool, None)},
    "interpolation": {"i_src": ("explorer_interp_source", str, ("images", "clicks")),
                      "i_steps": ("explorer_interp_steps", int, (10, 30)),
                      "i_a": ("explorer_interp_a", int, "images"), "i_b": ("explorer_interp_b", int, "images")},
    "sampling": {"p_n": ("explorer_prior_n", int, (16, 96)), "p_seed": ("explorer_prior_seed", int, (0, 10_000)),
                 "p_fit": ("explorer_prior_fitted", bool, None)},
}
SETTING_KEYS = [key for s in SECTION_SETTINGS.values() for key, _, _ in s.values()]


def bind_page() -> None:
    """At the top of the Explorer: the page-wide values in the URL, its settings hidden when presenting."""
    with url_state.batched():
        url_state.bind("dataset", "explorer_dataset", choices=DATASET_NAMES)
        url_state.bind("overlay", "explorer_overlay", choices=data.OVERLAYS)
        url_state.bind("section", "explorer_section", choices=SECTIONS)
        url_state.bind("samez", "hover_same_z", bool)
    url_state.hide_in_presentation("explorer_dataset", "explorer_checkpoints", "explorer_overlay", "hover_same_z",
                                   *SETTING_KEYS)


def bind_section(section: str, n_images: int | None = None) -> None:
    """Before a section's widgets: its settings in the URL."""
    with url_state.batched():
        for name, (key, kind, spec) in SECTION_SETTINGS.get(section, {}).items():
            if spec == "images":
                if n_images:
                    url_state.bind(name, key, kind, bounds=(0, n_images - 1))
            elif isinstance(spec, tuple) and spec and isinstance(spec[0], str):
                url_state.bind(name, key, kind, choices=spec)
            else:
                url_state.bind(name, key, kind, bounds=spec)


def checkpoint_chosen(param: str, name: str | None) -> None:
    """After a pane's checkpoint selectbox: its folder name in the URL (``left`` / ``right``)."""
    if name is not None and url_state.read_param(param) != name:
        url_state.set_param(param, name)


def _parse_click(text: str) -> dict | None:
    values = url_state.parse_floats(text)
    if values is None or len(values) not in (2, 3):
        return None
    row = int(values[2]) if len(values) == 3 and values[2] >= 0 and values[2] == int(values[2]) else None
    if len(values) == 3 and row is None:
        return None
    return {"z": (values[0], values[1]), "row": row}


def _dump_click(click: dict) -> str | None:
    try:
        z = click["z"]
        text = f"{float(z[0]):.4f}_{float(z[1]):.4f}"
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return text if click.get("row") is None else f"{text}_{int(click['row'])}"


def bind_click(slot: str, n_images: int | None = None) -> None:
    """In the click panel (it reruns alone on a click): the map's last click in the URL. A row
    outside the shown test images is dropped."""
    key = f"explorer_click_{slot}"
    url_state.bind_value(f"c_{slot}", key, _parse_click, _dump_click)
    click = st.session_state.get(key)
    if click and n_images is not None and click.get("row") is not None and not 0 <= click["row"] < n_images:
        st.session_state[key] = {"z": click["z"], "row": None}


def map_height() -> int:
    return PRESENT_MAP_HEIGHT if url_state.presenting() else data.MAP_HEIGHT


# ---------------------------------------------------------------- export buttons

def map_export(slot: str, pane, dataset: str, overlay: str, clicks: dict) -> None:
    """The map as PNG (2x) with what it shows: the overlay, the click, the other map's chosen image.
    ``clicks`` (slot -> click, kept current by each click's fragment) is read when the button is
    pressed, so the button can stay out of the click fragment: an element there is one more for the
    browser to re-render at every click."""
    d, sub = data.map_data(pane.path, pane.mtime, dataset), data.test_subset(dataset)
    bg = data.overlay_background(pane.path, pane.mtime, dataset, overlay)

    def overlays() -> export.MapOverlays:
        markers = []
        click = clicks.get(slot)
        if click:
            markers.append({"z": click["z"], "label": f"z = ({click['z'][0]:.2f}, {click['z'][1]:.2f})",
                            "color": "#111111"})
        other = clicks.get("vae" if slot == "ae" else "ae")
        if other and other.get("row") is not None and 0 <= other["row"] < len(d["codes"]):
            markers.append({"z": d["codes"][other["row"]], "label": f"#{other['row']}", "color": "#d62728"})
        return export.MapOverlays(background=None if bg is None else bg["z"], markers=markers)

    export_ui.map_button(f"explorer_png_{slot}", f"aeviz-{pane.name}-map.png", d["codes"], sub["labels"],
                         sub["class_names"], d["axis_range"], title=f"{t(f'kinds.short.{pane.kind}')}: {pane.name}",
                         overlays=overlays)


def codes_export(slot: str, pane, dataset: str) -> None:
    d, sub = data.map_data(pane.path, pane.mtime, dataset), data.test_subset(dataset)
    export_ui.csv_button(f"explorer_csv_{slot}", f"aeviz-{pane.name}-codes.csv", d["codes"], sub["labels"],
                         sub["class_names"], sub["index"])


def grid_export(slot: str, pane, tiled: np.ndarray) -> None:
    export_ui.images_button(f"explorer_grid_png_{slot}", f"aeviz-{pane.name}-grid.png", tiled[None],
                            label_key="common.export.grid_png", pixel=1, gap=0)


def strip_export(slot: str, pane, strip: np.ndarray) -> None:
    export_ui.images_button(f"explorer_strip_png_{slot}", f"aeviz-{pane.name}-filmstrip.png", strip[None],
                            label_key="common.export.strip_png", pixel=2, gap=0)
