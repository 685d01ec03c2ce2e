"""``st.file_uploader`` in the page's language. Streamlit writes its button ("Upload"), its limit
("10MB per file • PNG, JPG") and what it shows while a file is dragged over it ("Drag and drop a
file here") in English and offers no way to change them, so CSS hides those texts and shows the
catalogue's in their place. The limit is read from the server's own setting, so the sentence says
what the server enforces.

A file of another type, or one over the limit, is refused in the browser and never reaches the
server: Streamlit shows it as a red chip and says why only in an English tooltip. So CSS also
writes, under the chips, which files the box takes, whenever one of them was refused."""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit import config

from aeviz.ui.lang import t

_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
_LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
# The only child div of the box without a test id: the text shown while a file is dragged over it.
_DROP = '[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span'
# Streamlit marks a refused file's chip aria-invalid; the sentence follows the row of chips.
_REFUSED = '[data-testid="stFileChips"]:has([data-testid="stFileChip"][aria-invalid="true"])'
_REFUSED_RED = "#bd4043"  # 5.3:1 against the white box, so it reads as a message, not a decoration


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


def uploader_css(button: str, limit: str, drop: str, refused: str) -> str:
    # font-size 0 hides Streamlit's own text but keeps its box; the ::after carries the size back.
    return (f"<style>{_BUTTON}, {_LIMIT}, {_DROP} {{ font-size: 0 !important; }}"
            f" {_BUTTON}::after {{ content: {_css_string(button)}; font-size: 0.875rem; }}"
            f" {_LIMIT} {{ white-space: normal !important; }}"
            f" {_LIMIT}::after {{ content: {_css_string(limit)}; font-size: 0.875rem; }}"
            f" {_DROP}::after {{ content: {_css_string(drop)}; font-size: 1rem; }}"
            f" {_REFUSED} {{ flex-wrap: wrap; }}"
            f" {_REFUSED}::after {{ content: {_css_string(refused)}; flex-basis: 100%; display: block;"
            f" font-size: 0.875rem; color: {_REFUSED_RED}; }}</style>")


def file_uploader(label: str, types: Sequence[str], **kwargs):
    """``st.file_uploader(label, type=types, **kwargs)`` with its texts in the page's language."""
    mb, names = config.get_option("server.maxUploadSize"), type_names(types)
    st.html(uploader_css(t("common.upload.button"), t("common.upload.limit", mb=mb, types=names),
                         t("common.upload.drop"), t("common.upload.refused", mb=mb, types=names)))
    return st.file_uploader(label, type=list(types), **kwargs)
