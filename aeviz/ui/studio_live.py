"""The studio's live view: a fragment that polls the job (``run_every``) and draws its progress,
loss curves, latent maps and reconstructions; once the job is done, the same view replays any
epoch with a scrubber. It only reads the job (``Job.view()`` is a copy), so it never blocks it."""
from __future__ import annotations

import streamlit as st

from aeviz.data import CLASS_NAMES
from aeviz.jobs import Busy, JobView
from aeviz.ui import studio_state as state
from aeviz.ui.studio_plots import KIND_NAMES, latent_map, loss_figure, reconstruction_strip, shared_range

POLL_S = 1.0  # seconds between redraws while training (each one is also the job's heartbeat)


def _fmt_seconds(s: float) -> str:
    return f"{s:.0f} s" if s < 90 else f"{s / 60:.1f} min"


def progress_text(view: JobView) -> str:
    slowest = min(view.runs.values(), key=lambda r: r.step)
    speed = f"{view.samples_per_second:,.0f} samples/s"
    if view.state == "running":
        left = f"about {_fmt_seconds(view.eta_seconds)} left" if view.eta_seconds is not None else "starting…"
        return (f"Epoch {max(slowest.epoch, 1)}/{slowest.epochs} · step {slowest.step}/{slowest.total_steps} · "
                f"{speed} · {left}")
    done = {"finished": "Finished", "cancelled": "Stopped", "diverged": "Diverged", "failed": "Failed",
            "abandoned": "Abandoned"}[view.state]
    return (f"{done}: {view.epochs_recorded} of {slowest.epochs} epochs in {_fmt_seconds(view.seconds)} · "
            f"{speed} on average")


def _status_messages(view: JobView) -> None:
    if view.state == "diverged":
        st.error(f"{view.message} Save them below if you want to keep them, or start again with a smaller "
                 "learning rate.", icon="💥")
    elif view.state == "failed":
        st.error(view.message)
    elif view.state in ("cancelled", "abandoned"):
        st.warning(view.message or "Training stopped.")


def _epoch_view(view: JobView, epoch: int, fixed_axes: bool, dataset: str) -> None:
    """Maps (AE | VAE side by side) and reconstructions after ``epoch`` (1-based)."""
    names = CLASS_NAMES[dataset]
    runs = [r for r in view.runs.values() if r.history]
    cols = st.columns(len(view.runs))
    strip_rows, strip_names = [], []
    for col, run in zip(cols, view.runs.values()):
        with col:
            if not run.history:
                st.info(f"{KIND_NAMES[run.kind]}: no epoch finished yet, so no map.")
                continue
            rec = run.history[min(epoch, len(run.history)) - 1]
            shown = rec.metrics["epoch"]
            axes = shared_range([h.latents for h in run.history]) if fixed_axes else None
            title = f"{KIND_NAMES[run.kind]} · epoch {shown}"
            st.plotly_chart(latent_map(rec.latents, run.labels, names, title, axes), key=f"studio_map_{run.kind}",
                            config={"displayModeBar": False})
            m = rec.metrics
            kl = f" + KL {m['test_kl']:.2f}" if run.kind == "vae" else ""
            st.caption(f"Test loss {m['test_loss']:.1f} (reconstruction {m['test_recon']:.1f}{kl}) per image"
                       + (f" · last finished epoch: {shown}" if shown != epoch else ""))
            strip_rows.append(rec.reconstructions)
            strip_names.append(f"{KIND_NAMES[run.kind]} (epoch {shown})")
    if runs:
        st.image(reconstruction_strip(view.originals, strip_rows), output_format="PNG",
                 caption="Rows: 8 fixed test images, then their reconstructions by " + ", ".join(strip_names))


def draw(view: JobView, dataset: str) -> None:
    st.progress(view.fraction, text=progress_text(view))
    _status_messages(view)
    total = max(r.total_steps for r in view.runs.values())
    st.plotly_chart(loss_figure({k: r.steps for k, r in view.runs.items()}, total), key="studio_losses",
                    config={"displayModeBar": False})
    n = view.epochs_recorded
    if n == 0:
        st.info("The latent maps appear after the first epoch.")
        return
    epoch, fixed = n, False
    if view.done:
        left, right = st.columns([3, 1])
        if n > 1:
            epoch = left.slider("Replay epoch", 1, n, n, key=f"studio_epoch_{view.id}",
                                help="The maps and reconstructions saved after each epoch.")
        fixed = right.toggle("Same axes for every epoch", value=True, key=f"studio_fixed_axes_{view.id}",
                             help="On: watch the codes drift and spread. Off: zoom to each epoch's codes.")
    _epoch_view(view, epoch, fixed, dataset)


def live_section() -> None:
    """The fragment. It polls only while something is under way, then triggers one full rerun
    so the page switches to the replay and Save view."""
    polling = state.WAIT_KEY in st.session_state or (
        state.JOB_KEY in st.session_state and not st.session_state[state.JOB_KEY].done)

    @st.fragment(run_every=POLL_S if polling else None)
    def _live() -> None:
        if state.WAIT_KEY in st.session_state:
            try:
                state.try_start(st.session_state[state.WAIT_KEY])
            except Busy as busy:
                st.warning(str(busy), icon="⏳")
                return
            st.rerun()  # started: redraw the whole page (settings locked, Stop enabled)
        job = st.session_state.get(state.JOB_KEY)
        if job is None:
            st.info("Choose the settings and press **Start training**. Watch the AE's clusters drift apart "
                    "and leave gaps, while the VAE's KL term pulls its codes towards N(0, I).")
            return
        job.heartbeat()
        view = job.view()
        if polling and view.done:
            st.rerun()
        st.caption(f"**{job.spec.describe()}** · {job.data_description} · device: {job.device}")
        draw(view, job.spec.dataset)

    _live()

