"""The latent explorer (issue 3): AE | VAE maps side by side. Being built."""
import streamlit as st


def page() -> None:
    st.title("Latent explorer")
    st.info("The explorer is being built.")
