"""Teacher links: named session-state values kept in the URL's query parameters, a "Copy link to
this view" button, and presentation mode (``?present=1``).

``bind(name, key, kind)`` ties ``st.query_params[name]`` to ``st.session_state[key]`` (usually a
widget's key), both ways, and is called before that widget is drawn:

* a URL value this session has not seen yet (a fresh link, or ``st.page_link(query_params=...)``)
  is parsed, checked against ``choices`` / ``bounds`` and written into the session state, so the
  widget opens with it; a value that does not parse is ignored (the widget keeps its default);
* otherwise the session's value is written into the URL, so the address bar always names the view
  on screen (and survives Streamlit clearing the query string on a page switch).

A page that binds several names at once does it inside ``batched()``, so they reach the browser as
one change of its address.

The widgets it binds are drawn with ``persist_state="session"``. Streamlit drops a widget's value
when a run does not draw it, and a page switch clears the query string too, so without it a visit
to another page would bring a page back at its defaults (the studio's settings beside the run they
started, for one).

The page itself is the URL's path (``/`` for the Explorer, the default page; ``/studio``, ``/lesson``). Nothing here knows a
page: each page binds its own names.
"""
from __future__ import annotations

import json
import math
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from aeviz.ui.lang import t

SYNCED = "_aeviz_url_synced"  # session state: URL name -> the text last read from or written to the URL
PRESENT = "present"
JS_FILE = Path(__file__).with_name("web") / "copylink.js"
# The URL writes of a ``batched()`` block not sent yet: name -> text (None: remove the name).
_pending: ContextVar[dict[str, str | None] | None] = ContextVar("aeviz_url_pending", default=None)


def _url_value(name: str) -> str | None:
    """The URL's text for ``name``, counting the writes of a ``batched()`` block not sent yet."""
    pending = _pending.get()
    if pending is not None and name in pending:
        return pending[name]
    return st.query_params.get(name)


def _write(name: str, text: str | None) -> None:
    pending = _pending.get()
    if pending is not None:
        pending[name] = text
    elif text is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = text


@contextmanager
def batched():
    """Send the URL writes of the block as one change. Each write to ``st.query_params`` is one
    message to the browser, which replaces its history entry and re-reads the page's address for
    it (10-20 ms of a slow machine's main thread each): a page that binds a dozen settings sent a
    dozen of them on its first rerun (the studio's Start), while its training had begun. Reads
    through this module see the block's writes; ``st.query_params`` itself sees them at the end."""
    if _pending.get() is not None:  # already inside a batch: that one sends
        yield
        return
    token = _pending.set({})
    try:
        yield
    finally:
        pending = _pending.get() or {}
        _pending.reset(token)
        for name in [n for n, text in pending.items() if text is None]:
            st.query_params.pop(name, None)
        changes = {n: text for n, text in pending.items() if text is not None}
        if changes:
            st.query_params.update(changes)


def dump(value: Any) -> str | None:
    """The URL text of a value (None: leave the name out of the URL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "_".join(dump(v) or "" for v in value)
    return str(value)


def parse(text: str, kind: Callable | type, choices=None, bounds=None) -> Any:
    """``text`` as ``kind`` (str, int, float, bool, or a callable), or None if it is not a valid
    value: not in ``choices``, outside ``bounds`` (inclusive), not finite."""
    try:
        if kind is bool:
            value = {"1": True, "0": False, "true": True, "false": False}[text.lower()]
        elif kind in (int, float):
            value = kind(float(text)) if kind is int else float(text)
            if not math.isfinite(value):
                return None
        else:
            value = kind(text)
    except (ValueError, TypeError, KeyError):
        return None
    if value is None:
        return None
    if choices is not None:
        matches = [c for c in choices if c == value or dump(c) == text]
        if not matches:
            return None
        value = matches[0]
    if bounds is not None and not (bounds[0] <= value <= bounds[1]):
        return None
    return value


def bind(name: str, key: str, kind: Callable | type = str, *, choices=None, bounds=None) -> Any:
    """Keep ``st.session_state[key]`` and ``st.query_params[name]`` in step (see the module
    docstring); returns the session's value (None if it has none yet)."""
    synced = st.session_state.setdefault(SYNCED, {})
    url = _url_value(name)
    if url is not None and url != synced.get(name):
        value = parse(url, kind, choices, bounds)
        if value is not None:
            st.session_state[key] = value
        synced[name] = url
        return st.session_state.get(key)
    if key in st.session_state:
        text = dump(st.session_state[key])
        if text is None:
            if url is not None:
                _write(name, None)
        elif url != text:
            _write(name, text)
        synced[name] = text
    return st.session_state.get(key)


