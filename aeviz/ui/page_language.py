"""The page's language for the browser and screen readers (``aeviz/ui/web/page_language.js``): the
document's ``lang``, and the catalogue's words in place of the English ones Streamlit writes itself
(the names of its buttons, why a file was refused: ``aeviz/locales/*/streamlit.toml``)."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from aeviz.i18n import catalogue
from aeviz.ui.lang import current_language

JS_FILE = Path(__file__).with_name("web") / "page_language.js"
DOMAIN = "streamlit."


def rules(lang: str) -> list[list[str]]:
    """[Streamlit's English template, the same in ``lang``] for every text that differs: the English
    catalogue holds Streamlit's exact words, the page matches them."""
    english, shown = catalogue("en"), catalogue(lang)
    return [[english[k], shown[k]] for k in sorted(english) if k.startswith(DOMAIN) and shown[k] != english[k]]


@st.cache_resource(show_spinner=False)
def _component():
    return st.components.v2.component("aeviz.page_language", js=JS_FILE.read_text(), isolate_styles=False)


def page_language(where=None) -> None:
    """Called once per run by the router (app.py), for every page."""
    lang = current_language()
    with where or st.container():
        _component()(key="aeviz_page_language", data={"lang": lang, "rules": rules(lang)})
