"""Faults a classroom server meets: a process killed while it saves, a checkpoint corrupted on
disk, a training stopped by a divergence, a closed tab or a server shutdown. Each leaves the app
working, no stray thread and no half-written file."""
from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from aeviz.checkpoints import load_model, save_checkpoint
from aeviz.config import ModelConfig, TrainConfig
from aeviz.jobs import Job, JobRegistry, JobSpec
from aeviz.models import build_model

from conftest import latent_maps

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 90


def stray_files(folder: Path) -> list[str]:
    """Temporary or half-written files: hidden names (``.x.tmp``, ``.saving-*``, ``.x.part``)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*"))


def job_threads(job: Job) -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(f"aeviz-job-{job.id}") and t.is_alive()]


# ---- a process killed while it saves a checkpoint ----------------------------------------------

SAVER = textwrap.dedent("""
    import sys, torch
    from aeviz.checkpoints import save_checkpoint
    from aeviz.config import ModelConfig
    from aeviz.models import build_model

    folder = sys.argv[1]
    torch.manual_seed(1)
    # Wide layers: ~46 MB of weights, so each save takes long enough to be caught in the middle.
    model = build_model(ModelConfig(kind="ae", hidden=(2048, 2048)))
    i = 0
    while True:
        i += 1
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(i)  # every save differs, and all its weights say which save it was
        save_checkpoint(model, folder, {"save": i})
        print(i, flush=True)
""")


def test_a_process_killed_while_saving_leaves_the_previous_checkpoint_loadable(tmp_path):
    folder = tmp_path / "ckpt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    caught_mid_write = 0
    for attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(folder)], stdout=subprocess.PIPE, text=True,
                                env=env, cwd=ROOT)
        try:
            first = proc.stdout.readline()  # one whole save is on disk
            assert first.strip(), "the saver died before its first save"
            deadline = time.monotonic() + 60
            while not list(folder.glob(".model.safetensors.*.tmp")):  # the next save is being written
                assert time.monotonic() < deadline, "never saw a save in progress"
                time.sleep(0.005)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        caught_mid_write += bool(list(folder.glob(".model.safetensors.*.tmp")))
        model = load_model(folder)  # validates every tensor: shapes, dtypes, finite
        saved = int(model.config["save"])
        assert saved >= 1
        # Weights and config are of one and the same save (the weights were written first).
        value = next(model.parameters()).flatten()[0].item()
        assert value in (saved, saved + 1)
    assert caught_mid_write, "no kill landed in the middle of a write"


def test_a_new_save_clears_the_leftovers_of_a_killed_one(tmp_path):
    model = build_model(ModelConfig(kind="ae"))
    save_checkpoint(model, tmp_path / "ckpt", {})
    leftover = tmp_path / "ckpt" / ".model.safetensors.abc123.tmp"
    leftover.write_bytes(b"half a file")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    save_checkpoint(model, tmp_path / "ckpt", {})
    assert stray_files(tmp_path / "ckpt") == []
    load_model(tmp_path / "ckpt")


def test_a_studio_save_clears_the_staging_folder_of_a_killed_one(tmp_path):
    from aeviz.job_checkpoints import save_new_checkpoint

    staging = tmp_path / ".saving-abc123" / "half"
    staging.mkdir(parents=True)
    (staging / "model.safetensors").write_bytes(b"half a file")
    old = time.time() - 3600
    os.utime(staging.parent, (old, old))
    save_new_checkpoint(build_model(ModelConfig(kind="ae")), tmp_path, "fresh", {})
    assert stray_files(tmp_path) == []
    load_model(tmp_path / "fresh")


# ---- a shipped checkpoint corrupted on disk ----------------------------------------------------

@pytest.fixture
def corrupted_vae(checkpoint_copy, tmp_path, monkeypatch):
    root = tmp_path / "ckpts"
    shutil.copytree(checkpoint_copy, root)
    weights = root / "mnist-vae" / "model.safetensors"
    blob = bytearray(weights.read_bytes())
    blob[len(blob) // 2:] = os.urandom(len(blob) - len(blob) // 2)  # a disk error in the second half
    weights.write_bytes(bytes(blob[: len(blob) * 3 // 4]))  # and truncated
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(root))
    monkeypatch.setenv("AEVIZ_OFFLINE", "1")
    return root


def test_a_corrupted_checkpoint_disables_only_that_model(corrupted_vae):
    with pytest.raises(ValueError):
        load_model(corrupted_vae / "mnist-vae")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("mnist-vae" in e for e in errors), errors
    assert len(latent_maps(at)) >= 1  # the AE's map is still drawn
    # The sections below the maps still run with one side missing.
    for section in ("manifold", "interpolation", "sampling"):
        at.session_state["explorer_section"] = section
        at.run()
        assert not at.exception, section
        assert len(latent_maps(at)) >= 1
    # The other dataset's pair is untouched (where its data is installed).
    at.session_state["explorer_dataset"] = "fashion-mnist"
    at.run()
    assert not at.exception
    assert not any("`mnist-vae`" in e.value for e in at.error)
    messages = [e.value for e in at.error]
    assert len(latent_maps(at)) == 2 or any("Fashion-MNIST" in m for m in messages), messages


def test_a_corrupted_checkpoint_is_explained_in_vietnamese(corrupted_vae):
    """The load error is a code with values (aeviz/errors.py), so the page says it in the reader's
    language; the CLI's English text (str of the error) stays out of a Vietnamese page."""
    from aeviz.i18n import translate

    with pytest.raises(ValueError) as raised:
        load_model(corrupted_vae / "mnist-vae")
    english = str(raised.value)
    assert "is not a readable safetensors file" in english  # the CLI and logs keep the English sentence
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "vi"
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    path = str(corrupted_vae / "mnist-vae" / "model.safetensors")
    expected = translate("vi", "explorer.cannot_show", name="mnist-vae",
                         error=translate("vi", "errors.checkpoint.weights_unreadable", path=path))
    assert expected in errors, errors
    assert not any("readable safetensors" in e or "Cannot show" in e for e in errors), errors
    # The other pages that load the pair say it in Vietnamese too.
    at = AppTest.from_string("from aeviz.ui.pages import anomaly\nanomaly.page()\n", default_timeout=TIMEOUT)
    at.query_params["lang"] = "vi"
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and all("safetensors đọc được" in e and "readable" not in e for e in errors), errors


