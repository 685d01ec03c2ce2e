"""Anomaly detection by reconstruction error: held-out images against out-of-distribution sets,
a threshold with precision / recall / confusion counts, ROC curves, and the images each model
rebuilds worst. Every sentence that compares the scores is written from the numbers on screen."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import anomaly
from aeviz.anomaly_plots import roc_figure, score_histogram
from aeviz.anomaly_report import other_dataset
from aeviz.data import DATASET_NAMES, TITLES
from aeviz.ui import anomaly_data as data
from aeviz.ui import url_state
from aeviz.ui.explorer_data import img_tag
from aeviz.ui.lang import t, translator
from aeviz.ui.texts import data_line, error_text
from aeviz.ui.uploader import file_uploader

ELBO_GAP = 0.1  # the -ELBO is called out when its AUC trails the best error AUC by this much
SLIDER_KEY = "anomaly_percentile_slider"
PRESENT_SCALE = 1.6  # charts this much taller in presentation mode: read from the back of a room


def _height(px: int) -> int:
    return int(px * PRESENT_SCALE) if url_state.presenting() else px


def _bind_url() -> None:
    """The view in the URL (teacher links): dataset, outlier set, threshold, checkpoints
    (``ckpt_ae`` / ``ckpt_vae``, written by ``anomaly_data.choose_pair``)."""
    with url_state.batched():
        url_state.bind("dataset", "anomaly_dataset", choices=DATASET_NAMES)
        url_state.bind("ood", "anomaly_ood", choices=anomaly.OOD_KINDS)
        url_state.bind("pct", SLIDER_KEY, float, bounds=(50.0, 99.9))
    if SLIDER_KEY in st.session_state:  # a link's threshold is also the digit page's
        st.session_state[data.PERCENTILE_KEY] = float(st.session_state[SLIDER_KEY])


def _names() -> dict[str, str]:
    return {k: t(f"anomaly.score.{k}") for k in anomaly.SCORES}


def _keep_percentile() -> None:
    st.session_state[data.PERCENTILE_KEY] = st.session_state[SLIDER_KEY]


def _controls() -> tuple[str, str]:
    cols = st.columns([1, 1.3, 1.6], vertical_alignment="bottom")
    with cols[0]:
        dataset = st.segmented_control(t("anomaly.dataset"), DATASET_NAMES, default=DATASET_NAMES[0],
                                       format_func=TITLES.get, wrap=True, key="anomaly_dataset", required=True,
                                       persist_state="session") or DATASET_NAMES[0]
    with cols[1]:
        kind = st.selectbox(t("anomaly.ood_set"), anomaly.OOD_KINDS, key="anomaly_ood",
                            format_func=lambda k, tr=translator(): tr(f"anomaly.ood.{k}", other=TITLES[other_dataset(dataset)]),
                            help=t("anomaly.ood_help"), persist_state="session")
    with cols[2]:
        st.slider(t("anomaly.threshold"), 50.0, 99.9, value=data.percentile(), step=0.1, format="%.1f %%",
                  key=SLIDER_KEY, on_change=_keep_percentile, help=t("anomaly.threshold_help"),
                  persist_state="session")
    return dataset, kind


def _uploads(dataset: str) -> list[tuple[str, np.ndarray]]:
    """Images the reader adds (and the digit page's last digit): (name, 28x28) each, preprocessed."""
    marked = []
    if dataset == "mnist" and data.DIGIT_KEY in st.session_state:
        marked.append((t("anomaly.your_digit"), st.session_state[data.DIGIT_KEY]))
    with url_state.settings_container("anomaly_uploads"), st.expander(t("anomaly.upload_title")):
        files = file_uploader(t("anomaly.upload"), ("png", "jpg", "jpeg"), accept_multiple_files=True,
                              key="anomaly_uploads", help=t("anomaly.upload_help"))
        for i, f in enumerate(files or []):
            steps, _, error = data.read_upload(f.getvalue())
            if error:
                st.warning(t("anomaly.upload_bad", name=f.name, error=error))
            else:
                marked.append((t("anomaly.upload_mark", n=i + 1), steps.result))
    return marked


def _histograms(s_in, s_out, marks, thresholds, kind_label, dataset, ae, vae):
    names = _names()
    marked_scores = {}
    if marks:
        imgs = np.stack([m[1] for m in marks])
        marked_scores = data.score_images(ae, vae, dataset, imgs)
    keys = [k for k in anomaly.SCORES if k in s_in]
    for row in range(0, len(keys), 2):
        cols = st.columns(2, gap="large")
        for col, key in zip(cols, keys[row:row + 2]):
            with col:
                st.markdown(f"**{names[key]}**", help=t(f"anomaly.score_help.{key}"))
                mk = [(float(marked_scores[key][i]), m[0]) for i, m in enumerate(marks)] if key in marked_scores else []
                fig = score_histogram(s_in[key], s_out[key], thresholds[key], in_label=t("anomaly.in_label"),
                                      out_label=kind_label, x_title=t(f"anomaly.axis.{key}"),
                                      threshold_label=t("anomaly.threshold_line"), marks=mk,
                                      log_x=key != "vae_elbo", height=_height(300))
                st.plotly_chart(fig, key=f"anomaly_hist_{key}", config={"displayModeBar": False})
                _confusion(s_in[key], s_out[key], thresholds[key])
                for value, name in mk:
                    verdict = "above" if value > thresholds[key] else "below"
                    st.caption(t(f"anomaly.mark_{verdict}", name=name, score=value, threshold=thresholds[key]))


def _confusion(s_in, s_out, threshold) -> None:
    c = anomaly.confusion_at(s_in, s_out, threshold)
    fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    # A wrapping row at the numbers' own widths: three columns of half a 1024-px page cut the
    # threshold to "0.…".
    with st.container(horizontal=True, wrap=True, gap="medium"):
        st.metric(t("anomaly.precision"), fmt(c["precision"]), help=t("anomaly.precision_help"), width="content")
        st.metric(t("anomaly.recall"), fmt(c["recall"]), help=t("anomaly.recall_help"), width="content")
        st.metric(t("anomaly.threshold_value"), f"{threshold:.4g}", help=t("anomaly.threshold_value_help"),
                  width="content")
    st.markdown(t("anomaly.confusion_table", tp=c["tp"], fn=c["fn"], fp=c["fp"], tn=c["tn"]),
                help=t("anomaly.confusion_help"))


def _roc(s_in, s_out, kind_label) -> dict[str, float]:
    names = _names()
    curves, aucs = {}, {}
    for key in anomaly.SCORES:
        if key in s_in:
            fpr, tpr, _ = anomaly.roc_curve(s_in[key], s_out[key])
            aucs[key] = anomaly.auc(fpr, tpr)
            curves[key] = (fpr, tpr, aucs[key])
    st.subheader(t("anomaly.roc_title", ood=kind_label), help=t("anomaly.roc_help"))
    st.plotly_chart(roc_figure(curves, names, x_title=t("anomaly.fpr"), y_title=t("anomaly.tpr"),
                               chance_label=t("anomaly.chance"), height=_height(420)), key="anomaly_roc",
                    config={"displayModeBar": False})
    best = max(aucs, key=aucs.get)
    worst_key = min(aucs, key=aucs.get)
    st.markdown(t("anomaly.roc_summary", best=names[best], best_auc=aucs[best], worst=names[worst_key],
                  worst_auc=aucs[worst_key]))
    errors = {k: v for k, v in aucs.items() if k != "vae_elbo"}
    if "vae_elbo" in aucs and aucs["vae_elbo"] < max(errors.values()) - ELBO_GAP:
        st.markdown(t("anomaly.elbo_weaker", elbo=aucs["vae_elbo"], best=max(errors.values())))
    return aucs


def _worst(ae, vae, dataset: str) -> None:
    st.subheader(t("anomaly.worst_title"), help=t("anomaly.worst_help"))
    url_state.bind("worst", "anomaly_worst_k", int, bounds=(3, 12))
    with url_state.settings_container("anomaly_worst"):
        k = st.slider(t("anomaly.worst_k"), 3, 12, 6, key="anomaly_worst_k", persist_state="session")
    side = "96px" if url_state.presenting() else "64px"
    s_in = data.scores(ae, vae, dataset, "in")
    images = data.held_out(dataset)["images"]
    names = _names()
    for key, pane in (("ae", ae), ("vae", vae), ("pca", None)):
        if key not in s_in:
            continue
        rows = tuple(int(i) for i in anomaly.worst(s_in[key], k))
        recon = (data.pca_reconstructions(dataset, images[list(rows)]) if pane is None
                 else data.reconstructions(pane.path, pane.mtime, dataset, rows))
        cells = "".join(
            f'<div style="text-align:center;font-size:12px">{img_tag(images[r], side, t("anomaly.original"))}'
            f'{img_tag(recon[j], side, t("anomaly.reconstruction"))}{s_in[key][r]:.3f}</div>'
            for j, r in enumerate(rows))
        st.markdown(f"**{names[key]}**: " + t("anomaly.worst_rows"))
        st.html(f'<div class="anomaly-worst" style="display:flex;gap:10px;flex-wrap:wrap">{cells}</div>')


def page() -> None:
    st.title(t("anomaly.title"))
    st.markdown(t("anomaly.intro"))
    with st.expander(t("anomaly.why_title")):
        st.markdown(t("anomaly.why"))
    _bind_url()
    with url_state.settings_container("anomaly_controls"):
        dataset, kind = _controls()
    try:
        held = data.held_out(dataset)
        data.held_out(other_dataset(dataset))
    except ValueError as e:
        st.error(t("anomaly.no_data", dataset=TITLES[dataset], error=error_text(e)))
        return
    with url_state.settings_container("anomaly_models"):
        ae, vae = data.choose_pair(dataset, "anomaly")
    kind_label = t(f"anomaly.ood.{kind}", other=TITLES[other_dataset(dataset)])
    st.caption(t("anomaly.data_caption", describe=data_line(held["info"]), n=len(held["images"]), ood=kind_label))
    marks = _uploads(dataset)
    with st.spinner(t("anomaly.scoring")):
        s_in = data.scores(ae, vae, dataset, "in")
        s_out = data.scores(ae, vae, dataset, kind)
    pct = data.percentile()
    thresholds = {k: anomaly.threshold_at(v, pct) for k, v in s_in.items()}
    st.subheader(t("anomaly.hist_title"), help=t("anomaly.hist_help", pct=pct))
    _histograms(s_in, s_out, marks, thresholds, kind_label, dataset, ae, vae)
    _roc(s_in, s_out, kind_label)
    _worst(ae, vae, dataset)
