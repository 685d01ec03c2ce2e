"""Training jobs for the studio: one or two trainings (AE and VAE with the same settings) run in
threads through ``aeviz.training.train`` while a page polls their progress. No Streamlit here.

Threading model: each training runs in its own thread and writes what its callbacks report (step
losses, per-epoch metrics, latent snapshots, reconstructions) into the job behind one lock; a
supervisor thread joins them, watches the owner's heartbeat and frees memory when all is over.
Readers take a copy with ``Job.view()``. The process-wide ``JobRegistry`` caps how many jobs
train at once (``AEVIZ_MAX_TRAININGS``) and keeps a first-come queue of owners who asked while
it was full. The registry is created by the caller (the UI keeps one per process); this module
holds no global state.
"""
from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .config import DEFAULT_PENALTY, ModelConfig, TrainConfig
from .data import Dataset
from .models import build_model
from .training import EpochInfo, StepInfo, TrainResult, pick_device, preview_indices, snapshot_indices, train

MAX_TRAININGS_ENV = "AEVIZ_MAX_TRAININGS"
HEARTBEAT_ENV = "AEVIZ_HEARTBEAT_S"
# Seconds without a heartbeat (and without a live session, when the caller can tell) after which
# a job stops itself: a closed tab stops its training within this time.
DEFAULT_HEARTBEAT_S = 6.0
WATCH_INTERVAL_S = 0.2
ORIGIN = "training-studio"  # written into every checkpoint the studio saves
ABANDONED = "the page that started it was closed"
STOPPED_BY_USER = "stopped by the user"
SHUTDOWN = "stopped because the server is shutting down"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


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


@dataclass
class EpochRecord:
    metrics: dict  # EpochInfo.metrics()
    latents: np.ndarray | None  # (snapshot, latent_dim)
    reconstructions: np.ndarray | None  # (8, 28, 28) in [0, 1]


@dataclass
class RunView:
    """One training's progress, copied out of the job (safe to read without a lock)."""

    kind: str
    status: str  # "waiting", "running", "finished", "cancelled", "diverged", "failed"
    message: str
    epoch: int
    epochs: int
    step: int
    total_steps: int
    samples: int  # training samples processed so far
    samples_per_second: float
    steps: np.ndarray  # (k, 4): step, loss, recon, kl (window means)
    history: list[EpochRecord]
    labels: np.ndarray | None  # labels of the snapshot subset
    detail: dict = field(default_factory=dict)  # TrainResult.detail, plus "error" for a failure


@dataclass
class JobView:
    id: int
    state: str  # "running", or once done: "finished", "cancelled", "diverged", "failed", "abandoned"
    message: str
    seconds: float
    fraction: float  # 0..1 of all steps of all trainings
    eta_seconds: float | None
    samples_per_second: float
    runs: dict[str, RunView]
    originals: np.ndarray  # (8, 28, 28) the test images whose reconstructions are recorded
    reason: str = ""  # why it was cancelled (STOPPED_BY_USER, ABANDONED, SHUTDOWN or a caller's text)

    @property
    def done(self) -> bool:
        return self.state != "running"

    @property
    def epochs_recorded(self) -> int:
        return max((len(r.history) for r in self.runs.values()), default=0)


