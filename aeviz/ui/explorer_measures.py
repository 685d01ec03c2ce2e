"""Under the maps: the measures of both loaded checkpoints side by side, each with its meaning and,
behind "?", its definition; then what they say, in sentences written from those numbers."""
from __future__ import annotations

import streamlit as st

from aeviz import measures
from aeviz.checkpoints import read_config
from aeviz.sweep import read_sweep
from aeviz.ui import explorer_data as data
from aeviz.ui.explorer_data import Pane
from aeviz.ui.lang import current_language, t
from aeviz.ui.state import checkpoint_root

# (catalogue key, MapMeasures field, format)
ROWS = (
    ("empty", "empty_area", "{:.0%}"),
    ("jumps", "jumps", "{:.3f}"),
    ("stretch", "stretch_ratio", "{:.0f}×"),
    ("steep", "steep_steps", "{:.3f}"),
    ("realism", "realism_uniform", "{:.0%}"),
    ("sampled", "realism_sampled", "{:.0%}"),
)


def short_name(pane: Pane, other: Pane | None) -> str:
    """How a sentence names a pane: its kind ("AE"), or its folder when both panes are one kind."""
    if other is not None and other.kind == pane.kind:
        return pane.name
    return t(f"kinds.short.{pane.kind}")


def _measured(panes: dict[str, Pane | None], dataset: str) -> dict[str, measures.MapMeasures]:
    cls = data.classifier_path(dataset)
    out = {}
    with st.spinner(t("explorer.measuring")):
        for slot, pane in panes.items():
            if pane is not None:
                out[slot] = data.map_measures(pane.path, pane.mtime, dataset, data._mtime(cls) if cls else 0.0)
    return out


def _value(m: measures.MapMeasures, field: str, fmt: str) -> str:
    v = getattr(m, field)
    return "—" if v is None else fmt.format(v)


def measures_section(panes: dict[str, Pane | None], dataset: str) -> None:
    shown = {s: p for s, p in panes.items() if p is not None}
    if not shown:
        return
    found = _measured(shown, dataset)
    slots = [s for s in ("ae", "vae") if s in found]
    with st.container(key="explorer_measures"):
        st.subheader(t("explorer.measures_title"))
        head = st.columns([2.2, 1, 1, 4])
        head[0].markdown(f"**{t('explorer.measure')}**")
        for col, slot in zip(head[1:3], slots):
            col.markdown(f"**{short_name(shown[slot], shown.get('vae' if slot == 'ae' else 'ae'))}**")
        head[3].markdown(f"**{t('explorer.meaning')}**")
        for key, field, fmt in ROWS:
            row = st.columns([2.2, 1, 1, 4])
            row[0].markdown(t(f"measures.{key}.name"), help=t(f"measures.{key}.help"))
            for col, slot in zip(row[1:3], slots):
                col.markdown(f'<span style="font:600 1.35rem monospace">{_value(found[slot], field, fmt)}</span>',
                             unsafe_allow_html=True)
            if key == "sampled":
                kinds = dict.fromkeys(found[s].sampled_from for s in slots)  # "prior", "fitted", in order
                meaning = " ".join(t(f"measures.sampled.meaning_{k}") for k in kinds)
            else:
                meaning = t(f"measures.{key}.meaning")
            row[3].caption(meaning)
    if len(slots) == 2:
        _what_they_show(shown["ae"], found["ae"], shown["vae"], found["vae"], dataset)


def _what_they_show(a: Pane, ma: measures.MapMeasures, b: Pane, mb: measures.MapMeasures, dataset: str) -> None:
    lang = current_language()
    left, right = short_name(a, b), short_name(b, a)
    said = measures.comparison_sentences(lang, left, ma, right, mb)
    said += measures.pair_sentences(lang, left, read_config(a.path), right, read_config(b.path))
    sweep = read_sweep(checkpoint_root(), dataset)
    if sweep and {a.name, b.name} == {f"{dataset}-ae", f"{dataset}-vae"}:
        said += measures.seed_sentences(lang, sweep)
    with st.container(border=True, key="explorer_truth"):
        st.markdown(f"**{t('explorer.truth_title')}**")
        st.markdown("\n".join(f"- {s}" for s in said))
