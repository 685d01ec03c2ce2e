"""Class mode's widgets: the join panel (code, link, QR), the projector (every answer, polled
from the store each second), and the refusal messages in the reader's language."""
from __future__ import annotations

import html
from urllib.parse import urlencode

import numpy as np
import segno
import streamlit as st

from aeviz import analysis, class_plots
from aeviz.classroom import ClassError, choice_counts
from aeviz.ui import class_data as cd
from aeviz.ui import explorer_data as data
from aeviz.ui.canvas_plot import canvas_plot
from aeviz.ui.lang import current_language, t
from aeviz.ui.layout import beside_or_below
from aeviz.ui.state import get_model

QR_PX = 360  # the QR code's side: a phone camera reads it from the back of a room
CODE_PX = 400  # the join code's slot: six 5.5rem monospace characters and their spacing
THUMBS = 24  # hole thumbnails on the projector


def say_refusal(e: ClassError) -> None:
    st.error(t(f"classroom.error.{e.key}", **e.values), icon=":material/block:")


def join_link(code: str) -> str:
    """The student page's address on this server (as the browser reached it)."""
    try:
        base = (st.context.url or "").split("?")[0].rstrip("/")
    except AttributeError:
        base = ""
    base = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{base}/join?{urlencode({'code': code, 'lang': current_language()})}"


def join_panel(code: str) -> None:
    link = join_link(code)
    qr = segno.make(link, error="m")
    with st.container(key="class_join", border=True):
        # The code and link beside the QR code where both fit, the QR code below them where not
        # (a 1024-px projector with the sidebar open): squeezed into a column, the QR code ran out
        # of the box and off the screen, and a phone cannot read a QR code cut at its edge.
        words, picture = beside_or_below("class_join_row", (CODE_PX, CODE_PX), (QR_PX, QR_PX))
        with words:
            st.html(f'<div style="font-size:1.3rem">{t("classroom.join_at")}</div>'
                    f'<div class="aeviz-class-code" style="font:700 5.5rem/1.1 monospace;letter-spacing:0.4rem">'
                    f'{html.escape(code)}</div>'
                    f'<div style="font-size:1.1rem;word-break:break-all"><a href="{html.escape(link)}">'
                    f'{html.escape(link)}</a></div>')
        with picture:
            st.html(f'<img alt="{t("classroom.qr_alt")}" src="{qr.svg_data_uri(scale=10, border=2)}" '
                    f'style="width:{QR_PX}px;max-width:100%;aspect-ratio:1;image-rendering:pixelated">')


def _bars(q: dict, counts: np.ndarray, revealed: bool, pane_for) -> None:
    total = max(int(counts.sum()), 1)
    cells = []
    for i, c in enumerate(q["choices"]):
        right = revealed and i == q["answer"]
        share = counts[i] / total
        img = data.img_tag(cd.choice_image(pane_for(c["slot"]), c["z"]), width="100%",
                           border="#1a9850" if right else "#bbbbbb")
        # Up to 140 px each, narrower where the row has less room (a 1024-px projector with the
        # sidebar open), so the four choices stay in one row and inside the page.
        cells.append(f'<div style="flex:0 1 140px;min-width:0;text-align:center;font-size:1.2rem">{img}'
                     f'<b>{chr(65 + i)}</b>'
                     f'<div style="height:160px;display:flex;align-items:flex-end;justify-content:center">'
                     f'<div style="width:60px;height:{int(150 * share)}px;background:{"#1a9850" if right else "#4e79a7"}">'
                     f'</div></div><div class="aeviz-count">{int(counts[i])}</div></div>')
    st.html(f'<div style="display:flex;gap:24px">{"".join(cells)}</div>')


def _thumbs(q: dict, pane, answers: list[dict], verdicts) -> None:
    if not answers:
        return
    recent = answers[-THUMBS:]
    z = np.array([a["z"] for a in recent], dtype=np.float32)
    images = analysis.decode_all(get_model(pane.path), z)
    cells = []
    for i, im in enumerate(images):
        border = "#bbbbbb" if verdicts is None else ("#1a9850" if verdicts[len(answers) - len(recent) + i]
                                                      else "#d73027")
        cells.append(f'<div style="width:72px">{data.img_tag(im, width="72px", border=border)}</div>')
    st.markdown(f"**{t('classroom.holes_found')}**")
    st.html(f'<div style="display:flex;flex-wrap:wrap;gap:6px">{"".join(cells)}</div>')


def projector(code: str, token: str) -> None:
    """Every answer to the current question, redrawn from the store each second (no reload)."""
    room = cd.get_room()
    ps = cd.panes()
    record = room.get(code)
    qid = record["current"]
    joined = len(room.store.students(code))
    if qid is None:
        st.html(f'<div class="aeviz-class-count" style="font-size:1.3rem">{t("classroom.joined", n=joined)}</div>')
        st.info(t("classroom.no_question"), icon=":material/quiz:")
        return
    q = next(x for x in record["questions"] if x["id"] == qid)
    answers = room.teacher_answers(code, token, qid)
    revealed = q["status"] == "revealed"
    pane = ps[q["slot"]]
    st.markdown(f"### {question_text(q)}")
    st.html(f'<div class="aeviz-class-count" data-answers="{len(answers)}" style="font-size:1.3rem">'
            f'{t("classroom.status." + q["status"])} · {t("classroom.joined", n=joined)} · '
            f'{t("classroom.answers", n=len(answers))}</div>')
    verdicts = cd.judge(q, pane, answers) if revealed and answers else None
    if revealed:
        right = int(verdicts.sum()) if verdicts is not None else 0
        st.html(f'<div class="aeviz-class-share" style="font:700 2rem sans-serif;color:#1a9850">'
                f'{t("classroom.share_right", right=right, n=len(answers), share=right / max(len(answers), 1))}'
                f'</div>')
        st.caption(t(f"classroom.truth.{q['kind']}"), help=t(f"classroom.truth_help.{q['kind']}"))
    if q["kind"] == "which":
        _bars(q, choice_counts(answers, len(q["choices"])), revealed, lambda s: ps[s])
        return
    d, sub = data.map_data(pane.path, pane.mtime, cd.DATASET), data.test_subset(cd.DATASET)
    z = np.array([a["z"] for a in answers], dtype=np.float32).reshape(-1, 2)
    empty = (data.overlay_background(pane.path, pane.mtime, cd.DATASET, "empty")
             if revealed and q["kind"] == "hole" else None)
    plot = class_plots.projector_map(d["codes"], sub["labels"], d["axis_range"], z, verdicts,
                                    target=int(q["target"]) if revealed and q["kind"] == "where" else None,
                                    empty=empty)
    left, right = st.columns([3, 2]) if q["kind"] == "hole" else (st.container(), None)
    with left:
        canvas_plot(plot, key="class_projector_map")
    if right is not None:
        with right:
            _thumbs(q, pane, answers, verdicts)


def question_text(q: dict) -> str:
    model = t(f"classroom.map.{q['slot']}")
    if q["kind"] == "where":
        return t("classroom.ask.where", k=q["target"], model=model)
    if q["kind"] == "hole":
        return t("classroom.ask.hole", model=model)
    return t("classroom.ask.which", model=t(f"classroom.model.{q['model']}")) if q.get("model") \
        else t("classroom.ask.which_hidden")