class _Run:
    """Mutable progress of one training; only touched under the job's lock."""

    def __init__(self, kind: str, epochs: int, total_steps: int):
        self.kind = kind
        self.status, self.message = "waiting", ""
        self.epoch, self.epochs, self.step, self.total_steps = 0, epochs, 0, total_steps
        self.samples, self.samples_per_second = 0, 0.0
        self.steps: list[tuple[int, float, float, float]] = []
        self.history: list[EpochRecord] = []
        self.labels: np.ndarray | None = None
        self.result: TrainResult | None = None
        self.detail: dict = {}


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
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._reason = ""
        self._last_beat = clock()
        self._started = 0.0
        self._ended: float | None = None
        self._state = "running"
        self._on_done: Callable[[Job], None] | None = None
        self._thread: threading.Thread | None = None
        n, bs = len(dataset.train_labels), spec.train.batch_size
        self._n_train, self._steps_per_epoch = n, math.ceil(n / bs)
        self._runs = {k: _Run(k, spec.train.epochs, self._steps_per_epoch * spec.train.epochs) for k in spec.kinds}
        self.models: dict[str, torch.nn.Module] = {}
        preview = preview_indices(snapshot_indices(len(dataset.test_labels), spec.train.snapshot_size))
        self.originals = dataset.test_images[torch.from_numpy(preview)].numpy().astype(np.float32) / 255.0

    # ---- control -------------------------------------------------------------------------
    def start(self, on_done: Callable[["Job"], None] | None = None) -> "Job":
        self._on_done = on_done
        self._started = self._clock()
        self._last_beat = self._started
        self._thread = threading.Thread(target=self._supervise, name=f"aeviz-job-{self.id}", daemon=True)
        self._thread.start()
        return self

    def heartbeat(self) -> None:
        self._last_beat = self._clock()

    def cancel(self, reason: str = STOPPED_BY_USER) -> None:
        with self._lock:
            if not self._reason:
                self._reason = reason
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
            if not torch.cuda.is_available():
                torch.set_num_threads(cpu_threads_per_training(len(self.spec.kinds)))
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
            with self._lock:
                self._ended = self._clock()
                self._state = self._final_state()
                if self._state == "abandoned":
                    self.models.clear()  # nobody can save them any more
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            self._done.set()
            if self._on_done is not None:
                self._on_done(self)

    def _final_state(self) -> str:
        statuses = [r.status for r in self._runs.values()]
        if self._reason == ABANDONED:
            return "abandoned"
        for s in ("failed", "diverged", "cancelled"):
            if s in statuses:
                return s
        return "finished"

    def _train_one(self, kind: str) -> None:
        run = self._runs[kind]
        cfg = self.spec.train_config(kind)
        try:
            torch.manual_seed(cfg.seed)
            model = build_model(self.spec.model_config(kind))
            with self._lock:
                run.status = "running"
                self.models[kind] = model
            result = train(model, self._dataset, cfg, on_step=lambda s: self._step(run, s),
                           on_epoch=lambda e: self._epoch(run, e), cancel=self._cancel)
            with self._lock:
                run.result = result
                run.detail = dict(result.detail)
                run.status = result.status
                run.message = result.message if result.status != "cancelled" else (
                    f"{self._reason or 'stopped'} after {result.epochs_done} of {cfg.epochs} epochs")
        except Exception as e:  # noqa: BLE001 - report any failure on the page instead of losing it
            with self._lock:
                run.status, run.message = "failed", f"{type(e).__name__}: {e}"
                run.detail = {"error": f"{type(e).__name__}: {e}"}
                self.models.pop(kind, None)
            self._cancel.set()  # the comparison is meaningless with one side missing

    def _step(self, run: _Run, s: StepInfo) -> None:
        e = (s.step - 1) // self._steps_per_epoch
        within = s.step - e * self._steps_per_epoch
        samples = e * self._n_train + min(within * self.spec.train.batch_size, self._n_train)
        with self._lock:
            run.epoch, run.step, run.total_steps = s.epoch, s.step, s.total_steps
            run.samples, run.samples_per_second = samples, s.samples_per_second
            run.steps.append((s.step, s.loss, s.recon, s.kl))

    def _epoch(self, run: _Run, e: EpochInfo) -> None:
        with self._lock:
            run.history.append(EpochRecord(e.metrics(), e.latents, e.reconstructions))
            if run.labels is None and e.labels is not None:
                run.labels = e.labels

    # ---- reading -------------------------------------------------------------------------
    def view(self) -> JobView:
        with self._lock:
            now = self._ended if self._ended is not None else self._clock()
            seconds = max(now - self._started, 0.0) if self._started else 0.0
            runs = {k: RunView(k, r.status, r.message, r.epoch, r.epochs, r.step, r.total_steps, r.samples,
                               r.samples_per_second, np.asarray(r.steps, dtype=np.float64).reshape(-1, 4),
                               list(r.history), r.labels, dict(r.detail))
                    for k, r in self._runs.items()}
            state = self._state if self.done else "running"
            reason = self._reason
        total = sum(r.total_steps for r in runs.values())
        done_steps = sum(r.step for r in runs.values())
        fraction = done_steps / total if total else 0.0
        if state == "finished":
            fraction = 1.0
        eta = seconds * (1 - fraction) / fraction if 0 < fraction < 1 and state == "running" else None
        samples = sum(r.samples for r in runs.values())
        messages = [f"{k.upper()}: {r.message}" for k, r in runs.items() if r.status in ("diverged", "failed")]
        if state == "abandoned":
            messages.insert(0, f"Training stopped: {reason}.")
        elif state == "cancelled" and reason:
            messages.insert(0, f"Training {reason}.")
        return JobView(self.id, state, " ".join(messages), seconds, fraction, eta,
                       samples / seconds if seconds > 0 else 0.0, runs, self.originals, reason)

    # ---- saving --------------------------------------------------------------------------
    def checkpoint_info(self, kind: str, metrics: dict | None = None) -> dict:
        """The ``info`` of ``save_checkpoint``, with the structure ``python -m aeviz train`` writes."""
        with self._lock:
            run = self._runs[kind]
            result = run.result
        if result is None:
            raise ValueError(f"the {kind} training has not returned yet")
        summary = {
            "status": result.status, "message": result.message,
            "epochs": result.epochs_done, "seconds": round(result.seconds, 3),
            "samples_per_second": round(result.samples_per_second, 1), "device": result.device,
            "train_loss": result.train_loss, "test_loss": result.test_loss,
        }
        return {"training": self.spec.train_config(kind).to_dict(), "data": self._dataset.to_dict(),
                "result": {**summary, "history": result.history}, "metrics": metrics or {},
                "origin": ORIGIN}

    def save(self, kind: str, root: str | Path, name: str, overwrite: bool = False) -> Path:
        """Write the trained ``kind`` as checkpoint folder ``root/name``; see ``save_new_checkpoint``."""
        from .analysis import evaluate

        if not self.done:
            raise ValueError("the training is still running: stop it or wait for the end")
        model = self.models.get(kind)
        if model is None:
            raise ValueError(f"no trained {kind} to save (the run failed or was abandoned)")
        info = self.checkpoint_info(kind, evaluate(model, self._dataset))
        return save_new_checkpoint(model, root, name, info, overwrite=overwrite)


