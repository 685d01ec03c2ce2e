"""Maps for the lenses page (the latent map widget): a clickable map with its decoded image (the
explorer's exact-click listener, streamlit-notes §2), and small static maps for small multiples."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import canvas_data, plots
from aeviz.ui import lens_data as ld
from aeviz.ui import url_state
from aeviz.ui.explorer_data import img_tag, test_subset
from aeviz.ui.explorer_panes import _listener, _mark
from aeviz.ui.hover import PREVIEW_PX, hover_preview
from aeviz.ui.lang import current_language, t
from aeviz.ui.latent_map import latent_map
from aeviz.ui.layout import beside_or_below


@st.cache_resource(show_spinner=False)
def _map_data(tag: str, height: int, xlabel: str, ylabel: str, small: bool, lang: str) -> dict:
    """What the browser draws for a map, built once per process and language. ``tag`` names the
    codes: a checkpoint name, or "pca"."""
    d = ld.pca_codes() if tag == "pca" else ld.codes(tag, ld.mtime(tag))
    sub = test_subset(ld.DATASET, lang)
    return canvas_data.latent_map(d["xy"], sub["labels"], sub["class_names"], plots.CLASS_COLORS, d["axis_range"],
                                  height=height, map_id=f"{tag}|{ld.mtime(tag) if tag != 'pca' else 0}",
                                  size=3 if small else 5, legend=not small, xlabel=xlabel, ylabel=ylabel)


PRESENT_SCALE = 1.5  # maps this much taller in presentation mode, for a projector
# The click panel's width beside the hover preview (aeviz/ui/layout.py): a 96-px image and, beside
# it, the z readout "z = (-12.34, -15.67)" in 1rem monospace (larger text in presentation mode).
PANEL_PX = (300, 360)


def _scaled(height: int) -> int:
    return int(height * PRESENT_SCALE) if url_state.presenting() else height


def small_map(tag: str, key: str, height: int = 300, xlabel: str = "z₁", ylabel: str = "z₂") -> None:
    """A static (non-clickable) map of checkpoint ``tag``'s test codes."""
    height = _scaled(height)
    latent_map(_map_data(tag, height, xlabel, ylabel, True, current_language()), key=key)


def _remember(slot: str, tag: str) -> None:
    event = (st.session_state.get(f"lens_listener_{slot}") or {}).get("click")
    if not event:
        return
    row = event.get("row")
    if row is not None:
        d = ld.pca_codes() if tag == "pca" else ld.codes(tag, ld.mtime(tag))
        z = (float(d["xy"][int(row), 0]), float(d["xy"][int(row), 1]))
    else:
        z = (float(event["x"]), float(event["y"]))
    st.session_state[f"lens_click_{slot}"] = {"z": z, "row": None if row is None else int(row)}


def clickable_map(slot: str, tag: str, title: str, model, xlabel: str = "z₁", ylabel: str = "z₂",
                  height: int = 420) -> None:
    """Map ``tag`` (a checkpoint name or "pca") in the page body, and below it a fragment that
    decodes the last click with ``model`` (for PCA: the inverse projection)."""
    height = _scaled(height)
    st.markdown(f"#### {title}")
    latent_map(_map_data(tag, height, xlabel, ylabel, False, current_language()), key=f"lens_map_{slot}")
    left, right = beside_or_below(f"lens_under_{slot}", PANEL_PX, PREVIEW_PX)
    with left:
        _click_panel(slot, tag, model)
    with right:
        # Hover decodes in the browser (aeviz/ui/hover.py); PCA's inverse projection is a one-layer
        # linear decoder, so it runs there too.
        hover_preview(model, map_key=f"lens_map_{slot}", key=f"lens_hover_{slot}", label=title.split(" ·")[0],
                      report_clicks=False)


@st.fragment
def _click_panel(slot: str, tag: str, model) -> None:
    _listener(key=f"lens_listener_{slot}", data={"target": f"lens_map_{slot}", "map": tag},
              on_click_change=lambda: _remember(slot, tag))
    click = st.session_state.get(f"lens_click_{slot}")
    with st.container(key=f"lens_decoded_{slot}"):
        if click is None:
            st.caption(t("lenses.click_hint"))
            return
        import torch

        with torch.inference_mode():
            image = model.decode(torch.tensor([click["z"]], dtype=torch.float32))[0, 0].numpy()
        z = click["z"]
        where = (t("lenses.clicked_row", row=click["row"]) if click["row"] is not None
                 else t("lenses.clicked_empty"))
        st.html(f'<div style="display:flex;gap:10px;align-items:center"><div style="width:96px">'
                f'{img_tag(image, title=t("explorer.decoded_image"))}</div><div><div class="aeviz-z" style="font:600 1rem monospace">'
                f'z = ({z[0]:.2f}, {z[1]:.2f})</div><div style="font-size:0.9rem;color:#555">{where}</div></div></div>')
    _mark(key=f"lens_mark_{slot}", data={"target": f"lens_map_{slot}", "name": "click", "css": "aeviz-click",
                                          "color": "#111111", "x": click["z"][0], "y": click["z"][1], "label": "",
                                          "map": tag})


def image_row(images: np.ndarray, captions: list[str] | None = None, size: int = 72) -> None:
    """Images side by side at ``size`` px each, each with an optional caption; in a narrow column
    they shrink instead of wrapping, so rows of the same test images stay aligned."""
    captions = captions or [""] * len(images)
    cells = "".join(f'<div style="flex:0 1 {size}px;min-width:0;text-align:center;font-size:0.75rem">{img_tag(im)}'
                    f'<div style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis">{c}</div></div>'
                    for im, c in zip(images, captions))
    st.html(f'<div style="display:flex;gap:4px">{cells}</div>')
