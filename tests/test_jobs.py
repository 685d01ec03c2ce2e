"""The studio's training worker: progress, stop, divergence, the concurrency limit and cleanup."""
from __future__ import annotations

import dataclasses
import math
import threading
import time

import numpy as np
import pytest
import torch

from aeviz.checkpoints import list_checkpoints, load_model, save_checkpoint
from aeviz.config import TrainConfig
from aeviz.job_checkpoints import ORIGIN, checkpoint_name_error, save_new_checkpoint
from aeviz.jobs import Busy, Job, JobRegistry, JobSpec, max_trainings_setting


@pytest.fixture(scope="module")
def small(mnist):
    """1,000 training and 300 test images: an epoch of AE + VAE takes a fraction of a second."""
    return dataclasses.replace(mnist, train_images=mnist.train_images[:1000], train_labels=mnist.train_labels[:1000],
                               test_images=mnist.test_images[:300], test_labels=mnist.test_labels[:300])


def spec(**train) -> JobSpec:
    kinds = train.pop("kinds", ("ae", "vae"))
    return JobSpec("mnist", kinds=kinds, train=TrainConfig(**{"epochs": 2, **train}))


def wait_until(cond, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_job_trains_both_models_and_records_progress(small):
    job = Job(spec(), small).start()
    assert job.wait(60)
    view = job.view()
    assert view.state == "finished" and view.done and view.fraction == 1.0
    assert view.originals.shape == (8, 28, 28) and 0 <= view.originals.min() and view.originals.max() <= 1
    assert set(view.runs) == {"ae", "vae"}
    for kind, run in view.runs.items():
        assert run.status == "finished" and run.epoch == 2 and run.step == run.total_steps == 16
        assert run.samples == 2000
        assert run.steps.shape == (16, 4) and np.isfinite(run.steps).all()
        assert [h.metrics["epoch"] for h in run.history] == [1, 2]
        assert run.history[-1].latents.shape == (300, 2)
        assert run.history[-1].reconstructions.shape == (8, 28, 28)
        assert run.labels.shape == (300,)
        assert not job.models[kind].training  # left in eval mode on the CPU, ready to save
    assert (view.runs["ae"].steps[:, 3] == 0).all() and (view.runs["vae"].steps[:, 3] > 0).all()
    assert view.epochs_recorded == 2
    # The originals shown are the very images train() reconstructs each epoch.
    ae = job.models["ae"]
    with torch.no_grad():
        again = ae.decode(ae.encode(torch.from_numpy(view.originals)[:, None]))[:, 0].numpy()
    np.testing.assert_allclose(again, view.runs["ae"].history[-1].reconstructions, atol=1e-5)


def test_the_eight_previews_span_several_classes(mnist):
    from aeviz.training import preview_indices, snapshot_indices

    picked = preview_indices(snapshot_indices(len(mnist.test_labels), 1000))
    assert len(picked) == 8 and len(set(mnist.test_labels[picked].tolist())) >= 6


def test_view_is_a_copy_while_running(small):
    job = Job(spec(epochs=200), small).start()
    try:
        wait_until(lambda: job.view().runs["ae"].step > 3)
        view = job.view()
        assert view.state == "running" and 0 < view.fraction < 1 and view.eta_seconds > 0
        n = len(view.runs["ae"].steps)
        time.sleep(0.2)
        assert len(view.runs["ae"].steps) == n  # the worker appends to its own list, not ours
    finally:
        job.cancel()
        assert job.wait(10)


def test_stop_ends_the_job_quickly_and_keeps_the_models(small):
    job = Job(spec(epochs=200), small).start()
    wait_until(lambda: job.view().runs["vae"].step > 0)
    t = time.monotonic()
    job.cancel()
    assert job.wait(5)
    assert time.monotonic() - t < 5
    view = job.view()
    assert view.state == "cancelled" and "stopped by the user" in view.message
    assert "stopped by the user after" in view.runs["ae"].message
    assert set(job.models) == {"ae", "vae"}  # what was trained can still be saved


def test_divergence_stops_with_a_message_and_keeps_good_weights(small, tmp_path):
    job = Job(spec(kinds=("ae",), lr=10.0, epochs=3), small).start()
    assert job.wait(60)
    view = job.view()
    assert view.state == "diverged"
    assert "diverged" in view.message and "smaller learning rate" in view.message
    folder = job.save("ae", tmp_path, "diverged-ae")
    model = load_model(folder)  # validates: every weight finite
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_nan_loss_is_caught(small, monkeypatch):
    from aeviz.models import LatentModel

    calls = {"n": 0}
    original = LatentModel.loss

    def poisoned(self, *a, **k):
        terms = original(self, *a, **k)
        calls["n"] += 1
        if calls["n"] > 5:
            terms = {**terms, "loss": terms["loss"] * float("nan")}
        return terms

    monkeypatch.setattr(LatentModel, "loss", poisoned)
    job = Job(spec(kinds=("ae",)), small).start()
    assert job.wait(30)
    assert job.view().state == "diverged"
    assert all(torch.isfinite(p).all() for p in job.models["ae"].parameters())


def test_a_failing_training_is_reported_not_lost(small, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("out of memory (simulated)")

    monkeypatch.setattr("aeviz.jobs.train", broken)
    job = Job(spec(), small).start()
    assert job.wait(10)
    view = job.view()
    assert view.state == "failed" and "out of memory (simulated)" in view.message
    assert job.models == {}


def test_job_stops_and_frees_its_models_when_the_owner_stops_polling(small):
    job = Job(spec(epochs=500), small, heartbeat_s=0.4).start()
    wait_until(lambda: job.view().runs["ae"].step > 0)
    t = time.monotonic()
    assert job.wait(10), "the job kept running without a heartbeat"
    assert time.monotonic() - t < 5
    view = job.view()
    assert view.state == "abandoned" and "closed" in view.message
    assert job.models == {}


def test_heartbeats_or_a_live_session_keep_the_job_running(small):
    polled = Job(spec(epochs=500), small, heartbeat_s=0.3).start()
    away = Job(spec(epochs=500, kinds=("ae",)), small, heartbeat_s=0.3, owner_alive=lambda: True).start()
    try:
        for _ in range(10):  # 1 s, three times the heartbeat limit
            polled.heartbeat()
            time.sleep(0.1)
        assert not polled.done and not away.done  # `away` looks at another page: its session lives
    finally:
        polled.cancel()
        away.cancel()
        assert polled.wait(10) and away.wait(10)
    assert polled.view().state == away.view().state == "cancelled"


def test_registry_limits_concurrent_trainings_and_queues_in_order(small):
    clock = {"t": 0.0}
    reg = JobRegistry(max_running=1, queue_ttl_s=5.0, clock=lambda: clock["t"])
    long = lambda: Job(spec(epochs=500), small)  # noqa: E731
    a = reg.submit("alice", long)
    try:
        with pytest.raises(ValueError, match="already have a training"):
            reg.submit("alice", long)
        with pytest.raises(Busy) as b:
            reg.submit("bob", long)
        assert b.value.position == 1 and b.value.running == 1 and b.value.limit == 1
        assert "busy" in str(b.value) and "next in line" in str(b.value)
        with pytest.raises(Busy) as c:
            reg.submit("carol", long)
        assert c.value.position == 2 and "number 2 in the queue" in str(c.value)
        clock["t"] = 3.0
        with pytest.raises(Busy) as b:
            reg.submit("bob", long)  # asking again keeps bob's place
        assert b.value.position == 1
        a.cancel()
        assert a.wait(10)
        with pytest.raises(Busy):
            reg.submit("carol", long)  # a place is free, but bob asked first
        bob = reg.submit("bob", long)
        assert reg.running() == [bob] and reg.queued() == ["carol"]
        bob.cancel()
        assert bob.wait(10)
        clock["t"] = 20.0  # carol stopped asking: her place lapsed, dave goes first
        dave = reg.submit("dave", long)
        assert reg.queued() == []
        reg.stop_all(wait_s=10)
        assert dave.done and "shutting down" in dave.view().message
    finally:
        reg.stop_all()


def test_max_trainings_setting(monkeypatch):
    monkeypatch.setenv("AEVIZ_MAX_TRAININGS", "3")
    assert max_trainings_setting() == 3
    monkeypatch.setenv("AEVIZ_MAX_TRAININGS", "0")
    with pytest.raises(ValueError):
        max_trainings_setting()
    monkeypatch.delenv("AEVIZ_MAX_TRAININGS")
    assert max_trainings_setting() == (2 if torch.cuda.is_available() else 1)


def test_spec_rejects_bce_for_a_linear_ae():
    with pytest.raises(ValueError, match="MSE or L1"):
        spec(kinds=("linear-ae", "vae"), recon_loss="bce")
    s = spec(kinds=("denoising-ae", "vae"), noise_std=0.3)
    assert s.describe() == "denoising AE (noise 0.3) + VAE · MLP · BCE loss · β 1 · 2 epochs · batch 128 · lr 0.001 · seed 0"
    assert s.train_config("denoising-ae").noise_std == 0.3 and s.train_config("vae").noise_std == 0.0


@pytest.mark.parametrize("name,ok", [("my-run_1.v2", True), ("", False), ("../x", False), ("a/b", False),
                                     (".hidden", False), ("a..b", False), ("x" * 64, False), ("ünï", False)])
def test_checkpoint_names(name, ok):
    assert (checkpoint_name_error(name) is None) == ok


def test_save_never_replaces_a_shipped_checkpoint(small, tmp_path):
    job = Job(spec(kinds=("ae",), epochs=1), small).start()
    assert job.wait(30)
    shipped = tmp_path / "mnist-ae"
    save_checkpoint(job.models["ae"], shipped, {"training": {}})
    before = (shipped / "model.safetensors").read_bytes()
    with pytest.raises(ValueError, match="not made by the training studio"):
        job.save("ae", tmp_path, "mnist-ae", overwrite=True)
    assert (shipped / "model.safetensors").read_bytes() == before
    folder = job.save("ae", tmp_path, "studio-run")
    with pytest.raises(ValueError, match="already exists"):
        job.save("ae", tmp_path, "studio-run")
    job.save("ae", tmp_path, "studio-run", overwrite=True)
    listed = {c["name"]: c for c in list_checkpoints(tmp_path)}
    assert set(listed) == {"mnist-ae", "studio-run"}  # no staging folder left behind
    cfg = listed["studio-run"]
    assert cfg["origin"] == ORIGIN and cfg["result"]["status"] == "finished"
    assert cfg["training"]["epochs"] == 1 and cfg["data"]["train_size"] == 1000
    assert len(cfg["result"]["history"]) == 1 and math.isfinite(cfg["metrics"]["recon_mse"])
    assert load_model(folder).config["kind"] == "ae"
    with pytest.raises(ValueError):
        save_new_checkpoint(job.models["ae"], tmp_path, "../escape", {})


def test_cpu_threads_never_oversubscribe():
    from aeviz.jobs import cpu_threads_per_training

    assert cpu_threads_per_training(2, cores=2) == cpu_threads_per_training(1, cores=2) == 1
    assert cpu_threads_per_training(2, cores=16) == 4 and cpu_threads_per_training(1, cores=16) == 8


def test_the_same_settings_train_the_same_models(small):
    """Press Start three times, get the same AE and VAE: the two trainings, in two threads, drew
    their initial weights and the VAE's noise from torch's one global generator in whatever order
    the threads ran, so two runs in three came out different."""
    runs = []
    for _ in range(3):
        job = Job(spec(epochs=1), small).start()
        assert job.wait(60) and job.view().state == "finished"
        runs.append({kind: model.state_dict() for kind, model in job.models.items()})
    for kind in ("ae", "vae"):
        for other in runs[1:]:
            assert all(torch.equal(runs[0][kind][k], other[kind][k]) for k in runs[0][kind]), kind


def _new_thread_count() -> int:
    """The torch threads a thread started now computes with (Streamlit starts one per rerun)."""
    seen = []
    t = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    t.start()
    t.join()
    return seen[0]


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU training leaves the CPU threads alone")
def test_a_training_puts_torchs_thread_count_back(small, monkeypatch):
    """The trainings compute with their share of the cores; once they end, a new session's thread
    has the count it had before. torch applies its last ``set_num_threads`` to every new thread, so
    after one studio training every later session computed on one thread."""
    from aeviz import jobs

    before = _new_thread_count()
    share = before + 1  # unlike the default, whatever this machine's is
    monkeypatch.setattr(jobs, "cpu_threads_per_training", lambda trainings: share)
    used, real_train = [], jobs.train
    monkeypatch.setattr(jobs, "train", lambda *a, **k: used.append(torch.get_num_threads()) or real_train(*a, **k))
    job = Job(spec(epochs=1), small).start()
    assert job.wait(60) and job.view().state == "finished"
    assert used == [share, share]
    assert _new_thread_count() == before


def test_overlapping_trainings_put_the_count_back_when_the_last_ends():
    from aeviz.torch_threads import training_threads

    before = _new_thread_count()
    with training_threads(before + 1):
        with training_threads(before + 1):
            assert _new_thread_count() == before + 1
        assert _new_thread_count() == before + 1  # the other training still runs
    assert _new_thread_count() == before


def test_the_moved_names_are_still_importable_from_jobs():
    """Progress views and checkpoint helpers moved to their own modules; older imports keep working."""
    from aeviz import job_checkpoints, job_progress, jobs

    for module in (job_progress, job_checkpoints):
        for name in jobs.__all__:
            if hasattr(module, name):
                assert getattr(jobs, name) is getattr(module, name), name
    assert all(hasattr(jobs, name) for name in jobs.__all__)