def checkpoint_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a checkpoint folder name, as a code ("empty", "pattern", "dots"), or
    None if it can. Pages translate the code; ``checkpoint_name_error`` gives the English sentence."""
    if not name:
        return "empty"
    if not NAME_RE.match(name):
        return "pattern"
    if ".." in name:
        return "dots"
    return None


def checkpoint_name_error(name: str) -> str | None:
    """Why ``name`` cannot be a checkpoint folder name, or None if it can."""
    return {None: None, "empty": "Give the checkpoint a name.",
            "pattern": ("Use 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit "
                        f"(got {name!r})."),
            "dots": "A name may not contain '..'."}[checkpoint_name_problem(name)]


def existing_checkpoint_origin(folder: Path) -> str | None:
    """None if ``folder`` does not exist; else the ``origin`` in its config ("" if it has none)."""
    if not folder.exists():
        return None
    from .checkpoints import read_config

    try:
        return str(read_config(folder).get("origin", ""))
    except ValueError:
        return ""


def save_new_checkpoint(model: torch.nn.Module, root: str | Path, name: str, info: dict,
                        overwrite: bool = False) -> Path:
    """Save into ``root/name`` without ever replacing a checkpoint the studio did not write.

    A new folder is written under a hidden temporary name and renamed into place, so a reader
    (the Explorer listing ``root``) never sees half of one. ``overwrite`` replaces an earlier
    studio checkpoint of the same name; a shipped one is never replaced.
    """
    from .checkpoints import remove_stale_temporaries, save_checkpoint

    error = checkpoint_name_error(name)
    if error:
        raise ValueError(error)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    origin = existing_checkpoint_origin(target)
    if origin is not None:
        if origin != ORIGIN:
            raise ValueError(f"'{name}' already exists and was not made by the training studio: choose another name.")
        if not overwrite:
            raise ValueError(f"'{name}' already exists: choose another name or allow overwriting.")
        save_checkpoint(model, target, info)  # file by file, each write atomic
        return target
    remove_stale_temporaries(root, ".saving-*")  # staging folders of saves killed half-way
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".saving-"))
    try:
        save_checkpoint(model, staging / name, info)
        os.rename(staging / name, target)  # fails rather than merge if someone took the name meanwhile
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


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
