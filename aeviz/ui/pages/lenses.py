"""Lenses on the essay's claims, one at a time (``?lens=pca|kinds|bottleneck|beta|sample``): PCA
beside the AE and the VAE, the kinds of autoencoder, the bottleneck trade-off, β, and one input as
a distribution. Every view reads shipped MNIST checkpoints; each section lives in aeviz/ui/lens_*.py."""
from __future__ import annotations

import streamlit as st

from aeviz.ui import lens_beta, lens_bottleneck, lens_kinds, lens_pca, lens_sample, url_state
from aeviz.ui.explorer_data import test_subset
from aeviz.ui.lang import t, translator
from aeviz.ui.lens_data import DATASET
from aeviz.ui.texts import error_text

SECTIONS = {"pca": lens_pca.section, "kinds": lens_kinds.section, "bottleneck": lens_bottleneck.section,
            "beta": lens_beta.section, "sample": lens_sample.section}
KEY = "lens_section"


def page() -> None:
    st.title(t("lenses.title"))
    st.markdown(t("lenses.intro", count=len(SECTIONS)))
    # The lens in the URL (teacher links); each lens binds its own settings.
    url_state.bind("lens", KEY, choices=tuple(SECTIONS))
    st.session_state.setdefault(KEY, "pca")
    with url_state.settings_container("lens_choice"):
        choice = st.segmented_control(t("lenses.choose"), list(SECTIONS), key=KEY, required=True,
                                      format_func=lambda s, tr=translator(): tr(f"lenses.section.{s}"),
                                      persist_state="session")
    try:
        test_subset(DATASET)
    except ValueError as e:
        st.error(t("lenses.no_data", error=error_text(e)))
        return
    try:
        SECTIONS[choice or "pca"]()
    except ValueError as e:  # an unreadable checkpoint: say which and why, keep the page alive
        st.error(t("lenses.unreadable", error=error_text(e)))
