"""Class mode, the teacher's page (on the projector): start a class, show the join code, ask a
question, open / close / reveal it, and watch every answer arrive (``class_views.projector``,
polled from the store each second). The teacher token lives in this browser session only."""
from __future__ import annotations

import streamlit as st

from aeviz.classroom import KINDS, ClassError, normalise_code
from aeviz.ui import class_data as cd
from aeviz.ui import class_views as views
from aeviz.ui.lang import t

CODE, TOKEN, ERROR = "class_code", "class_token", "class_error"


def _do(action, *args, **kwargs) -> None:
    """Run a class action from a button; a refusal is kept for the page to say."""
    try:
        action(*args, **kwargs)
        st.session_state.pop(ERROR, None)
    except ClassError as e:
        st.session_state[ERROR] = e


def _start(ps) -> None:
    code, token = cd.get_room().start({s: cd.bounds(p) for s, p in ps.items()})
    st.session_state[CODE], st.session_state[TOKEN] = code, token


def _resume() -> None:
    code, token = st.session_state.get("class_resume_code", ""), st.session_state.get("class_resume_token", "")
    if cd.get_room().is_teacher(code, token):
        st.session_state[CODE], st.session_state[TOKEN] = normalise_code(code), token
    else:
        st.session_state[ERROR] = ClassError("not_teacher")


def _ask(code: str, token: str, ps) -> None:
    kind, slot = st.session_state["class_kind"], st.session_state["class_slot"]
    room = cd.get_room()
    if kind == "where":
        room.add_question(code, token, kind, slot, target=int(st.session_state["class_target"]))
    elif kind == "hole":
        room.add_question(code, token, kind, slot)
    else:
        n = len(room.get(code)["questions"])
        room.add_question(code, token, kind, slot, **cd.which_question(ps, seed=n + int(code, 36) % 1000))


def _controls(code: str, token: str, ps) -> None:
    room = cd.get_room()
    record = room.get(code)
    with st.container(key="class_controls", border=True):
        # Rows that wrap rather than columns: in columns at a 1024-px projector the map choices and
        # the buttons' labels were cut short ("Công…" for "Công bố đáp án").
        with st.container(horizontal=True, wrap=True, vertical_alignment="bottom", key="class_ask_row"):
            kind = st.segmented_control(t("classroom.kind_label"), KINDS, default="where", required=True,
                                        format_func=lambda k: t(f"classroom.kind.{k}"), wrap=True, key="class_kind",
                                        persist_state="session")
            st.segmented_control(t("classroom.map_label"), list(ps), default=list(ps)[0], required=True,
                                 format_func=lambda s: t(f"classroom.map.{s}"), key="class_slot",
                                 persist_state="session")
            if kind == "where":
                st.selectbox(t("classroom.target"), range(10), index=7, key="class_target", width=120,
                             persist_state="session")
            st.button(t("classroom.ask_button"), icon=":material/quiz:", key="class_ask", type="primary",
                      on_click=_do, args=(_ask, code, token, ps))
        qid = record["current"]
        if qid is None:
            return
        status = next(q["status"] for q in record["questions"] if q["id"] == qid)
        with st.container(horizontal=True, wrap=True, key="class_question_row"):
            st.button(t("classroom.open"), icon=":material/play_arrow:", key="class_open", disabled=status == "open",
                      on_click=_do, args=(room.set_status, code, token, qid, "open"))
            st.button(t("classroom.close"), icon=":material/stop:", key="class_close", disabled=status != "open",
                      on_click=_do, args=(room.set_status, code, token, qid, "closed"))
            st.button(t("classroom.reveal"), icon=":material/visibility:", key="class_reveal",
                      disabled=status == "revealed", on_click=_do,
                      args=(room.set_status, code, token, qid, "revealed"))
            st.button(t("classroom.clear"), icon=":material/delete_sweep:", key="class_clear",
                      on_click=_do, args=(room.clear, code, token, qid), help=t("classroom.clear_help"))
            st.download_button(t("classroom.export"), room.export_csv(code, token), file_name=f"class-{code}.csv",
                               mime="text/csv", icon=":material/download:", key="class_export",
                               help=t("classroom.export_help"))


@st.fragment(run_every=1)
def _live(code: str, token: str) -> None:
    with st.container(key="class_projector"):
        try:
            views.projector(code, token)
        except ClassError as e:
            views.say_refusal(e)


def page() -> None:
    st.title(t("classroom.teacher_title"))
    ps = cd.panes()
    if len(ps) < len(cd.SLOTS):
        st.error(t("classroom.no_maps"), icon=":material/error:")
        return
    code, token = st.session_state.get(CODE), st.session_state.get(TOKEN)
    if ERROR in st.session_state:
        views.say_refusal(st.session_state[ERROR])
    if not code:
        st.markdown(t("classroom.teacher_intro"))
        st.button(t("classroom.start"), icon=":material/co_present:", key="class_start", type="primary",
                  on_click=_do, args=(_start, ps))
        with st.expander(t("classroom.resume"), icon=":material/key:"):
            st.text_input(t("classroom.code_label"), key="class_resume_code", max_chars=12)
            st.text_input(t("classroom.token_label"), key="class_resume_token", type="password")
            st.button(t("classroom.resume_button"), key="class_resume", on_click=_resume)
        return
    try:
        cd.get_room().get(code)
    except ClassError as e:
        views.say_refusal(e)
        st.session_state.pop(CODE, None)
        return
    if st.toggle(t("classroom.show_join"), value=True, key="class_show_join", persist_state="session"):
        views.join_panel(code)
    with st.sidebar.expander(t("classroom.token_title"), icon=":material/key:"):
        st.caption(t("classroom.token_help"))
        st.code(f"{code}\n{token}", language=None)
    _controls(code, token, ps)
    _live(code, token)