def bind_value(name: str, key: str, parse_text: Callable[[str], Any], dump_value: Callable[[Any], str | None]) -> Any:
    """``bind`` for a session value that is no widget (e.g. a map's last click, a dict): the same
    rules, with the page's own ``parse_text`` (None = invalid) and ``dump_value``."""
    synced = st.session_state.setdefault(SYNCED, {})
    url = _url_value(name)
    if url is not None and url != synced.get(name):
        value = parse_text(url)
        if value is not None:
            st.session_state[key] = value
        synced[name] = url
        return st.session_state.get(key)
    text = dump_value(st.session_state[key]) if st.session_state.get(key) is not None else None
    if text is None:
        if url is not None and key in st.session_state:
            _write(name, None)
    elif url != text:
        _write(name, text)
    synced[name] = text
    return st.session_state.get(key)


def set_param(name: str, value: Any) -> None:
    """Write one value into the URL (and remember it as synced): for state that is no widget."""
    text = dump(value)
    synced = st.session_state.setdefault(SYNCED, {})
    _write(name, text)
    synced[name] = text


def read_param(name: str, kind: Callable | type = str, *, choices=None, bounds=None) -> Any:
    """One URL value, parsed, or None."""
    text = _url_value(name)
    return None if text is None else parse(text, kind, choices, bounds)


def parse_floats(text: str, n: int | None = None) -> list[float] | None:
    """``"1.5_-2"`` -> [1.5, -2.0] (n values if given), or None."""
    try:
        values = [float(v) for v in text.split("_")]
    except ValueError:
        return None
    if (n is not None and len(values) != n) or not all(math.isfinite(v) for v in values):
        return None
    return values


def parse_ints(text: str) -> list[int] | None:
    try:
        return [int(v) for v in text.split("_") if v != ""]
    except ValueError:
        return None


# ---------------------------------------------------------------- presentation mode

def presenting() -> bool:
    """True while the page is in presentation mode (``?present=1``)."""
    bind(PRESENT, "aeviz_present", bool)
    return bool(st.session_state.get("aeviz_present"))


def settings_container(key: str):
    """A container for a page's settings; presentation mode hides it (its key starts with
    ``aeviz_settings_``, which the presentation CSS matches)."""
    return st.container(key=f"aeviz_settings_{key}")


PRESENT_CSS = """
<style>
/* Presentation mode (?present=1): no sidebar, no settings, larger text, maps and images. */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [class*="st-key-aeviz_settings_"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 2rem !important; }
[data-testid="stMain"] { font-size: 1.2rem; }
[data-testid="stImage"] img { min-width: min(100%, 420px); image-rendering: pixelated; }
.aeviz-hover canvas { width: 240px !important; height: 240px !important; }
[class*="st-key-decoded_"] img { width: 260px !important; }
</style>
"""


def hide_in_presentation(*keys: str) -> None:
    """Presentation mode hides these keyed elements too (a page's settings that are not inside a
    ``settings_container``)."""
    if presenting() and keys:
        rules = ", ".join(f".st-key-{k}" for k in keys)
        st.html(f"<style>{rules} {{ display: none !important; }}</style>")


def _leave_presentation() -> None:
    st.session_state["aeviz_present"] = None  # None: the name leaves the URL
    set_param(PRESENT, None)


def page_tools() -> None:
    """Called once per run by the router (app.py), for every page: presentation mode's CSS and its way out."""
    if presenting():
        st.html(PRESENT_CSS)
        st.button(t("common.present.leave"), key="aeviz_leave_present", type="tertiary",
                  icon=":material/close_fullscreen:", on_click=_leave_presentation)


# ---------------------------------------------------------------- the copy button

@st.cache_resource(show_spinner=False)
def _copy_component():
    return st.components.v2.component("aeviz.copylink", js=JS_FILE.read_text(), isolate_styles=False)


def copy_link_button(where=None) -> None:
    """"Copy link to this view" (and the same link for a projector, with ``present=1``). The
    browser copies its own address at the moment of the click, which already holds every bound
    value; where the clipboard is not allowed (plain http on a classroom network), the link is
    shown selected in a text field to copy by hand."""
    texts = {k: t(f"common.link.{k}") for k in ("copy", "copy_present", "copied", "manual", "field")}
    with where or st.container():
        _copy_component()(key="aeviz_copy_link", data=json.dumps(texts))
