"""A small stand-alone page for the hover preview: two latent maps keyed like the
Explorer's (`latent_ae`, `latent_vae`), each with its preview. Used by the hover tests and the
benchmark; run it by hand with `streamlit run tests/apps/hover_demo.py`."""
import sys
from pathlib import Path

import streamlit as st
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for `aeviz`

from aeviz.plots import axis_range_for, latent_scatter  # noqa: E402
from aeviz.ui.hover import hover_preview, same_z_switch  # noqa: E402
from aeviz.ui.state import checkpoint_root, get_dataset, get_model  # noqa: E402


@st.cache_resource(show_spinner=False)
def figure(path: str):
    model = get_model(path)
    data = get_dataset("mnist")
    with torch.inference_mode():
        codes = model.encode(data.images("test")[:2000]).numpy()
    labels = data.test_labels[:2000].numpy()
    return latent_scatter(codes, labels, data.class_names, axis_range_for(codes), height=420)


st.set_page_config(page_title="hover demo", layout="wide")
same_z_switch()
for col, name, tag in zip(st.columns(2), ("mnist-ae", "mnist-vae"), ("ae", "vae")):
    path = str(checkpoint_root() / name)
    with col:
        st.plotly_chart(figure(path), key=f"latent_{tag}", on_select="rerun", selection_mode="points")
        z = hover_preview(get_model(path), map_key=f"latent_{tag}", key=f"hover_{tag}", label=tag.upper(),
                          partner=f"hover_{'vae' if tag == 'ae' else 'ae'}")
        if z is not None:
            st.session_state[f"clicked_{tag}"] = z
        with st.container(key=f"clicked_{tag}"):
            st.text(f"server z = {st.session_state.get(f'clicked_{tag}')}")
