"""aeviz: what an autoencoder's latent space is. A router over the pages in aeviz/ui/pages/."""
import streamlit as st

from aeviz.ui import streamlit_fixes, url_state
from aeviz.ui.lang import language_switch
from aeviz.ui.nav import pages

streamlit_fixes.install()  # once per process: a click answered late must not be dropped

st.set_page_config(page_title="aeviz", page_icon=":material/scatter_plot:", layout="wide")
language_switch()
url_state.copy_link_button(st.sidebar)
url_state.page_tools()  # presentation mode (?present=1) on every page
st.navigation(list(pages().values())).run()
