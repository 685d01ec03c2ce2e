"""The explorer's measures (aeviz/measures.py) for several checkpoints at once: one row per measure,
its name with the exact definition behind "?", one column per checkpoint, and its meaning."""
from __future__ import annotations

import streamlit as st

from aeviz.ui.explorer_measures import ROWS
from aeviz.ui.lang import t


def _value(m, field: str, fmt: str) -> str:
    v = getattr(m, field)
    return "—" if v is None else fmt.format(v)


def measures_table(columns: list[tuple[str, object]], key: str, extra: list[tuple[str, str, str, list[str]]] = ()) -> None:
    """``columns``: (header, MapMeasures) pairs. ``extra``: more rows as (name, definition, meaning,
    one value per column), drawn first."""
    widths = [2.0] + [1.0] * len(columns) + [3.2]
    with st.container(key=key):
        head = st.columns(widths)
        head[0].markdown(f"**{t('explorer.measure')}**")
        for col, (header, _) in zip(head[1:-1], columns):
            col.markdown(f"**{header}**")
        head[-1].markdown(f"**{t('explorer.meaning')}**")
        rows = [(name, definition, meaning, values) for name, definition, meaning, values in extra]
        for mkey, field, fmt in ROWS:
            if mkey == "sampled":
                kinds = dict.fromkeys(m.sampled_from for _, m in columns)
                meaning = " ".join(t(f"measures.sampled.meaning_{k}") for k in kinds)
            else:
                meaning = t(f"measures.{mkey}.meaning")
            rows.append((t(f"measures.{mkey}.name"), t(f"measures.{mkey}.help"), meaning,
                         [_value(m, field, fmt) for _, m in columns]))
        for name, definition, meaning, values in rows:
            row = st.columns(widths)
            row[0].markdown(name, help=definition)
            for col, v in zip(row[1:-1], values):
                col.markdown(f'<span style="font:600 1.1rem monospace">{v}</span>', unsafe_allow_html=True)
            row[-1].caption(meaning)
