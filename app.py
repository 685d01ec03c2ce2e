"""aeviz: what an autoencoder's latent space is. A router over the pages in aeviz/ui/."""
import streamlit as st

from aeviz.ui import explorer, studio, about

st.set_page_config(page_title="aeviz: latent spaces", page_icon="🔢", layout="wide")
st.navigation([
    st.Page(explorer.page, title="Latent explorer", icon="🗺️", url_path="explorer", default=True),
    st.Page(studio.page, title="Training studio", icon="🏋️", url_path="studio"),
    st.Page(about.page, title="What is an autoencoder?", icon="📖", url_path="about"),
]).run()
