"""The studio's live view: a fragment that polls the job (``run_every``) and draws its progress,
loss curves, latent maps and reconstructions (all on canvases, see ``CANVAS_PLOTS``); then the same
view replays any epoch with a scrubber. It only reads the job (``Job.view()`` is a copy), so it
never blocks it."""
from __future__ import annotations

import os

import numpy as np
import streamlit as st

from aeviz.job_progress import JobView
from aeviz.jobs import Busy
from aeviz.plots import axis_range_for
from aeviz.ui import export_ui, url_state
from aeviz.ui import studio_state as state
from aeviz.ui.canvas_plot import canvas_plot
from aeviz.ui.lang import t
from aeviz.ui.latent_map import latent_map as map_widget
from aeviz.ui.studio_plots import (LOSS_LABELS, final_map_data, latent_map, live_curves_data, live_map_data,
                                   loss_figure, reconstruction_strip, shared_range)
from aeviz.ui.studio_texts import busy_text, describe, kind_name, progress_text, status_message
from aeviz.ui.texts import class_names, data_line

POLL_S = 1.0  # seconds between redraws while training (each one is also the job's heartbeat)
# A poll that expects the run to end within this many seconds waits for the end there, so the
# finished view comes at once rather than up to a poll later. Less than POLL_S minus a redraw: the
# wait must be over before the next poll is due.
END_WAIT_S = 0.6
# The loss curves and maps are drawn on canvases. While a run is under way they are redrawn in place
# (aeviz/ui/canvas_plot.py), where a plotly chart would be rebuilt from scratch at every poll; once it
# is over the maps are the explorer's map widget (zoom, pan, class toggles, tooltips), where plotly's
# bundle took 2-3 s of a 2-core machine to put the finished view on screen. AEVIZ_STUDIO_PLOTS=plotly
# draws plotly charts instead, to measure what that costs (benchmarks/studio_default_run.py --browser
# --baseline).
CANVAS_PLOTS = os.environ.get("AEVIZ_STUDIO_PLOTS", "canvas") != "plotly"


def ends_soon(view: JobView) -> bool:
    """Whether a running job should end within ``END_WAIT_S``: it is being stopped (its trainings
    end within a step), all its steps are done (the last epoch's test pass remains), or its
    estimate of the time left says so."""
    if view.done:
        return False
    return bool(view.reason) or view.fraction >= 1 or (view.eta_seconds is not None
                                                       and view.eta_seconds < END_WAIT_S)


def _status_messages(view: JobView) -> None:
    message = status_message(view)
    if view.state == "diverged":
        st.error(f"{message} {t('studio.status.diverged_hint')}", icon=":material/error:")
    elif view.state == "failed":
        st.error(message)
    elif view.state in ("cancelled", "abandoned"):
        st.warning(message or t("studio.status.stopped"))


def _epoch_view(view: JobView, epoch: int, fixed_axes: bool, dataset: str) -> None:
    """Maps (AE | VAE side by side) and reconstructions after ``epoch`` (1-based)."""
    names = class_names(dataset)
    runs = [r for r in view.runs.values() if r.history]
    cols = st.columns(len(view.runs))
    strip_rows, strip_names = [], []
    height = 600 if url_state.presenting() else 420
    for col, run in zip(cols, view.runs.values()):
        with col:
            if not run.history:
                st.info(t("studio.no_epoch_yet", model=kind_name(run.kind)))
                continue
            rec = run.history[min(epoch, len(run.history)) - 1]
            shown = rec.metrics["epoch"]
            axes = shared_range([h.latents for h in run.history]) if fixed_axes else None
            title = t("studio.map_title", model=kind_name(run.kind), epoch=shown)
            if not CANVAS_PLOTS:
                st.plotly_chart(latent_map(rec.latents, run.labels, names, title, axes, height=height,
                                           legend_title=t("studio.plots.legend")),
                                key=f"studio_map_{run.kind}", config={"displayModeBar": False})
            elif view.done:
                st.markdown(f"**{title}**")
                map_widget(final_map_data(rec.latents, run.labels, names, title, f"studio-{view.id}-{run.kind}",
                                          axes, height=height), key=f"studio_map_{run.kind}")
            else:
                canvas_plot(live_map_data(rec.latents, run.labels, names, title, axes, height=height,
                                          legend_title=t("studio.plots.legend")), key=f"studio_live_map_{run.kind}")
            if view.done:  # pictures for slides once the run is over (while it runs, they change every second)
                stem = f"aeviz-studio-{run.kind}-epoch{shown}"
                with st.container(horizontal=True, wrap=True, gap="small"):  # whole labels in a narrow column
                    export_ui.map_button(f"studio_png_{run.kind}", f"{stem}.png", rec.latents, run.labels, names,
                                         axes or axis_range_for(rec.latents), title=title)
                    export_ui.csv_button(f"studio_csv_{run.kind}", f"{stem}.csv", rec.latents, run.labels, names)
            m = rec.metrics
            kl = t("studio.test_loss_kl", kl=m["test_kl"]) if run.kind == "vae" else ""
            st.caption(t("studio.test_loss", loss=m["test_loss"], recon=m["test_recon"], kl=kl)
                       + (t("studio.last_finished", epoch=shown) if shown != epoch else ""),
                       help=t("studio.test_loss_help"))
            strip_rows.append(rec.reconstructions)
            strip_names.append(t("studio.strip_row", model=kind_name(run.kind), epoch=shown))
    if runs:
        strip = reconstruction_strip(view.originals, strip_rows)
        st.image(strip, output_format="PNG", caption=t("studio.strip_caption", rows=", ".join(strip_names)),
                 alt=t("studio.strip_alt"))
        if view.done:
            export_ui.images_button("studio_strip_png", f"aeviz-studio-reconstructions-epoch{epoch}.png",
                                    strip[None].astype(np.float32) / 255, pixel=1, gap=0)


