"""The studio's process-wide and per-session state: the registry of running trainings (one per
process, ``st.cache_resource``), who owns a job, and whether the owner's session still exists."""
from __future__ import annotations

import atexit
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from aeviz.jobs import Busy, Job, JobRegistry, JobSpec
from aeviz.ui.state import get_dataset

JOB_KEY = "studio_job"  # the session's Job (running or done)
WAIT_KEY = "studio_waiting"  # the JobSpec of a session waiting in the queue
ERROR_KEY = "studio_start_error"


SHUTDOWN_REASON = "stopped because the server is shutting down"
_registries: list[JobRegistry] = []


@st.cache_resource(show_spinner=False)
def get_registry() -> JobRegistry:
    """Shared by every session: the server-wide limit on concurrent trainings (AEVIZ_MAX_TRAININGS)."""
    registry = JobRegistry()
    _registries.append(registry)
    return registry


def stop_trainings(wait_s: float = 5.0) -> int:
    """Stop every running training of this process, waiting up to ``wait_s`` for them to end (the
    server's shutdown); returns how many were running."""
    running = sum(len(r.running()) for r in _registries)
    for registry in _registries:
        registry.stop_all(SHUTDOWN_REASON, wait_s)
    return running


# A process that exits normally (the CLI, AppTest) stops them at exit; the app's server, which
# exits by its stop signal, in its shutdown (aeviz/ui/server.py).
atexit.register(stop_trainings)


def owner_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


def session_alive_probe(session_id: str) -> Callable[[], bool] | None:
    """A thread-safe check that the browser session still exists (None outside a server, e.g. in
    AppTest). It keeps a training alive while its owner looks at another page, and lets it stop
    within the heartbeat time once the tab is closed (the session is then disconnected)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    runtime = Runtime.instance()
    return lambda: runtime.is_active_session(session_id)


def try_start(spec: JobSpec) -> Job:
    """Start ``spec`` for this session, or raise ``Busy`` (this session then waits in the queue:
    call again, as the live view does every poll, to keep its place). ``ValueError`` if the data
    cannot be loaded."""
    registry, owner = get_registry(), owner_id()
    dataset = get_dataset(spec.dataset)
    probe = session_alive_probe(owner)
    try:
        job = registry.submit(owner, lambda: Job(spec, dataset, owner=owner, owner_alive=probe))
    except Busy:
        st.session_state[WAIT_KEY] = spec
        raise
    st.session_state.pop(WAIT_KEY, None)
    st.session_state[JOB_KEY] = job
    return job
