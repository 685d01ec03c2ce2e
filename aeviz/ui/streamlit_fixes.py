"""A fix for a lost-update race in Streamlit 1.67's server, applied once per process.

The race (``streamlit/runtime/app_session.py``): a script runner that has just finished a run has
already queued that run's last messages (the decoded image, then ``script_finished``) on the
server's event loop, and only then marks itself stopped. If the next rerun request (a click on the
other map) is handled in between, ``AppSession.request_rerun`` finds the runner stopped, starts a
new one, and from then on ``_handle_scriptrunner_event_on_event_loop`` drops every event whose
sender is not the current runner: the finished run's queued messages are thrown away and the first
click is never answered. Under load (a class clicking) that window is hit a few times in a hundred.

The fix: when a fragment rerun (a click) finds the runner already finished by itself (not stopped
for a full rerun, whose partial output must be dropped), that runner's already-queued events are
still delivered. They were queued before the new runner existed, so they are handled before any of
its events, exactly as if the click had arrived a millisecond later. Its SHUTDOWN event is still
ignored, so the new runner stays current. ``benchmarks/race_probe.py`` shows the loss and the fix.

Only for the Streamlit version read (1.67.x); another version is left untouched (click.js resends
an unanswered click anyway). ``AEVIZ_STREAMLIT_FIX=0`` leaves it off (to measure the race).
"""
from __future__ import annotations

import os
import threading

_lock = threading.Lock()
_installed = False


def install() -> bool:
    """Patch Streamlit's AppSession once; returns whether the fix is active."""
    global _installed
    with _lock:
        if _installed:
            return True
        import streamlit
        from streamlit import config
        from streamlit.runtime.app_session import AppSession
        from streamlit.runtime.scriptrunner import ScriptRunnerEvent

        if not streamlit.__version__.startswith("1.67.") or os.environ.get("AEVIZ_STREAMLIT_FIX") == "0":
            return False
        handle = AppSession._handle_scriptrunner_event_on_event_loop
        request_rerun = AppSession.request_rerun

        def patched_request_rerun(self, client_state=None):
            old = self._scriptrunner
            request_rerun(self, client_state)
            fragment = bool(client_state is not None and client_state.fragment_id)
            if (old is not None and self._scriptrunner is not None and self._scriptrunner is not old
                    and (fragment or not config.get_option("runner.fastReruns"))):
                # ``old`` refused the rerun because it had finished its run on its own.
                self._aeviz_finished_runner = old

        def patched_handle(self, sender, event, *args, **kwargs):
            finished = getattr(self, "_aeviz_finished_runner", None)
            if (sender is not None and sender is finished and sender is not self._scriptrunner
                    and event is not ScriptRunnerEvent.SHUTDOWN):
                current = self._scriptrunner
                self._scriptrunner = sender  # deliver the finished run's queued messages
                try:
                    return handle(self, sender, event, *args, **kwargs)
                finally:
                    self._scriptrunner = current
            if sender is finished and event is ScriptRunnerEvent.SHUTDOWN:
                self._aeviz_finished_runner = None
            return handle(self, sender, event, *args, **kwargs)

        AppSession.request_rerun = patched_request_rerun
        AppSession._handle_scriptrunner_event_on_event_loop = patched_handle
        _installed = True
        return True
