"""Your own digit: upload a photo or draw one; see it prepared the MNIST way step by step, where it
lands in the AE, VAE and PCA maps (the VAE's σ ellipse around it), how each model rebuilds it, and
its anomaly score against the anomaly page's threshold."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import anomaly
from aeviz.anomaly_plots import marked_map, marked_map_legend
from aeviz.digit_input import preprocess
from aeviz.ui import anomaly_data as data
from aeviz.ui import url_state
from aeviz.ui.explorer_data import map_data, png_data_uri, test_subset
from aeviz.ui.lang import t, translator
from aeviz.ui.texts import data_line
from aeviz.ui.uploader import file_uploader
from aeviz.uploads import UploadError

DATASET = "mnist"
CANVAS = 280
SOURCES = ("upload", "draw")


def _big() -> bool:
    """Presentation mode: larger maps and pictures, for a projector."""
    return url_state.presenting()


def _from_upload():
    f = file_uploader(t("digit.upload_label"), ("png", "jpg", "jpeg"), key="digit_upload",
                      help=t("digit.upload_help"))
    if f is None:
        st.info(t("digit.upload_prompt"))
        return None
    # The bytes stay in memory: nothing the user sends is written to disk.
    steps, note, error = data.read_upload(f.getvalue())
    if error:
        st.error(error)
        return None
    if note:
        st.info(t(f"digit.upload.note.{note}"))
    return steps


def _from_canvas():
    from streamlit_drawable_canvas import st_canvas

    st.caption(t("digit.draw_help"))
    result = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000", width=CANVAS,
                       height=CANVAS, drawing_mode="freedraw", return_image_data=True, key="digit_canvas")
    rgba = result.image_data if result is not None else None
    if rgba is None or rgba.ndim != 3:
        st.info(t("digit.draw_prompt"))
        return None
    rgba = np.asarray(rgba, dtype=np.float64) / 255.0
    grey = rgba[..., :3].mean(-1) * rgba[..., 3]  # white strokes on black; transparent counts as black
    if grey.max() < 0.1:
        st.info(t("digit.draw_prompt"))
        return None
    try:
        return preprocess(grey)
    except UploadError as e:
        st.info(t(e.key, **e.values))
        return None


def _tile(image: np.ndarray, size: int, title: str) -> str:
    """An image in a fixed square, aspect kept (a tall crop stays tall inside it), pixels sharp."""
    return (f'<img src="{png_data_uri(image)}" alt="{title}" title="{title}" style="width:{size}px;'
            f'height:{size}px;object-fit:contain;image-rendering:pixelated;background:#000;'
            f'border:2px solid #bbbbbb;border-radius:4px;display:block">')


def _show_steps(steps) -> None:
    st.subheader(t("digit.steps_title"), help=t("digit.steps_help"))
    side = 170 if _big() else 112
    cells = "".join(
        f'<figure style="margin:0;text-align:center;width:{side + 8}px">{_tile(img, side, t(f"digit.step.{name}"))}'
        f'<figcaption style="font-size:13px">{i + 1}. {t(f"digit.step.{name}")}</figcaption></figure>'
        for i, (name, img) in enumerate(steps.named()))
    st.html(f'<div class="digit-steps" style="display:flex;gap:14px;flex-wrap:wrap;align-items:flex-start">{cells}</div>')
    notes = [t("digit.inverted" if steps.inverted else "digit.not_inverted")]
    if steps.thickened:
        notes.append(t("digit.thickened", n=steps.thickened))
    notes.append(t("digit.shifted", dy=steps.shift[0], dx=steps.shift[1]))
    st.caption(" ".join(notes))


def _maps(image, ae, vae) -> dict:
    """Three maps (AE, VAE, PCA), the digit marked in each; returns what each model made of it."""
    st.subheader(t("digit.maps_title"), help=t("digit.maps_help"))
    sub = test_subset(DATASET)
    found = {}
    st.html(marked_map_legend(sub["class_names"], t("digit.your_digit"), t("digit.sigma") if vae else ""))
    cols = st.columns(3)
    for col, key, pane in zip(cols, ("ae", "vae", "pca"), (ae, vae, None)):
        with col:
            if key == "pca":
                pca = data.baseline_pca(DATASET)
                m = data.pca_map(DATASET)
                z = pca.encode(image[None])[0]
                found[key] = {"z": z, "sigma": None, "recon": data.pca_reconstructions(DATASET, image[None])[0]}
            elif pane is None:
                continue
            else:
                m = map_data(pane.path, pane.mtime, DATASET)
                found[key] = data.locate(pane, image)
            f = found[key]
            title = t(f"digit.map.{key}", name=pane.name if pane else "")
            fig = marked_map(m["codes"], sub["labels"], sub["class_names"], m["axis_range"], f["z"],
                             point_label=t("digit.your_digit"), sigma=f["sigma"], sigma_label=t("digit.sigma"),
                             title=title, height=620 if _big() else 420)
            st.plotly_chart(fig, key=f"digit_map_{key}", config={"displayModeBar": False})
            if f["sigma"] is not None:
                st.caption(t("digit.where_vae", z1=f["z"][0], z2=f["z"][1], s1=f["sigma"][0], s2=f["sigma"][1]))
            else:
                st.caption(t(f"digit.where_{key}", z1=f["z"][0], z2=f["z"][1]))
    return found


def _reconstructions(image, found) -> None:
    st.subheader(t("digit.recon_title"), help=t("digit.recon_help"))
    side = 200 if _big() else 120
    cells = [(t("digit.input"), image, None)]
    cells += [(t(f"digit.recon.{k}"), found[k]["recon"],
               float(((np.clip(found[k]["recon"], 0, 1) - image) ** 2).mean()) if k != "pca"
               else float(anomaly.pca_errors(data.baseline_pca(DATASET), image[None])[0]))
              for k in ("ae", "vae", "pca") if k in found]
    html = "".join(
        f'<figure style="margin:0;text-align:center;width:{side + 10}px">{_tile(img, side, name)}'
        f'<figcaption style="font-size:13px">{name}'
        f'{"" if err is None else "<br>" + t("digit.error", error=err)}</figcaption></figure>'
        for name, img, err in cells)
    st.html(f'<div class="digit-recons" style="display:flex;gap:16px;flex-wrap:wrap">{html}</div>')


def _anomaly(image, ae, vae) -> None:
    pct = data.percentile()
    st.subheader(t("digit.anomaly_title"), help=t("digit.anomaly_help", pct=pct))
    mine = data.score_images(ae, vae, DATASET, image[None])
    held = data.scores(ae, vae, DATASET, "in")
    rows = [t("digit.anomaly_header")]
    for key in anomaly.SCORES:
        if key not in mine:
            continue
        score, threshold = float(mine[key][0]), anomaly.threshold_at(held[key], pct)
        rank = float((held[key] < score).mean() * 100)
        verdict = t("digit.flagged" if score > threshold else "digit.passed")
        rows.append(t("digit.anomaly_row", name=t(f"anomaly.score.{key}"), score=score, threshold=threshold,
                      rank=rank, verdict=verdict))
    st.markdown("\n".join(rows))
    st.caption(t("digit.anomaly_caption", pct=pct, n=len(next(iter(held.values())))))


def page() -> None:
    st.title(t("digit.title"))
    st.markdown(t("digit.intro"))
    # The view in the URL (teacher links): the source, and the checkpoints (ckpt_ae / ckpt_vae,
    # written by choose_pair). The uploaded or drawn digit itself stays in this browser.
    url_state.bind("src", "digit_source", choices=SOURCES)
    with url_state.settings_container("digit_source"):
        source = st.segmented_control(t("digit.source"), SOURCES, default="upload", required=True,
                                      format_func=lambda s, tr=translator(): tr(f"digit.source_{s}"), key="digit_source",
                                      persist_state="session") or "upload"
    left, right = st.columns([1, 2], gap="large")
    with left:
        # Presentation mode keeps the upload / drawing area: it is how the class gives the digit.
        steps = _from_upload() if source == "upload" else _from_canvas()
    with right:
        with url_state.settings_container("digit_models"):
            ae, vae = data.choose_pair(DATASET, "digit")
        st.caption(t("digit.data_caption", describe=data_line(data.held_out(DATASET)["info"])))
    if steps is None:
        return
    image = steps.result
    st.session_state[data.DIGIT_KEY] = image  # the anomaly page marks it on its histograms
    _show_steps(steps)
    found = _maps(image, ae, vae)
    _reconstructions(image, found)
    _anomaly(image, ae, vae)
