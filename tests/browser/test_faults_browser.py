"""A real ``streamlit run`` server stopped while a student's training runs: the server's shutdown
(aeviz/ui/server.py) stops the training threads, the server exits promptly and cleanly, and nothing
half-written is left."""
from __future__ import annotations

import shutil
import signal
import time

from conftest import CHECKPOINTS, StreamlitServer, wait_for_app_idle


def test_stopping_the_server_during_a_training(browser, tmp_path, artifacts):
    root = tmp_path / "checkpoints"
    shutil.copytree(CHECKPOINTS, root)
    server = StreamlitServer(root, artifacts / "streamlit-stop-during-training.log")
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(f"{server.url}/studio")
        page.locator(".st-key-studio_start button").wait_for(timeout=90_000)
        wait_for_app_idle(page)
        page.locator(".st-key-studio_start button").click()  # 10 epochs: far longer than this test
        page.get_by_text("Epoch 1/10").first.wait_for(timeout=90_000)
        t = time.monotonic()
        server.proc.terminate()  # SIGTERM, as a service manager stops it
        rc = server.proc.wait(30)
        stopped_in = time.monotonic() - t
        page.context.close()
    finally:
        server.stop()
    log = (artifacts / "streamlit-stop-during-training.log").read_text()
    # Shut down gracefully, then ended by the same signal: uvicorn (the server st.App runs on) raises
    # a caught SIGTERM again once it has shut down, so a service manager sees how it stopped.
    assert rc in (0, -signal.SIGTERM), log[-3000:]
    assert "aeviz: stopped 1 training(s): the server is shutting down" in log, log[-3000:]
    assert stopped_in < 60  # well inside a service manager's stop timeout (systemd: 90 s), even on a busy machine
    assert "Traceback" not in log and "terminate called" not in log, log[-3000:]
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in CHECKPOINTS.iterdir())
    assert not [p for p in root.rglob(".*")]
