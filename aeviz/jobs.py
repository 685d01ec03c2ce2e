"""Training jobs for the studio: one or two trainings (AE and VAE with the same settings) run in
threads through ``aeviz.training.train`` while a page polls their progress. No Streamlit here.

Threading model: each training runs in its own thread and writes what its callbacks report (step
losses, per-epoch metrics, latent snapshots, reconstructions) into the job's ``Progress``
(``aeviz.job_progress``) behind one lock; a supervisor thread joins them, watches the owner's
heartbeat and frees memory when all is over. Readers take a copy with ``Job.view()``; ``Job.save``
writes a trained model through ``aeviz.job_checkpoints``. The process-wide ``JobRegistry`` caps how
many jobs train at once (``AEVIZ_MAX_TRAININGS``) and keeps a first-come queue of owners who asked
while it was full. The registry is created by the caller (the UI keeps one per process); this
module holds no global state.

The progress views, the stop reasons and the checkpoint helpers are re-exported here, so
``from aeviz.jobs import JobView, ORIGIN, save_new_checkpoint`` keeps working.
"""
from __future__ import annotations

import itertools
import os
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .config import DEFAULT_PENALTY, ModelConfig, TrainConfig
from .data import Dataset
from .job_checkpoints import (NAME_RE, ORIGIN, checkpoint_info, checkpoint_name_error, checkpoint_name_problem,
                              existing_checkpoint_origin, save_new_checkpoint, save_trained)
from .job_progress import ABANDONED, SHUTDOWN, STOPPED_BY_USER, EpochRecord, JobView, Progress, RunView
from .models import build_model
from .torch_threads import training_threads
from .training import pick_device, preview_indices, snapshot_indices, train

__all__ = [
    "MAX_TRAININGS_ENV", "HEARTBEAT_ENV", "DEFAULT_HEARTBEAT_S", "WATCH_INTERVAL_S",
    "max_trainings_setting", "cpu_threads_per_training", "heartbeat_setting",
    "JobSpec", "Job", "JobRegistry", "AlreadyRunning", "Busy",
    # re-exported from aeviz.job_progress
    "ABANDONED", "STOPPED_BY_USER", "SHUTDOWN", "EpochRecord", "RunView", "JobView", "Progress",
    # re-exported from aeviz.job_checkpoints
    "ORIGIN", "NAME_RE", "checkpoint_name_problem", "checkpoint_name_error", "existing_checkpoint_origin",
    "save_new_checkpoint",
]

MAX_TRAININGS_ENV = "AEVIZ_MAX_TRAININGS"
HEARTBEAT_ENV = "AEVIZ_HEARTBEAT_S"
# Seconds without a heartbeat (and without a live session, when the caller can tell) after which
# a job stops itself: a closed tab stops its training within this time.
DEFAULT_HEARTBEAT_S = 6.0
WATCH_INTERVAL_S = 0.2


