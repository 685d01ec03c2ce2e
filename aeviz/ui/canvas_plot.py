"""A plot drawn on a canvas in the browser (``web/canvas_plots.js``), from the dicts of
``aeviz.canvas_data``: redrawn in place when its data changes, where a plotly chart would be rebuilt
from scratch. The page structure it relies on (``.st-key-<key>``) is covered by the studio's and class
mode's browser tests."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

WEB = Path(__file__).with_name("web")


def web_script(name: str) -> str:
    """A canvas component's script: the shared drawing helpers, then its own module."""
    return (WEB / "plot_draw.js").read_text() + "\n" + (WEB / name).read_text()


_component = st.components.v2.component("aeviz_canvas_plot", js=web_script("canvas_plots.js"), isolate_styles=False)


def canvas_plot(data: dict, key: str) -> None:
    _component(key=key, data=data)
