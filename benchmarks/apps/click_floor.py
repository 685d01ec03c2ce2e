"""The smallest page with the explorer's click path, for benchmarks/click_floor.py: a pad that
reports clicks (a components.v2 element) and, in the same fragment, a panel that echoes the
click's number (data-aeviz-seq) beside an image, as the explorer's decoded panel does. No model,
no maps: what is left is Streamlit's own cost of a fragment rerun and its render."""
from __future__ import annotations

import streamlit as st

_PAD_JS = """
export default function (component) {
  const { parentElement, setTriggerValue } = component;
  if (parentElement.querySelector('.aeviz-floor-pad')) return;
  const pad = document.createElement('div');
  pad.className = 'aeviz-floor-pad';
  pad.style.cssText = 'width:400px;height:300px;background:#eeeeee';
  parentElement.appendChild(pad);
  let last = 0;
  pad.addEventListener('click', () => {
    last = Math.max(last + 1, Date.now() * 1000);
    setTriggerValue('click', { seq: last });
  });
}
"""
_pad = st.components.v2.component("aeviz_click_floor_pad", js=_PAD_JS)
_PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def _remember() -> None:
    event = (st.session_state.get("floor_pad") or {}).get("click")
    if event:
        st.session_state["floor_seq"] = int(event["seq"])


@st.fragment
def _panel() -> None:
    _pad(key="floor_pad", on_click_change=_remember)
    with st.container(key="decoded_floor"):
        seq = st.session_state.get("floor_seq", 0)
        st.html(f'<div data-aeviz-seq="{seq}">click {seq}</div><img src="{_PIXEL}" width="28" alt="">')


st.title("Click floor")
_panel()
