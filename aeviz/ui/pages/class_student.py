"""Class mode, a student's page (on a phone or laptop): join with the code (or the link's
``?code=``) and an optional nickname, then answer the teacher's current question: a click on the
map (the explorer's click listener, ``aeviz/ui/web/click.js``) or a choice between images. The
answer can be changed until the teacher closes the question. No teacher control here.

The map (a latent map, ``aeviz/ui/web/latent_map.js``) is drawn in the page body from cached data, so a click does not remount it; a small
fragment polls the store every 2 s and reruns the page only when the question or its status
changes."""
from __future__ import annotations

import streamlit as st

from aeviz import class_plots
from aeviz.classroom import ClassError, Student, normalise_code
from aeviz.ui import class_data as cd
from aeviz.ui import class_views as views
from aeviz.ui import explorer_data as data
from aeviz.ui.explorer_data import Pane
from aeviz.ui.explorer_panes import WEB
from aeviz.ui.lang import t
from aeviz.ui.latent_map import latent_map

ME, SEEN, MSG = "class_me", "class_seen", "class_msg"
# px, each "which model" image with its letter: two fit side by side on a 360-px phone.
CHOICE_PX = 150
_listener = st.components.v2.component("aeviz_class_click", js=(WEB / "click.js").read_text())
_mark = st.components.v2.component("aeviz_class_mark", js=(WEB / "mark.js").read_text())


@st.cache_resource(show_spinner=False)
def _map(path: str, mtime: float) -> dict:
    d = data.map_data(path, mtime, cd.DATASET)
    return class_plots.student_map(d["codes"], d["axis_range"], map_id=f"{path}|{mtime}")


def _join() -> None:
    try:
        me = cd.get_room().join(st.session_state.get("join_code", ""), st.session_state.get("join_nick", ""))
        st.session_state[ME] = me.__dict__
        st.session_state.pop(MSG, None)
    except ClassError as e:
        st.session_state[MSG] = e


def _send(me: Student, q: dict, pane: Pane, choice: int | None = None) -> None:
    """The listener's (or a choice button's) callback: store the answer; keep a refusal to say."""
    z = None
    if choice is None:
        event = (st.session_state.get("class_listener") or {}).get("click")
        if not event:
            return
        if event.get("row") is not None:  # a click on a test code: its exact z
            codes = data.map_data(pane.path, pane.mtime, cd.DATASET)["codes"]
            row = int(event["row"])
            z = codes[row].tolist() if 0 <= row < len(codes) else None
        else:
            z = (event.get("x"), event.get("y"))
    try:
        cd.get_room().answer(me, q["id"], z=z, choice=choice)
        st.session_state.pop(MSG, None)
    except ClassError as e:
        st.session_state[MSG] = e


@st.fragment(run_every=2)
def _watch(code: str, seen) -> None:
    """Rerun the whole page when the question or its status changes (a new map, or answering ends)."""
    try:
        q = cd.get_room().current(code)
    except ClassError:
        q = None
    now = None if q is None else (q["id"], q["status"])
    if now != seen:
        st.rerun(scope="app")


@st.fragment
def _answer_panel(me: Student, q: dict, pane: Pane) -> None:
    _listener(key="class_listener", data={"target": "class_map", "map": pane.path},
              on_click_change=lambda: _send(me, q, pane))
    mine = _say_mine(me, q)
    if mine is not None and "z" in mine:  # a ring where this student answered
        _mark(key="class_mark", data={"target": "class_map", "name": "mine", "css": "aeviz-mine", "color": "#d62728",
                                      "x": mine["z"][0], "y": mine["z"][1], "label": "", "map": pane.path})


def _say_mine(me: Student, q: dict) -> dict | None:
    with st.container(key="class_mine"):
        if MSG in st.session_state:
            views.say_refusal(st.session_state[MSG])
        mine = cd.get_room().my_answer(me, q["id"])
        if mine is None:
            prompt = "classroom.student_prompt_which" if q["kind"] == "which" else "classroom.student_prompt"
            st.info(t(prompt), icon=":material/touch_app:")
        elif "z" in mine:
            st.success(t("classroom.your_answer_z", z1=mine["z"][0], z2=mine["z"][1]), icon=":material/check:")
        else:
            st.success(t("classroom.your_answer_choice", choice=chr(65 + mine["choice"])), icon=":material/check:")
    return mine


def _choices(me: Student, q: dict, ps: dict[str, Pane]) -> None:
    """"Which model made this?": the images, one button each (which model decoded each is hidden)."""
    full = cd.get_room().get(me.code)["questions"]
    spec = next(x for x in full if x["id"] == q["id"])  # the decoders are needed to draw, not shown
    # A wrapping row of fixed-width cells, not columns: on a phone columns stack, and a student had
    # to scroll through four screen-wide images to compare them; two by two they fit one screen.
    with st.container(horizontal=True, wrap=True, gap="small", key="class_choices"):
        for i, c in enumerate(spec["choices"]):
            with st.container(width=CHOICE_PX):
                st.html(data.img_tag(cd.choice_image(ps[c["slot"]], c["z"]), width="100%"))
                st.button(chr(65 + i), key=f"class_choice_{i}", width="stretch",
                          disabled=q["status"] != "open", on_click=_send, args=(me, q, ps[c["slot"]], i))
    _say_mine(me, q)


def page() -> None:
    st.title(t("classroom.student_title"))
    me_raw = st.session_state.get(ME)
    if me_raw is None:
        code = normalise_code(st.query_params.get("code", ""))
        with st.form("class_join_form", border=True):
            st.text_input(t("classroom.code_label"), value=code, key="join_code", max_chars=12,
                          persist_state="session")
            st.text_input(t("classroom.nickname_label"), key="join_nick", max_chars=40,
                          help=t("classroom.nickname_help"), persist_state="session")
            st.form_submit_button(t("classroom.join_button"), icon=":material/login:", on_click=_join, type="primary")
        if MSG in st.session_state:
            views.say_refusal(st.session_state[MSG])
        return
    me = Student(**me_raw)
    try:
        q = cd.get_room().current(me.code)
    except ClassError as e:
        views.say_refusal(e)
        if st.button(t("classroom.leave"), icon=":material/logout:", key="class_leave"):
            st.session_state.pop(ME, None)
            st.rerun()
        return
    _watch(me.code, None if q is None else (q["id"], q["status"]))
    if q is None:
        st.info(t("classroom.wait"), icon=":material/hourglass_empty:")
        return
    st.markdown(f"### {views.question_text(q)}")
    if q["status"] != "open":
        st.warning(t(f"classroom.student_status.{q['status']}"), icon=":material/lock:")
    ps = cd.panes()
    if q["kind"] == "which":
        _choices(me, q, ps)
        return
    pane = ps[q["slot"]]
    latent_map(_map(pane.path, pane.mtime), key="class_map")
    if q["status"] == "open":
        _answer_panel(me, q, pane)
    else:
        _say_mine(me, q)
