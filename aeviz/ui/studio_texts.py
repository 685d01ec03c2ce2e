"""The studio's sentences, in the page's language, from the numbers of a job (``JobView``) or the
settings of one (``JobSpec``)."""
from __future__ import annotations

from aeviz.job_progress import ABANDONED, SHUTDOWN, STOPPED_BY_USER, JobView
from aeviz.jobs import Busy, JobSpec
from aeviz.ui.lang import t

REASONS = {STOPPED_BY_USER: "user", ABANDONED: "abandoned", SHUTDOWN: "shutdown"}


def kind_name(kind: str) -> str:
    return t(f"studio.kind.{kind}")


def _fmt_seconds(s: float) -> str:
    return t("studio.progress.seconds", s=s) if s < 90 else t("studio.progress.minutes", m=s / 60)


def progress_text(view: JobView) -> str:
    slowest = min(view.runs.values(), key=lambda r: r.step)
    speed = t("studio.progress.speed", rate=view.samples_per_second)
    if view.state == "running":
        left = (t("studio.progress.left", time=_fmt_seconds(view.eta_seconds)) if view.eta_seconds is not None
                else t("studio.progress.starting"))
        return t("studio.progress.running", epoch=max(slowest.epoch, 1), epochs=slowest.epochs, step=slowest.step,
                 steps=slowest.total_steps, speed=speed, left=left)
    return t("studio.progress.done", state=t(f"studio.state.{view.state}"), recorded=view.epochs_recorded,
             epochs=slowest.epochs, time=_fmt_seconds(view.seconds), speed=speed)


def describe(spec: JobSpec) -> str:
    """``JobSpec.describe`` in the page's language: what is being trained, and how."""
    tc = spec.train
    names = [t("studio.describe.denoising", noise=tc.noise_std) if k == "denoising-ae" else kind_name(k)
             for k in spec.kinds]
    parts = [" + ".join(names), spec.arch.upper(), t("studio.describe.loss", name=tc.recon_loss.upper())]
    if "vae" in spec.kinds:
        parts.append(t("studio.describe.beta", beta=tc.beta))
    parts += [t("studio.describe.epochs" if tc.epochs != 1 else "studio.describe.epoch", n=tc.epochs),
              t("studio.describe.batch", n=tc.batch_size), t("studio.describe.lr", lr=tc.lr),
              t("studio.describe.seed", seed=tc.seed)]
    return " · ".join(parts)


def reason_text(reason: str) -> str:
    return t(f"studio.reason.{REASONS[reason]}") if reason in REASONS else reason


def status_message(view: JobView) -> str:
    """``JobView.message`` in the page's language, from the numbers behind it."""
    parts = []
    if view.state == "abandoned":
        parts.append(t("studio.status.abandoned_reason", reason=reason_text(view.reason or ABANDONED)))
    elif view.state == "cancelled" and view.reason:
        parts.append(t("studio.status.cancelled_reason", reason=reason_text(view.reason)))
    for kind, run in view.runs.items():
        d = run.detail
        if run.status == "diverged" and {"epoch", "step", "loss", "lr"} <= set(d):
            parts.append(t("studio.status.diverged_run", model=kind_name(kind), **{k: d[k] for k in
                                                                                    ("epoch", "step", "loss", "lr")}))
        elif run.status in ("diverged", "failed"):
            parts.append(t("studio.status.failed_run", model=kind_name(kind), error=d.get("error", run.message)))
    return " ".join(parts)


def busy_text(busy: Busy) -> str:
    key = "studio.status.busy_next" if busy.position == 1 else "studio.status.busy"
    return t(key, running=busy.running, limit=busy.limit, position=busy.position)
