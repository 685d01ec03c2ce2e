"""aeviz: what an autoencoder's latent space is. A router over the pages in aeviz/ui/pages/.

``streamlit run app.py`` imports this file once to find its server (``app``, an ``st.App`` with the
decoded panel's route and the trainings' shutdown, aeviz/ui/server.py), then runs it as ``__main__``
on every rerun of every session: that is the router."""
from pathlib import Path

import streamlit as st

if __name__ != "__main__":  # imported by the server: build it, draw nothing
    from aeviz.ui import server

    app = st.App(__file__, routes=server.routes(), lifespan=server.lifespan)
else:
    from aeviz.ui import streamlit_fixes, url_state
    from aeviz.ui.lang import language_switch
    from aeviz.ui.nav import link_css, pages
    from aeviz.ui.page_language import page_language

    streamlit_fixes.install()  # once per process: a click answered late must not be dropped

    # A local SVG (sent as a data URI): a ":material/..." icon makes every run, so every click, fetch the
    # favicon from fonts.gstatic.com, which a classroom without internet cannot reach.
    st.set_page_config(page_title="aeviz", page_icon=str(Path(__file__).parent / "aeviz/ui/web/favicon.svg"),
                       layout="wide")
    language_switch()
    page_language(st.sidebar)  # the document's language, and Streamlit's own English words in it
    url_state.copy_link_button(st.sidebar)
    url_state.page_tools()  # presentation mode (?present=1) on every page
    link_css()
    st.navigation(list(pages().values())).run()
