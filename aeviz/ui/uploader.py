"""``st.file_uploader`` in the page's language. Streamlit writes its button ("Upload"), its limit
("10MB per file • PNG, JPG") and what it shows while a file is dragged over it ("Drag and drop a
file here") in English and offers no way to change them, so CSS hides those texts and shows the
catalogue's in their place. The limit is read from the server's own setting, so the sentence says
what the server enforces."""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit import config

from aeviz.ui.lang import t

_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
_LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
# The only child div of the box without a test id: the text shown while a file is dragged over it.
_DROP = '[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def type_names(types: Sequence[str]) -> str:
    """"png, jpg, jpeg" as the reader knows them: "PNG, JPEG"."""
    names = []
    for ext in types:
        name = "JPEG" if ext.lower() in ("jpg", "jpeg") else ext.upper()
        if name not in names:
            names.append(name)
    return ", ".join(names)


def uploader_css(button: str, limit: str, drop: str) -> str:
    # font-size 0 hides Streamlit's own text but keeps its box; the ::after carries the size back.
    return (f"<style>{_BUTTON}, {_LIMIT}, {_DROP} {{ font-size: 0 !important; }}"
            f" {_BUTTON}::after {{ content: {_css_string(button)}; font-size: 0.875rem; }}"
            f" {_LIMIT} {{ white-space: normal !important; }}"
            f" {_LIMIT}::after {{ content: {_css_string(limit)}; font-size: 0.875rem; }}"
            f" {_DROP}::after {{ content: {_css_string(drop)}; font-size: 1rem; }}</style>")


def file_uploader(label: str, types: Sequence[str], **kwargs):
    """``st.file_uploader(label, type=types, **kwargs)`` with its texts in the page's language."""
    limit = t("common.upload.limit", mb=config.get_option("server.maxUploadSize"), types=type_names(types))
    st.html(uploader_css(t("common.upload.button"), limit, t("common.upload.drop")))
    return st.file_uploader(label, type=list(types), **kwargs)
