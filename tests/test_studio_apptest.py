"""AppTest (no browser) of the training studio: a one-epoch AE + VAE run, the replay, Save, the
busy queue, Stop and a diverging learning rate.

AppTest does not simulate ``run_every`` (streamlit-notes §5), so a test takes the job out of
``session_state["studio_job"]``, waits for it, and reruns the page."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from aeviz.checkpoints import list_checkpoints, load_model
from aeviz.plots import axis_range_for
from conftest import component_data, latent_maps

TIMEOUT = 90
SCRIPT = "from aeviz.ui.pages import studio\nstudio.page()\n"


@pytest.fixture
def studio(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_OFFLINE", "1")
    monkeypatch.setenv("AEVIZ_HEARTBEAT_S", "60")  # a test may sit between reruns for a while
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT).run()
    assert not at.exception
    yield at
    job = at.session_state["studio_job"] if "studio_job" in at.session_state else None
    if job is not None:
        job.cancel()
        assert job.wait(30)


def _start(at, epochs: int = 1, lr: float | None = None) -> None:
    at.slider(key="studio_epochs").set_value(epochs)
    if lr is not None:
        at.select_slider(key="studio_lr").set_value(lr)
    at.button(key="studio_start").click().run()
    assert not at.exception


def _finish(at):
    job = at.session_state["studio_job"]
    assert job.wait(120), "the training did not end"
    at.run()
    assert not at.exception
    return job


def _texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "error", "warning", "success", "info")
             for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    return "\n".join(parts + [p.proto.text for p in at.get("progress")])


def test_one_epoch_run_shows_maps_and_saves_a_checkpoint(studio, tmp_path):
    at = studio
    assert at.button(key="studio_start").disabled is False
    assert "Start training" in _texts(at) or at.button(key="studio_start").label == "Start training"
    _start(at, epochs=1)
    job = at.session_state["studio_job"]
    assert job.spec.kinds == ("ae", "vae") and job.spec.arch == "mlp" and job.spec.train.epochs == 1
    assert at.button(key="studio_start").disabled and not at.button(key="studio_stop").disabled
    _finish(at)
    text = _texts(at)
    assert "Finished: 1 of 1 epochs" in text, text
    assert "AE + VAE · MLP · BCE loss · β 1 · 1 epoch · batch 128 · lr 0.001 · seed 0" in text
    assert at.get("progress")[0].proto.value == 100
    # Finished: the maps are the explorer's map widget and the curves a canvas, no plotly chart
    # (its bundle kept the finished view off screen for seconds).
    assert not at.get("plotly_chart")
    maps = latent_maps(at)
    assert [m["label"] for m in maps] == ["AE · epoch 1", "VAE · epoch 1"]
    assert [m["id"] for m in maps] == [f"studio-{job.id}-ae", f"studio-{job.id}-vae"]
    assert [len(m["classes"]) for m in maps] == [10, 10]  # one per digit class
    assert sum(len(c["xs"]) for c in maps[0]["classes"]) == len(job.view().runs["ae"].labels)
    (curves,) = component_data(at, "aeviz_canvas_plot")
    assert [p["title"] for p in curves["panels"]] == ["Reconstruction loss per image", "KL term per image (VAE)"]
    assert [s["name"] for s in curves["panels"][0]["series"]] == ["AE reconstruction", "VAE reconstruction"]
    assert len(at.get("image")) == 1 and at.get("image")[0].proto.imgs[0].url.endswith(".png")
    assert not at.button(key="studio_start").disabled and at.button(key="studio_stop").disabled

    at.text_input(key=f"studio_save_name_{job.id}").set_value("apptest-run").run()
    assert "`apptest-run-ae`, `apptest-run-vae`" in _texts(at)
    at.button(key="studio_save").click().run()
    assert not at.exception
    assert "Saved `apptest-run-ae`, `apptest-run-vae`" in _texts(at)
    listed = {c["name"]: c for c in list_checkpoints(tmp_path)}
    assert set(listed) == {"apptest-run-ae", "apptest-run-vae"}
    assert listed["apptest-run-vae"]["kind"] == "vae" and listed["apptest-run-vae"]["result"]["epochs"] == 1
    assert load_model(tmp_path / "apptest-run-ae").config["origin"] == "training-studio"

    # Saving again under the same name needs an explicit "replace".
    at.run()
    assert at.button(key="studio_save").disabled
    at.checkbox(key=f"studio_overwrite_{job.id}").check().run()
    assert not at.button(key="studio_save").disabled


def test_a_shipped_name_and_a_bad_name_are_refused(studio, tmp_path):
    at = studio
    (tmp_path / "mnist-ae").mkdir()
    (tmp_path / "mnist-ae" / "config.json").write_text('{"kind": "ae"}')
    at.radio(key="studio_mode").set_value("ae").run()
    _start(at, epochs=1)
    job = _finish(at)
    name = at.text_input(key=f"studio_save_name_{job.id}")
    name.set_value("mnist-ae").run()
    assert "already exists and was not made here" in _texts(at)
    assert at.button(key="studio_save").disabled
    at.text_input(key=f"studio_save_name_{job.id}").set_value("../evil").run()
    assert "Use 1 to 63 letters" in _texts(at)
    assert at.button(key="studio_save").disabled


def test_busy_server_queues_then_starts(studio, mnist):
    from aeviz.config import TrainConfig
    from aeviz.jobs import Job, JobSpec
    from aeviz.ui.studio_state import get_registry

    at = studio
    registry = get_registry()  # the same process-wide object the page uses
    assert registry.max_running == 1
    other = registry.submit("someone-else", lambda: Job(
        JobSpec("mnist", kinds=("ae",), train=TrainConfig(epochs=500)), mnist, heartbeat_s=60))
    try:
        _start(at, epochs=1)
        assert "studio_job" not in at.session_state
        text = _texts(at)
        assert "The server is busy: 1 of 1 places in use. You are next in line" in text, text
        assert not at.button(key="studio_stop").disabled  # leaves the queue
    finally:
        other.cancel()
        assert other.wait(30)
    at.run()  # the live view asks again: now there is a place
    assert "studio_job" in at.session_state and "studio_waiting" not in at.session_state
    _finish(at)
    assert "Finished: 1 of 1 epochs" in _texts(at)


def test_stop_and_divergence_are_shown(studio):
    at = studio
    at.radio(key="studio_mode").set_value("ae").run()
    _start(at, epochs=3, lr=10.0)
    job = _finish(at)
    assert job.view().state == "diverged"
    text = _texts(at)
    assert "training diverged" in text and "The last good weights are kept" in text and "Save them below" in text
    assert not at.button(key="studio_save").disabled

    _start(at, epochs=50, lr=1e-3)
    at.button(key="studio_stop").click().run()
    _finish(at)
    assert "stopped by the user" in _texts(at)


def test_the_replay_moves_the_map_between_epochs_on_fixed_axes(studio):
    """The replay's map keeps its id and, on fixed axes, its range from epoch to epoch: the browser
    keeps the teacher's zoom while the scrubber moves (web/latent_map.js)."""
    at = studio
    at.radio(key="studio_mode").set_value("ae").run()
    _start(at, epochs=2)
    job = _finish(at)
    (last,) = latent_maps(at)
    assert last["label"] == "AE · epoch 2"
    at.slider(key=f"studio_epoch_{job.id}").set_value(1).run()
    assert not at.exception
    (first,) = latent_maps(at)
    assert first["label"] == "AE · epoch 1" and first["id"] == last["id"]
    assert first["range"] == last["range"]  # fixed axes (on by default): one range for every epoch
    history = job.view().runs["ae"].history
    xs = sorted(x for c in first["classes"] for x in c["xs"])
    assert np.allclose(xs, np.sort(np.round(history[0].latents[:, 0], 3)), atol=1e-3)  # epoch 1's codes
    at.toggle(key=f"studio_fixed_axes_{job.id}").set_value(False).run()
    (own,) = latent_maps(at)
    assert np.allclose(own["range"], axis_range_for(history[0].latents)) and own["range"] != first["range"]