def draw(view: JobView, dataset: str) -> None:
    st.progress(view.fraction, text=progress_text(view))
    _status_messages(view)
    total = max(r.total_steps for r in view.runs.values())
    labels = {k: t(f"studio.plots.{k}") for k in LOSS_LABELS}
    curves, names = {k: r.steps for k, r in view.runs.items()}, {k: kind_name(k) for k in view.runs}
    if not CANVAS_PLOTS:
        st.plotly_chart(loss_figure(curves, total, labels=labels, names=names), key="studio_losses",
                        config={"displayModeBar": False})
    else:
        canvas_plot(live_curves_data(curves, total, labels=labels, names=names),
                    key="studio_losses" if view.done else "studio_live_losses")
    n = view.epochs_recorded
    if n == 0:
        st.info(t("studio.maps_after_first_epoch"))
        return
    epoch, fixed = n, False
    if view.done:
        # A wrapping row, not columns: in a quarter of a 1024-px page the toggle's label ran onto
        # three lines; here it keeps its own width and the slider takes the rest.
        with st.container(horizontal=True, wrap=True, gap="medium", vertical_alignment="bottom",
                          key="studio_replay_row"):
            if n > 1:
                epoch = st.slider(t("studio.replay"), 1, n, n, key=f"studio_epoch_{view.id}",
                                  help=t("studio.replay_help"), persist_state="session")
            fixed = st.toggle(t("studio.fixed_axes"), value=True, wrap=True, key=f"studio_fixed_axes_{view.id}",
                              help=t("studio.fixed_axes_help"), width="content", persist_state="session")
    _epoch_view(view, epoch, fixed, dataset)


def live_section(polling: bool) -> None:
    """The fragment. It polls while something is under way (``polling``: what the page above it
    was drawn for), then triggers one full rerun so the page switches to the replay and Save view.
    ``polling`` comes from the page, not from the job now: a job that ends while the page is being
    drawn (a Stop) would otherwise leave Start disabled under a finished view, with no poll left
    to redraw it."""

    @st.fragment(run_every=POLL_S if polling else None)
    def _live() -> None:
        if state.WAIT_KEY in st.session_state:
            try:
                state.try_start(st.session_state[state.WAIT_KEY])
            except Busy as busy:
                st.warning(busy_text(busy), icon=":material/hourglass_top:")
                return
            st.rerun()  # started: redraw the whole page (settings locked, Stop enabled)
        job = st.session_state.get(state.JOB_KEY)
        if job is None:
            st.info(t("studio.intro"))
            return
        job.heartbeat()
        view = job.view()
        if polling and ends_soon(view) and job.wait(END_WAIT_S):
            view = job.view()
        if polling and view.done:
            st.rerun()
        st.caption(t("studio.running_line", describe=describe(job.spec), data=data_line(job.data_info),
                     device=job.device))
        draw(view, job.spec.dataset)

    _live()
