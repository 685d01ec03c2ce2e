"""What a studio job's trainings have reported so far, and the copies a page reads of it.

The training threads of one ``aeviz.jobs.Job`` write into a ``Progress`` (step losses, per-epoch
metrics, latent snapshots, reconstructions, each training's status) through its callbacks; a page
polls ``Progress.view()``, which copies everything out under the same lock and works out the
overall fraction done, the time left and the messages to show. The copies (``JobView``,
``RunView``, ``EpochRecord``) are plain data, safe to read without a lock. No threads and no
Streamlit here.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from .training import EpochInfo, StepInfo, TrainResult

# Why a job was cancelled. Kept here because the final state and the messages depend on them.
ABANDONED = "the page that started it was closed"
STOPPED_BY_USER = "stopped by the user"
SHUTDOWN = "stopped because the server is shutting down"


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
    """Mutable progress of one training; only touched under the ``Progress`` lock."""

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


class Progress:
    """The records of one job's trainings (one per kind), its start and end times, its final
    state and why it was stopped, all behind one lock. Training threads call the recording
    methods; any thread may call ``view()``."""

    def __init__(self, kinds: Iterable[str], epochs: int, n_train: int, batch_size: int,
                 clock: Callable[[], float]):
        self._clock = clock
        self._lock = threading.Lock()
        self._n_train, self._batch_size = n_train, batch_size
        self._steps_per_epoch = math.ceil(n_train / batch_size)
        self._runs = {k: _Run(k, epochs, self._steps_per_epoch * epochs) for k in kinds}
        self._started = 0.0
        self._ended: float | None = None
        self._state = "running"
        self._reason = ""

    # ---- the job's life ------------------------------------------------------------------
    def mark_started(self) -> float:
        """Start the job's clock; returns the moment, for the job's first heartbeat."""
        self._started = self._clock()
        return self._started

    def note_reason(self, reason: str) -> None:
        """Record why the job is being stopped; the first reason given is the one reported."""
        with self._lock:
            if not self._reason:
                self._reason = reason

    def mark_ended(self) -> str:
        """Stop the job's clock once every training has returned; returns the final state."""
        with self._lock:
            self._ended = self._clock()
            self._state = self._final_state()
            return self._state

    def _final_state(self) -> str:
        statuses = [r.status for r in self._runs.values()]
        if self._reason == ABANDONED:
            return "abandoned"
        for s in ("failed", "diverged", "cancelled"):
            if s in statuses:
                return s
        return "finished"

    # ---- one training --------------------------------------------------------------------
    def running(self, kind: str) -> None:
        with self._lock:
            self._runs[kind].status = "running"

    def step(self, kind: str, s: StepInfo) -> None:
        e = (s.step - 1) // self._steps_per_epoch
        within = s.step - e * self._steps_per_epoch
        samples = e * self._n_train + min(within * self._batch_size, self._n_train)
        with self._lock:
            run = self._runs[kind]
            run.epoch, run.step, run.total_steps = s.epoch, s.step, s.total_steps
            run.samples, run.samples_per_second = samples, s.samples_per_second
            run.steps.append((s.step, s.loss, s.recon, s.kl))

    def epoch(self, kind: str, e: EpochInfo) -> None:
        with self._lock:
            run = self._runs[kind]
            run.history.append(EpochRecord(e.metrics(), e.latents, e.reconstructions))
            if run.labels is None and e.labels is not None:
                run.labels = e.labels

    def returned(self, kind: str, result: TrainResult) -> None:
        """``train`` returned ``result`` for ``kind``."""
        with self._lock:
            run = self._runs[kind]
            run.result = result
            run.detail = dict(result.detail)
            run.status = result.status
            run.message = result.message if result.status != "cancelled" else (
                f"{self._reason or 'stopped'} after {result.epochs_done} of {run.epochs} epochs")

    def failed(self, kind: str, error: Exception) -> None:
        with self._lock:
            run = self._runs[kind]
            run.status, run.message = "failed", f"{type(error).__name__}: {error}"
            run.detail = {"error": f"{type(error).__name__}: {error}"}

    def result(self, kind: str) -> TrainResult | None:
        """What ``train`` returned for ``kind``; None while it runs or if it raised."""
        with self._lock:
            return self._runs[kind].result

    # ---- reading -------------------------------------------------------------------------
    def view(self, job_id: int, done: bool, originals: np.ndarray) -> JobView:
        """A copy of everything recorded. ``done`` is the job's own flag: the state stays
        "running" until the job has also freed its memory, so a page that sees a finished view
        can save at once."""
        with self._lock:
            now = self._ended if self._ended is not None else self._clock()
            seconds = max(now - self._started, 0.0) if self._started else 0.0
            runs = {k: RunView(k, r.status, r.message, r.epoch, r.epochs, r.step, r.total_steps, r.samples,
                               r.samples_per_second, np.asarray(r.steps, dtype=np.float64).reshape(-1, 4),
                               list(r.history), r.labels, dict(r.detail))
                    for k, r in self._runs.items()}
            state = self._state if done else "running"
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
        return JobView(job_id, state, " ".join(messages), seconds, fraction, eta,
                       samples / seconds if seconds > 0 else 0.0, runs, originals, reason)
