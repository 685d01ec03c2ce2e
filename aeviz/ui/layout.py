"""Layout helpers shared by the pages."""
from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from aeviz.ui import url_state


def beside_or_below(key: str, first_px: tuple[int, int],
                    second_px: tuple[int, int]) -> tuple[DeltaGenerator, DeltaGenerator]:
    """Two slots of the given widths, each as (normal, presentation mode), side by side where both
    fit, the second below the first where they do not. st.columns would squeeze both instead:
    under a map on a 1024-px projector, or in one of three columns, the decoded image and the
    hover preview then spill over each other. Fixed widths, because a wrapping row of "stretch" children only wraps once each is
    narrower than Streamlit's 128-px basis; a slot wider than the page shrinks to fit it."""
    with st.container(horizontal=True, wrap=True, gap="small", key=key):
        i = 1 if url_state.presenting() else 0
        return st.container(width=first_px[i]), st.container(width=second_px[i])
