"""The page's language: ``?lang=vi|en`` first, then the browser's language, then English; a
switch in the sidebar changes it and keeps it in the URL. ``t(key, **values)`` looks a string up
in the catalogue of the current language (``aeviz/i18n.py``)."""
from __future__ import annotations

import streamlit as st

from aeviz.i18n import LANGUAGE_NAMES, LANGUAGES, pick_language, translate

LANG_KEY = "lang"


def _browser_locale() -> str | None:
    try:
        return st.context.locale
    except AttributeError:  # no browser behind this run (AppTest)
        return None


def current_language() -> str:
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = pick_language(st.query_params.get("lang"), _browser_locale())
    return st.session_state[LANG_KEY]


def t(key: str, /, **values) -> str:
    """The string ``key`` in the page's language."""
    return translate(current_language(), key, **values)


def _keep_in_url() -> None:
    st.query_params["lang"] = st.session_state[LANG_KEY]


def language_switch() -> str:
    """The sidebar's language switch; returns the language of this run."""
    from aeviz.ui import url_state  # imports this module

    url_state.bind("lang", LANG_KEY, choices=LANGUAGES)
    current_language()
    st.sidebar.segmented_control(t("app.language"), LANGUAGES, format_func=LANGUAGE_NAMES.get,
                                 key=LANG_KEY, required=True, on_change=_keep_in_url)
    return st.session_state[LANG_KEY]


def translator():
    """``t`` bound to this run's language: for ``format_func=`` callbacks, which Streamlit (and
    AppTest) may call outside the script run, where the session's language cannot be read."""
    lang = current_language()
    return lambda key, /, **values: translate(lang, key, **values)