@pytest.mark.parametrize("module", ["studio", "anomaly", "digit", "lenses", "about"])
def test_the_other_pages_work_with_a_corrupted_checkpoint(corrupted_vae, module):
    at = AppTest.from_string(f"from aeviz.ui.pages import {module}\n{module}.page()\n",
                             default_timeout=TIMEOUT).run()
    assert not at.exception
    # A page that uses the broken model says so by name; nothing else is reported as broken.
    assert all("mnist-vae" in e.value for e in at.error), [e.value for e in at.error]


# ---- trainings that end early leave nothing behind --------------------------------------------

@pytest.fixture(scope="module")
def small(mnist):
    return dataclasses.replace(mnist, train_images=mnist.train_images[:1000], train_labels=mnist.train_labels[:1000],
                               test_images=mnist.test_images[:300], test_labels=mnist.test_labels[:300])


def spec(**train) -> JobSpec:
    kinds = train.pop("kinds", ("ae", "vae"))
    return JobSpec("mnist", kinds=kinds, train=TrainConfig(**{"epochs": 2, **train}))


def test_a_diverged_training_leaves_no_thread_and_saves_whole_files(small, tmp_path):
    job = Job(spec(lr=10.0, epochs=3), small, heartbeat_s=1e9).start()
    assert job.wait(60)
    assert job.view().state == "diverged"
    assert job_threads(job) == []
    job.save("vae", tmp_path, "after-divergence")
    assert stray_files(tmp_path) == []
    load_model(tmp_path / "after-divergence")


def test_a_closed_tab_leaves_no_thread_and_nothing_to_save(small, tmp_path):
    alive = {"session": True}
    job = Job(spec(epochs=500), small, heartbeat_s=0.3, owner_alive=lambda: alive["session"]).start()
    deadline = time.monotonic() + 30
    while job.view().runs["vae"].step == 0:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    alive["session"] = False  # the browser tab is closed: the session is gone, heartbeats stop
    assert job.wait(10)
    assert job.view().state == "abandoned" and job.models == {}
    assert job_threads(job) == []
    with pytest.raises(ValueError):
        job.save("ae", tmp_path, "orphan")
    assert list(tmp_path.iterdir()) == []


def test_stopping_the_server_ends_every_training_before_exit(small):
    """What the studio runs at exit (``stop_trainings``: ``registry.stop_all(..., 5.0)``): every job is told to
    stop and its threads have ended before the interpreter tears torch down."""
    reg = JobRegistry(max_running=2)
    jobs = [reg.submit(owner, lambda: Job(spec(epochs=500), small, heartbeat_s=1e9)) for owner in ("a", "b")]
    deadline = time.monotonic() + 30
    while not all(j.view().runs["ae"].step > 0 for j in jobs):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    t = time.monotonic()
    reg.stop_all("stopped because the server is shutting down", 5.0)
    assert time.monotonic() - t < 5
    for job in jobs:
        assert job.done and "shutting down" in job.view().message
        assert job_threads(job) == []
    assert reg.running() == []


SERVER = textwrap.dedent("""
    import dataclasses, sys, time
    import streamlit  # noqa: F401 - the studio's registry lives in st.cache_resource
    from aeviz.data import load_dataset
    from aeviz.jobs import Job, JobSpec
    from aeviz.config import TrainConfig
    from aeviz.ui.studio_state import get_registry

    d = load_dataset("mnist", allow_download=False)
    job = get_registry().submit("s", lambda: Job(JobSpec("mnist", train=TrainConfig(epochs=500)), d, heartbeat_s=1e9))
    while job.view().runs["ae"].step == 0:
        time.sleep(0.05)
    print("training", flush=True)
    # The main thread waits in short ticks, as a server's loop does (uvicorn's ticks every 0.1 s). A
    # process-wide SIGTERM can be taken by whichever thread the kernel runs first, often a busy
    # training thread; Python then runs the handler only when the main thread next runs bytecode,
    # so one long time.sleep(600) would never see it (this test hung that way in 2 runs of 24).
    while True:
        time.sleep(0.1)
""")


def test_a_server_process_stopped_mid_training_exits_cleanly(tmp_path):
    """A process that turns SIGTERM into a normal interpreter exit, stopped during a training: the
    at-exit hook stops the threads, the process exits within seconds, without a traceback or a
    torch crash. (The app's own server stops them in its shutdown instead, aeviz/ui/server.py:
    tests/browser/test_faults_browser.py.)"""
    script = tmp_path / "server.py"
    # If the exit hangs, faulthandler writes every thread's stack to stderr and ends the process after
    # 15 s, so the failure below says where it hung.
    script.write_text("import faulthandler, signal, sys\n"
                      "signal.signal(signal.SIGTERM, lambda *a: (faulthandler.dump_traceback_later(15, exit=True), sys.exit(0)))\n"
                      + SERVER)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "AEVIZ_OFFLINE": "1"}, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "training"
        t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(20)
        stderr = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rc == 0, stderr[-6000:]  # the stacks, if it hung
    assert time.monotonic() - t < 10
    assert "Traceback" not in stderr and "terminate called" not in stderr, stderr[-2000:]
