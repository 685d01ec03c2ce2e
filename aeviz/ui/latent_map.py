"""The latent map widget: a 2-D map of test codes drawn on a canvas in the browser
(``web/latent_map.js``), with zoom, pan, a class legend, a tooltip and exact clicks (heard by
``web/click.js``), from the dicts of ``aeviz.canvas_data.latent_map``. The explorer's and the lenses'
maps are this widget."""
from __future__ import annotations

import streamlit as st

from aeviz.ui.canvas_plot import web_script

_component = st.components.v2.component("aeviz_latent_map", js=web_script("latent_map.js"), isolate_styles=False)


def latent_map(data: dict, key: str) -> None:
    _component(key=key, data=data)
