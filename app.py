"""aeviz: what an autoencoder's latent space is. A router over the pages in aeviz/ui/pages/."""
import streamlit as st

from aeviz.ui import streamlit_fixes
from aeviz.ui.lang import language_switch, t
from aeviz.ui.pages import about, anomaly, class_student, class_teacher, digit, explorer, lenses, studio

streamlit_fixes.install()  # once per process: a click answered late must not be dropped

st.set_page_config(page_title="aeviz", page_icon=":material/scatter_plot:", layout="wide")
language_switch()
st.navigation([
    st.Page(explorer.page, title=t("app.nav.explorer"), icon=":material/scatter_plot:", url_path="explorer",
            default=True),
    st.Page(studio.page, title=t("app.nav.studio"), icon=":material/model_training:", url_path="studio"),
    st.Page(lenses.page, title=t("lenses.nav"), icon=":material/lens_blur:", url_path="lenses"),
    st.Page(anomaly.page, title=t("anomaly.nav"), icon=":material/troubleshoot:", url_path="anomaly"),
    st.Page(digit.page, title=t("digit.nav"), icon=":material/draw:", url_path="digit"),
    st.Page(class_teacher.page, title=t("classroom.nav.teacher"), icon=":material/co_present:", url_path="class"),
    st.Page(class_student.page, title=t("classroom.nav.student"), icon=":material/touch_app:", url_path="join"),
    st.Page(about.page, title=t("app.nav.about"), icon=":material/menu_book:", url_path="about"),
]).run()