def max_trainings_setting() -> int:
    """``AEVIZ_MAX_TRAININGS`` if set (>= 1), else 2 with a CUDA GPU and 1 on a CPU."""
    raw = os.environ.get(MAX_TRAININGS_ENV, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{MAX_TRAININGS_ENV} must be a whole number, got {raw!r}") from None
        if value < 1:
            raise ValueError(f"{MAX_TRAININGS_ENV} must be at least 1, got {value}")
        return value
    return 2 if torch.cuda.is_available() else 1


def cpu_threads_per_training(trainings: int, cores: int | None = None) -> int:
    """Torch threads for each of ``trainings`` concurrent CPU trainings: half the cores shared out,
    at least one. Oversubscribed cores are ruinous here: on a 2-core machine shared with other
    work, one AE trained at ~10,000 samples/s with 1 thread but at 300-500 with 2 (measured), as
    torch's worker threads spin waiting for each other."""
    cores = cores or os.cpu_count() or 1
    return max(1, cores // 2 // max(trainings, 1))


def heartbeat_setting() -> float:
    raw = os.environ.get(HEARTBEAT_ENV, "").strip()
    return float(raw) if raw else DEFAULT_HEARTBEAT_S


@dataclass(frozen=True)
class JobSpec:
    """What to train: the same settings for every kind in ``kinds`` (e.g. ("ae", "vae"))."""

    dataset: str
    kinds: tuple[str, ...] = ("ae", "vae")
    arch: str = "mlp"
    latent_dim: int = 2
    train: TrainConfig = field(default_factory=TrainConfig)
    penalty: float | None = None  # the sparse / contractive AE's penalty weight (None: its default)

    def __post_init__(self) -> None:
        if not self.kinds or len(set(self.kinds)) != len(self.kinds):
            raise ValueError(f"kinds must be distinct and not empty, got {self.kinds}")
        for kind in self.kinds:
            self.model_config(kind)  # validates kind and arch
            if kind == "linear-ae" and self.train.recon_loss == "bce":
                raise ValueError("a linear AE has a linear output, so binary cross-entropy does not apply: "
                                 "choose MSE or L1")

    def describe(self) -> str:
        """One line a teacher can read back: what is being trained, and how."""
        t = self.train
        names = {"ae": "AE", "vae": "VAE", "linear-ae": "linear AE", "denoising-ae": f"denoising AE (noise {t.noise_std:g})",
                 **{k: f"{k.split('-')[0]} AE (weight {self.model_config(k).penalty:g})" for k in DEFAULT_PENALTY}}
        parts = [" + ".join(names[k] for k in self.kinds), self.arch.upper(), f"{t.recon_loss.upper()} loss"]
        if "vae" in self.kinds:
            parts.append(f"β {t.beta:g}")
        parts += [f"{t.epochs} epoch{'s' if t.epochs != 1 else ''}", f"batch {t.batch_size}", f"lr {t.lr:g}", f"seed {t.seed}"]
        return " · ".join(parts)

    def model_config(self, kind: str) -> ModelConfig:
        return ModelConfig(kind=kind, arch=self.arch, latent_dim=self.latent_dim, dataset=self.dataset,
                           penalty=self.penalty if kind in DEFAULT_PENALTY else None)

    def train_config(self, kind: str) -> TrainConfig:
        # Input noise belongs to the denoising AE only; beta only matters to the VAE.
        return self.train if kind == "denoising-ae" else replace(self.train, noise_std=0.0)


class Job:
    """One user's training run. ``start()`` launches it; ``view()`` reads it; ``cancel()`` stops
    it; ``heartbeat()`` tells it that its owner still watches. ``owner_alive`` (optional) says
    whether the owner's session still exists: a job whose owner is alive keeps training even when
    the owner stops polling (e.g. looks at another page)."""

    _ids = itertools.count(1)

    def __init__(self, spec: JobSpec, dataset: Dataset, owner: str = "",
                 owner_alive: Callable[[], bool] | None = None, heartbeat_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        if dataset.name != spec.dataset:
            raise ValueError(f"dataset {dataset.name!r} does not match the settings ({spec.dataset!r})")
        self.id = next(self._ids)
        self.spec, self.owner = spec, owner
        self._dataset = dataset
        self.data_description = dataset.describe()
        self.data_info = dataset.to_dict()  # the same, as fields a page can write in its own language
        self.device = str(pick_device(spec.train.device))
        self._owner_alive = owner_alive
        self.heartbeat_s = heartbeat_setting() if heartbeat_s is None else heartbeat_s
        self._clock = clock
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._last_beat = clock()
        self._on_done: Callable[[Job], None] | None = None
        self._thread: threading.Thread | None = None
        self._progress = Progress(spec.kinds, spec.train.epochs, len(dataset.train_labels), spec.train.batch_size,
                                  clock)
        # Filled by the training threads; pages read it once the job is done (single dict operations, so no lock).
        self.models: dict[str, torch.nn.Module] = {}
        preview = preview_indices(snapshot_indices(len(dataset.test_labels), spec.train.snapshot_size))
        self.originals = dataset.test_images[torch.from_numpy(preview)].numpy().astype(np.float32) / 255.0

    # ---- control -------------------------------------------------------------------------
    def start(self, on_done: Callable[["Job"], None] | None = None) -> "Job":
        self._on_done = on_done
        self._last_beat = self._progress.mark_started()
        self._thread = threading.Thread(target=self._supervise, name=f"aeviz-job-{self.id}", daemon=True)
        self._thread.start()
        return self

    def heartbeat(self) -> None:
        self._last_beat = self._clock()

    def cancel(self, reason: str = STOPPED_BY_USER) -> None:
        self._progress.note_reason(reason)
        self._cancel.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the job has ended (all trainings returned and memory is freed)."""
        return self._done.wait(timeout)

    def owner_gone(self) -> bool:
        if self._clock() - self._last_beat <= self.heartbeat_s:
            return False
        if self._owner_alive is not None:
            try:
                return not self._owner_alive()
            except Exception:  # noqa: BLE001 - a broken liveness probe must not keep a job forever
                return True
        return True

    # ---- the threads ---------------------------------------------------------------------
    def _supervise(self) -> None:
        workers = []
        try:
            # On the CPU the trainings share the cores out; the count is put back once they are joined.
            cpu = not torch.cuda.is_available()
            with training_threads(cpu_threads_per_training(len(self.spec.kinds))) if cpu else nullcontext():
                for kind in self.spec.kinds:
                    t = threading.Thread(target=self._train_one, args=(kind,), name=f"aeviz-job-{self.id}-{kind}",
                                         daemon=True)
                    t.start()
                    workers.append(t)
                while any(t.is_alive() for t in workers):
                    if not self._cancel.is_set() and self.owner_gone():
                        self.cancel(ABANDONED)
                    for t in workers:
                        t.join(WATCH_INTERVAL_S / len(workers))
        finally:
            for t in workers:
                t.join()
            if self._progress.mark_ended() == "abandoned":
                self.models.clear()  # nobody can save them any more
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            self._done.set()
            if self._on_done is not None:
                self._on_done(self)

    def _train_one(self, kind: str) -> None:
        cfg = self.spec.train_config(kind)
        try:
            model = build_model(self.spec.model_config(kind), seed=cfg.seed)
            self.models[kind] = model
            self._progress.running(kind)
            result = train(model, self._dataset, cfg, on_step=lambda s: self._progress.step(kind, s),
                           on_epoch=lambda e: self._progress.epoch(kind, e), cancel=self._cancel)
            self._progress.returned(kind, result)
        except Exception as e:  # noqa: BLE001 - report any failure on the page instead of losing it
            self.models.pop(kind, None)  # before the failure shows, so no reader finds a half-trained model
            self._progress.failed(kind, e)
            self._cancel.set()  # the comparison is meaningless with one side missing

    # ---- reading and saving --------------------------------------------------------------
    def view(self) -> JobView:
        """A copy of the job's progress, safe to read without a lock."""
        return self._progress.view(self.id, self.done, self.originals)

    def checkpoint_info(self, kind: str, metrics: dict | None = None) -> dict:
        """The ``info`` of ``save_checkpoint``, with the structure ``python -m aeviz train`` writes."""
        return checkpoint_info(kind, self._progress.result(kind), self.spec.train_config(kind), self._dataset, metrics)

    def save(self, kind: str, root: str | Path, name: str, overwrite: bool = False) -> Path:
        """Write the trained ``kind`` as checkpoint folder ``root/name``; see ``save_new_checkpoint``."""
        if not self.done:
            raise ValueError("the training is still running: stop it or wait for the end")
        return save_trained(kind, self.models.get(kind), self._progress.result(kind), self.spec.train_config(kind),
                            self._dataset, root, name, overwrite=overwrite)


class AlreadyRunning(ValueError):
    """This owner has a training running already (one per owner)."""


class Busy(Exception):
    """The registry is full: ``position`` is this owner's place in the queue (1 = next)."""

    def __init__(self, position: int, running: int, limit: int):
        self.position, self.running, self.limit = position, running, limit
        place = "next in line" if position == 1 else f"number {position} in the queue"
        super().__init__(f"The server is busy: {running} training{'s' if running != 1 else ''} running "
                         f"(limit {limit}). You are {place}; your training starts by itself when a place frees up "
                         "(keep this page open; Stop leaves the queue).")


class JobRegistry:
    """The process-wide limit on concurrent trainings, with a first-come queue.

    An owner who asks while the registry is full is put in the queue and must keep asking
    (``submit`` again, at least every ``queue_ttl_s`` seconds) to keep its place; owners that stop
    asking drop out. Thread-safe.
    """

    def __init__(self, max_running: int | None = None, queue_ttl_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.max_running = max_trainings_setting() if max_running is None else max_running
        self.queue_ttl_s = heartbeat_setting() if queue_ttl_s is None else queue_ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._running: list[Job] = []
        self._queue: dict[str, float] = {}  # owner -> last time it asked (insertion order = arrival)

    def _prune(self) -> None:
        self._running = [j for j in self._running if not j.done]
        now = self._clock()
        self._queue = {o: t for o, t in self._queue.items() if now - t <= self.queue_ttl_s}

    def submit(self, owner: str, make_job: Callable[[], Job]) -> Job:
        """Start ``make_job()`` for ``owner`` if a place is free and nobody queued earlier; else raise Busy."""
        with self._lock:
            self._prune()
            if any(j.owner == owner for j in self._running):
                raise AlreadyRunning("you already have a training running")
            ahead = [o for o in self._queue if o != owner]
            if owner in self._queue:
                ahead = ahead[:list(self._queue).index(owner)]
            free = self.max_running - len(self._running)
            if free > len(ahead):
                self._queue.pop(owner, None)
                job = make_job()
                job.owner = owner
                self._running.append(job)
                job.start(on_done=self._finished)
                return job
            self._queue[owner] = self._clock()
            raise Busy(list(self._queue).index(owner) + 1, len(self._running), self.max_running)

    def leave_queue(self, owner: str) -> None:
        with self._lock:
            self._queue.pop(owner, None)

    def _finished(self, job: Job) -> None:
        with self._lock:
            self._running = [j for j in self._running if j is not job]

    def running(self) -> list[Job]:
        with self._lock:
            self._prune()
            return list(self._running)

    def queued(self) -> list[str]:
        with self._lock:
            self._prune()
            return list(self._queue)

    def stop_all(self, reason: str = SHUTDOWN, wait_s: float = 0.0) -> None:
        """Cancel every running job; with ``wait_s``, wait that long for them to end (at exit, so
        no training thread is killed in the middle of a torch call)."""
        jobs = self.running()
        for job in jobs:
            job.cancel(reason)
        deadline = time.monotonic() + wait_s
        for job in jobs:
            job.wait(max(0.0, deadline - time.monotonic()))
