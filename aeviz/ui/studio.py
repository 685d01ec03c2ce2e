"""The training studio (issue 4). Being built."""
import streamlit as st


def page() -> None:
    st.title("Training studio")
    st.info("The training studio is being built.")
