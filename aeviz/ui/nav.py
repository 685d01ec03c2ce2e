"""The app's pages as ``st.Page`` objects, built on every run (their titles follow the language).
``st.page_link`` and ``st.switch_page`` take these objects; a page is identified by its
``url_path``, so a fresh object names the same page as the router's."""
from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from aeviz.ui.lang import t


def pages() -> dict[str, st.Page]:
    from aeviz.ui.pages import (about, anomaly, class_student, class_teacher, digit, explorer, lenses,  # the pages
                                lesson, studio)  # link back here

    return {
        # Streamlit serves the default page at "/" only: its own url_path answers "Page not found".
        # So the default page reserves a path nobody links to, and "/explorer" (a natural link to
        # type or share) is a hidden page that switches to "/" with the same query parameters.
        "explorer": st.Page(explorer.page, title=t("app.nav.explorer"), icon=":material/scatter_plot:",
                            url_path="explorer-home", default=True),
        "explorer_alias": st.Page(_to_explorer, title=t("app.nav.explorer"), url_path="explorer", visibility="hidden"),
        "studio": st.Page(studio.page, title=t("app.nav.studio"), icon=":material/model_training:",
                          url_path="studio"),
        "lenses": st.Page(lenses.page, title=t("lenses.nav"), icon=":material/lens_blur:", url_path="lenses"),
        "anomaly": st.Page(anomaly.page, title=t("anomaly.nav"), icon=":material/troubleshoot:", url_path="anomaly"),
        "digit": st.Page(digit.page, title=t("digit.nav"), icon=":material/draw:", url_path="digit"),
        "class": st.Page(class_teacher.page, title=t("classroom.nav.teacher"), icon=":material/co_present:",
                         url_path="class"),
        "join": st.Page(class_student.page, title=t("classroom.nav.student"), icon=":material/touch_app:",
                        url_path="join"),
        "lesson": st.Page(lesson.page, title=t("app.nav.lesson"), icon=":material/school:", url_path="lesson"),
        "about": st.Page(about.page, title=t("app.nav.about"), icon=":material/menu_book:", url_path="about"),
    }


def _to_explorer() -> None:
    st.switch_page(pages()["explorer"], query_params=st.query_params.to_dict())


# Streamlit keeps a page link's label on one line and ends it in "…": on a phone, the lesson's
# Vietnamese links lost their last words ("… (không gian con của PCA)"). Let them wrap instead.
LINK_CSS = """<style>
[data-testid="stPageLink"] a span, [data-testid="stPageLink"] a p {
  white-space: normal !important; text-overflow: clip !important; overflow: visible !important;
  line-height: 1.4; }
</style>"""


def link_css() -> None:
    """Called once per run by the router (app.py): page links wrap their labels."""
    st.html(LINK_CSS)


def link(page: str, label: str, icon: str = ":material/arrow_forward:", **params) -> None:
    """A link to ``page`` that opens it in the state ``params`` (query parameters; the language
    always travels along)."""
    from aeviz.ui.lang import current_language

    query = {"lang": current_language(), **{k: str(v) for k, v in params.items() if v is not None}}
    try:
        st.page_link(pages()[page], label=label, icon=icon, query_params=query)
    except StreamlitAPIException:
        # Outside the router (a page run on its own, as in AppTest): a plain link to the same place.
        path = "" if page == "explorer" else page  # the default page lives at "/"
        st.markdown(f"[{label}](/{path}?{'&'.join(f'{k}={v}' for k, v in query.items())})")
