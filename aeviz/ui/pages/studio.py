"""The training studio: train an AE and a VAE live and watch their latent maps form.

Training runs in ``aeviz.jobs`` worker threads that call no Streamlit function; this page starts
and stops them and a polling fragment (``studio_live``) draws their progress. A click elsewhere
reruns the page but never touches the worker; a closed tab stops it (heartbeat + session probe).
Its settings live in the URL (``url_state``), so a teacher's link opens the same settings.
"""
from __future__ import annotations

import streamlit as st

from aeviz.jobs import AlreadyRunning, Busy
from aeviz.ui import studio_state as state
from aeviz.ui import url_state
from aeviz.ui.lang import t
from aeviz.ui.studio_live import live_section
from aeviz.ui.studio_save import save_section
from aeviz.ui.studio_settings import URL_CHOICES, URL_RANGES, URL_SETTINGS, settings_ui
from aeviz.ui.texts import error_text


def _start(spec) -> None:
    st.session_state.pop(state.ERROR_KEY, None)
    try:
        state.try_start(spec)
    except Busy:
        pass  # queued: the live view says so and keeps asking
    except AlreadyRunning:
        st.session_state[state.ERROR_KEY] = t("studio.status.already_running")
    except ValueError as e:
        st.session_state[state.ERROR_KEY] = t("studio.status.data_missing", error=error_text(e))


def _stop() -> None:
    if state.WAIT_KEY in st.session_state:
        state.get_registry().leave_queue(state.owner_id())
        del st.session_state[state.WAIT_KEY]
    job = st.session_state.get(state.JOB_KEY)
    if job is not None:
        job.cancel()


def _bind_settings() -> None:
    with url_state.batched():
        for name, (key, kind) in URL_SETTINGS.items():
            url_state.bind(name, key, kind, choices=URL_CHOICES.get(key), bounds=URL_RANGES.get(key))


def page() -> None:
    _bind_settings()
    st.title(t("studio.title"))
    job = st.session_state.get(state.JOB_KEY)
    busy = (job is not None and not job.done) or state.WAIT_KEY in st.session_state
    with url_state.settings_container("studio_settings"):
        with st.expander(t("studio.settings"), expanded=not busy):
            spec, error = settings_ui(disabled=busy)
    if error:
        st.error(error)
    registry = state.get_registry()
    # A wrapping row, not columns: in a sixth of a 1024-px page "Bắt đầu huấn luyện" was cut short.
    with st.container(horizontal=True, wrap=True, vertical_alignment="center", key="studio_buttons"):
        # Handled in the script body, not in a callback: a callback's arguments would be the settings
        # of the previous run, missing a change made just before the click.
        if st.button(t("studio.start"), key="studio_start", type="primary", disabled=busy or spec is None):
            _start(spec)
            st.rerun()  # redraw with the settings locked and Stop enabled
        st.button(t("studio.stop"), key="studio_stop", disabled=not busy, on_click=_stop)
        st.caption(t("studio.places", running=len(registry.running()), limit=registry.max_running))
    if state.ERROR_KEY in st.session_state:
        st.error(st.session_state[state.ERROR_KEY])
    live_section(polling=busy)
    job = st.session_state.get(state.JOB_KEY)
    if job is not None and job.done:
        save_section(job)