def test_a_poll_waits_for_the_end_only_when_it_is_due_within_the_wait(studio):
    """``ends_soon``: the live view waits (up to END_WAIT_S) for a run being stopped, one whose steps
    are all done, or one whose estimate says it ends within the wait, so the finished view is not a
    poll late; a run further from its end is drawn and left alone."""
    from aeviz.ui.studio_live import END_WAIT_S, POLL_S, ends_soon

    at = studio
    at.radio(key="studio_mode").set_value("ae").run()
    _start(at, epochs=1)
    finished = _finish(at).view()
    assert not ends_soon(finished)
    running = dataclasses.replace(finished, state="running")
    assert ends_soon(dataclasses.replace(running, fraction=1.0, eta_seconds=None))  # the last test pass
    assert ends_soon(dataclasses.replace(running, fraction=0.95, eta_seconds=END_WAIT_S / 2))
    assert not ends_soon(dataclasses.replace(running, fraction=0.5, eta_seconds=3.0))
    assert ends_soon(dataclasses.replace(running, fraction=0.1, eta_seconds=9.0, reason="stopped by the user"))
    assert not ends_soon(dataclasses.replace(running, fraction=0.0, eta_seconds=None))  # not started
    assert 0 < END_WAIT_S < POLL_S - 0.2  # the wait is over before the next poll is due


class _EndsWhileThePageIsDrawn:
    """A finished job, except that the page's first look at ``done`` finds it still running: a job
    that ends between the top of the page and its live view, as one stopped early does."""

    def __init__(self, job):
        self._job, self._looks = job, 0

    def __getattr__(self, name):
        return getattr(self._job, name)

    @property
    def done(self) -> bool:
        self._looks += 1
        return self._looks > 1 and self._job.done


def test_a_job_that_ends_while_the_page_is_drawn_leaves_start_enabled(studio):
    """The live view polls for what the page above it was drawn for: seeing the end, it redraws the
    whole page, so Start is enabled again under the finished view (it once stayed disabled)."""
    at = studio
    at.radio(key="studio_mode").set_value("ae").run()
    _start(at, epochs=1)
    job = _finish(at)
    at.session_state["studio_job"] = _EndsWhileThePageIsDrawn(job)
    at.run()
    assert not at.exception
    assert "Finished: 1 of 1 epochs" in _texts(at)
    assert not at.button(key="studio_start").disabled and at.button(key="studio_stop").disabled
