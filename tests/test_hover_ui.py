"""The hover preview's Python side (aeviz/ui/hover.py) under AppTest: what it sends, that reruns
send a reference instead of the weights, the off switch, and
the note for decoders the browser cannot run."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aeviz.decoder_export import read_export

DEMO = str(Path(__file__).parent / "apps" / "hover_demo.py")


def components(at: AppTest):
    return [e.proto for e in at.get("bidi_component")]


def test_demo_sends_each_decoder_once_as_bytes():
    at = AppTest.from_file(DEMO, default_timeout=60).run()
    assert not at.exception
    protos = components(at)
    blobs = {read_export(p.bytes)[0]["meta"]["preview"]: p.bytes for p in protos if p.WhichOneof("data") == "bytes"}
    assert set(blobs) == {"hover_ae", "hover_vae"}
    header = read_export(blobs["hover_ae"])[0]
    texts = header["meta"].pop("texts")  # the preview's words, from the catalogue (English here)
    assert texts["title"] == "AE decoder, in your browser" and set(texts) == {"title", "note", "pinned", "partner"}
    assert header["meta"] == {"preview": "hover_ae", "map": "latent_ae", "partner": "hover_vae", "label": "AE",
                             "report": True}
    assert {p.id.rsplit("-", 1)[-1] for p in protos} == {"hover_ae", "hover_vae", "hover_same_z_js"}
    assert all(p.component_name == "aeviz.hover" and "export default function" in p.js_content for p in protos)
    fingerprints = {k: read_export(b)[0]["fingerprint"] for k, b in blobs.items()}
    at.toggle(key="hover_same_z").set_value(False).run()
    # Later runs send a reference to the weights the page already has, not the weights again.
    refs = {json.loads(p.json)["meta"]["preview"]: json.loads(p.json)["fingerprint"]
            for p in components(at) if "fingerprint" in p.json}
    assert refs == fingerprints
    assert not [p for p in components(at) if p.WhichOneof("data") == "bytes"]
    assert [p.json for p in components(at) if "linked" in p.json] == ['{"linked": false}']


def test_off_switch(monkeypatch):
    monkeypatch.setenv("AEVIZ_HOVER", "0")
    at = AppTest.from_file(DEMO, default_timeout=60).run()
    assert not at.exception
    assert components(at) == []
    assert at.toggle(key="hover_same_z").disabled


def _conv_page():
    import streamlit as st
    import torch

    from aeviz.config import ModelConfig
    from aeviz.models import build_model
    from aeviz.ui.hover import hover_preview

    torch.manual_seed(0)
    st.session_state["z"] = hover_preview(build_model(ModelConfig(kind="ae", arch="conv")), "latent_ae", "hover_ae")


def test_conv_decoder_falls_back_with_a_note():
    at = AppTest.from_function(_conv_page, default_timeout=60).run()
    assert not at.exception
    assert components(at) == []
    assert "MLP decoder" in at.caption[0].value and "clicks only" in at.caption[0].value
    assert at.session_state["z"] is None
