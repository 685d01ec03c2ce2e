"""The explorer's measures (aeviz/measures.py) for several checkpoints at once: one row per measure,
its name with the exact definition behind "?", one column per checkpoint, and its meaning."""
from __future__ import annotations

import streamlit as st

from aeviz.ui.explorer_measures import measure_rows
from aeviz.ui.explorer_measures import measures_table as table_html
from aeviz.ui.lang import t


def measures_table(columns: list[tuple[str, object]], key: str, extra: list[tuple[str, str, str, list[str]]] = ()) -> None:
    """``columns``: (header, MapMeasures) pairs. ``extra``: more rows as (name, definition, meaning,
    one value per column), drawn first. The explorer's table (one HTML element), compact beyond two
    columns: six kinds side by side must fit a 1024-px projector without breaking a number or
    squeezing the words to one a line."""
    rows = [(name, definition, values, meaning) for name, definition, meaning, values in extra]
    rows += measure_rows([m for _, m in columns])
    compact = len(columns) > 2
    heads = [t("explorer.measure"), *(header for header, _ in columns)] + ([] if compact else [t("explorer.meaning")])
    with st.container(key=key):
        st.html(table_html(rows, heads, compact=compact))
