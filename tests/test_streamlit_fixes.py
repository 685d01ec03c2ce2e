"""The fix for Streamlit 1.67's lost-update race (aeviz/ui/streamlit_fixes.py): installed once,
and clicks on one map then the other a few milliseconds later (the race's window) all answered,
without click.js's resend. benchmarks/race_probe.py compares with the fix off."""
from __future__ import annotations

import asyncio
import sys
import threading

import streamlit

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import race_probe  # noqa: E402


def test_install_is_idempotent_and_patches_the_known_version():
    from streamlit.runtime.app_session import AppSession

    from aeviz.ui import streamlit_fixes

    active = streamlit_fixes.install()
    assert active == streamlit.__version__.startswith("1.67.")
    method = AppSession._handle_scriptrunner_event_on_event_loop
    assert streamlit_fixes.install() == active
    assert AppSession._handle_scriptrunner_event_on_event_loop is method  # not wrapped twice


def test_quick_click_pairs_are_all_answered(app_server):
    async def probe():
        return await asyncio.gather(*[race_probe.session(app_server.url, k, 12, seed=3) for k in range(4)])

    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(results=asyncio.run(probe())))  # a loop of its own
    worker.start()
    worker.join(400)
    clicks = sum(r[0] for r in box["results"])
    lost = sum(r[1] for r in box["results"])
    assert clicks == 4 * 12 * 2
    assert lost == 0
