"""Hover-to-decode: a preview beside a latent map that decodes z under the pointer in
the browser, every frame, and a "same z in both" switch.

Python sends each decoder once per model as raw float32 bytes plus a JSON description of its
layers (``aeviz/decoder_export.py``); ``web/hover.js`` mirrors the forward pass,
listens to the pointer over the plotly chart whose ``key`` it is given, and draws a 28x28 canvas.
A click pins z there and is reported back: ``hover_preview`` returns it on the run that follows.
On a touch screen a finger dragged over the map decodes the same way and a tap pins z; with "same
z in both" on, a click or tap pins the other preview to the same z too. The preview's words come
from the catalogue (``common.hover.*``), sent with the decoder's description.

Use, next to each map (``st.plotly_chart(..., key="latent_ae")``)::

    z = hover_preview(model_ae, map_key="latent_ae", key="hover_ae", label="AE", partner="hover_vae")
    if z is not None: ...  # the clicked z (the server stays the source of truth)
    # or, where the chart's own on_select selection is the click path (the Explorer):
    hover_preview(model_ae, map_key="latent_ae", key="hover_ae", label="AE", partner="hover_vae",
                  report_clicks=False)
    same_z_switch()        # once per page

Set ``AEVIZ_HOVER=0`` (or open the page with ``?hover=0``) to leave the component out, e.g. to
measure what it costs the page load (``benchmarks/hover_fps.py``).
"""
from __future__ import annotations

import json
import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from torch import nn

from aeviz.decoder_export import UnsupportedDecoder, export_decoder, read_export
from aeviz.ui.lang import t
from aeviz.ui.texts import error_text

JS_FILE = Path(__file__).with_name("web") / "hover.js"
COMPONENT = "aeviz.hover"


def hover_enabled() -> bool:
    """False when the environment (``AEVIZ_HOVER=0``) or the URL (``?hover=0``) turns it off."""
    if os.environ.get("AEVIZ_HOVER", "1") == "0":
        return False
    return st.query_params.get("hover", "1") != "0"


@st.cache_resource(show_spinner=False)
def _mount_fn():
    """The component, registered once per process. Its JavaScript is read from ``hover.js``;
    st.components.v2 takes file paths only for installed packages with a manifest, so the text
    is passed inline (it is not a download: the file ships with the app)."""
    # isolate_styles=False: the preview's canvas sits in the page DOM under `.st-key-<key>`,
    # where tests, and the JS itself, find it with ordinary selectors.
    return st.components.v2.component(COMPONENT, js=JS_FILE.read_text(), isolate_styles=False)


@st.cache_resource(show_spinner=False)
def _blob_cache() -> tuple[weakref.WeakKeyDictionary, threading.Lock]:
    """Exported decoders per model object (models come from ``st.cache_resource``, read-only);
    an entry goes away with its model."""
    return weakref.WeakKeyDictionary(), threading.Lock()


def decoder_blob(model: nn.Module, meta: dict) -> tuple[bytes, str]:
    """The packed decoder for ``model`` with ``meta`` in its header, and its fingerprint; built
    once per model and meta."""
    cache, lock = _blob_cache()
    tag = json.dumps(meta, sort_keys=True)
    with lock:
        per_model = cache.setdefault(model, {})
        if tag not in per_model:
            blob = export_decoder(model, meta)
            per_model[tag] = (blob, read_export(blob)[0]["fingerprint"])
        return per_model[tag]


# The width a preview needs beside another slot (aeviz/ui/layout.py), normal and presenting:
# hover.js draws a 140-px canvas, 240 px in presentation mode (url_state.PRESENT_CSS).
PREVIEW_PX = (160, 250)


SENT = "_aeviz_hover_sent"  # session state: preview key -> fingerprint this browser has


def hover_preview(model: nn.Module, map_key: str, key: str, *, label: str = "",
                  partner: str | None = None, report_clicks: bool = True,
                  on_click: Callable[[list[float]], None] | None = None) -> list[float] | None:
    """Render the hover preview of ``model`` for the plotly chart created with ``key=map_key``.

    The weights travel once per model and browser session: later runs send only a reference
    (``{"fingerprint": ..., "meta": ...}``), so a rerun of the map's fragment costs next to nothing
    (the ~1 MB element would cost ~5 ms of hashing on every run even where Streamlit's message
    cache spares the network). Should the page lack the model (a race with an interrupted run), the
    JavaScript reports it (trigger ``missing``) and the next run sends the bytes again.

    Parameters
    ----------
    model : a loaded latent model (``aeviz.ui.state.get_model``); its decoder must be an MLP and its
        latent space 2-D, otherwise a note says that this map answers clicks only.
    map_key : the ``key=`` of the map's ``st.plotly_chart``.
    key : the preview's element key (``hover_ae`` / ``hover_vae``).
    label : a short model name shown in the preview ("AE").
    partner : the other preview's key, for the "same z in both" switch.
    report_clicks : True: a click on the map pins the exact z under the pointer and sends it here
        (a rerun; the return value). False, for a page whose chart already reports clicks through
        ``on_select`` (the Explorer's pick grid): no second rerun; the preview pins the point plotly
        reported, i.e. the z the page received.
    on_click : called with the clicked z (a Streamlit callback: it runs before the script).

    Returns
    -------
    The clicked z ``[z1, z2]`` on the run a click caused, otherwise None.
    """
    if not hover_enabled():
        return None
    if getattr(model, "latent_dim", None) != 2:
        st.caption(t("common.hover.only_2d"))
        return None
    meta = {"preview": key, "map": map_key, "partner": partner, "label": label, "report": report_clicks,
            "texts": {k: t(f"common.hover.{k}", label=label or "") for k in ("title", "note", "pinned", "partner")}}
    try:
        blob, fingerprint = decoder_blob(model, meta)
    except UnsupportedDecoder as e:
        st.caption(t("common.hover.needs_mlp", error=error_text(e)))
        return None
    sent = st.session_state.setdefault(SENT, {})
    data = {"fingerprint": fingerprint, "meta": meta} if sent.get(key) == fingerprint else blob
    sent[key] = fingerprint

    def clicked() -> None:
        z = (st.session_state.get(key) or {}).get("click")
        if on_click is not None and z is not None:
            on_click([float(v) for v in z])

    def missing() -> None:  # the browser lacks the weights: send them on this run
        st.session_state.get(SENT, {}).pop(key, None)

    result = _mount_fn()(key=key, data=data, on_click_change=clicked, on_missing_change=missing)
    z = result.get("click")
    return [float(v) for v in z] if z is not None else None


def same_z_switch(key: str = "hover_same_z", value: bool = True) -> bool:
    """The "same z in both" toggle: hovering one map also decodes that z through the other model
    and marks it on the other map. Returns its state."""
    linked = st.toggle(t("common.hover.same_z"), value=value, wrap=True, key=key, disabled=not hover_enabled(),
                       help=t("common.hover.same_z_help"), persist_state="session")
    if hover_enabled():
        _mount_fn()(key=f"{key}_js", data={"linked": bool(linked)})
    return linked
