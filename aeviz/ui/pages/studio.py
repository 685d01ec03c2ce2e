"""The training studio (issue 4): train an AE and a VAE live and watch their latent maps form.

Training runs in ``aeviz.jobs`` worker threads that call no Streamlit function; this page starts
and stops them and a polling fragment (``studio_live``) draws their progress. A click elsewhere
reruns the page but never touches the worker; a closed tab stops it (heartbeat + session probe).
"""
from __future__ import annotations

import streamlit as st

from aeviz.jobs import Busy
from aeviz.ui import studio_state as state
from aeviz.ui.studio_live import live_section
from aeviz.ui.studio_save import save_section
from aeviz.ui.studio_settings import settings_ui


def _start(spec) -> None:
    st.session_state.pop(state.ERROR_KEY, None)
    try:
        state.try_start(spec)
    except Busy:
        pass  # queued: the live view says so and keeps asking
    except ValueError as e:
        st.session_state[state.ERROR_KEY] = str(e)


def _stop() -> None:
    if state.WAIT_KEY in st.session_state:
        state.get_registry().leave_queue(state.owner_id())
        del st.session_state[state.WAIT_KEY]
    job = st.session_state.get(state.JOB_KEY)
    if job is not None:
        job.cancel("stopped by the user")


def page() -> None:
    st.title("Training studio")
    job = st.session_state.get(state.JOB_KEY)
    busy = (job is not None and not job.done) or state.WAIT_KEY in st.session_state
    with st.expander("Settings", expanded=not busy):
        spec, error = settings_ui(disabled=busy)
    if error:
        st.error(error)
    registry = state.get_registry()
    start, stop, info = st.columns([1, 1, 4], vertical_alignment="center")
    # Handled in the script body, not in a callback: a callback's arguments would be the settings
    # of the previous run, missing a change made just before the click.
    if start.button("Start training", key="studio_start", type="primary", disabled=busy or spec is None,
                    width="stretch"):
        _start(spec)
        st.rerun()  # redraw with the settings locked and Stop enabled
    stop.button("Stop", key="studio_stop", disabled=not busy, on_click=_stop, width="stretch")
    running = len(registry.running())
    info.caption(f"Trainings on this server: {running} of {registry.max_running} places in use. "
                 "You can look at other pages meanwhile: the training goes on.")
    if state.ERROR_KEY in st.session_state:
        st.error(st.session_state[state.ERROR_KEY])
    live_section()
    job = st.session_state.get(state.JOB_KEY)
    if job is not None and job.done:
        save_section(job)
