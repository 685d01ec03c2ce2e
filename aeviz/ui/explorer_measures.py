"""Under the maps: the measures of both loaded checkpoints side by side, each with its meaning and,
behind "?", its definition; then what they say, in sentences written from those numbers."""
from __future__ import annotations

from html import escape

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


# The table is one HTML element, not a grid of 28 (a row of st.columns per measure): every element
# on the page is re-rendered by the browser at each click's rerun, and this grid was 40 % of them.
# Each definition sits behind a "?" as a native <details>: it opens by a click, a tap or the keyboard.
_TD = "vertical-align:top;border-bottom:1px solid #f0f0f0"
_Q = ("display:inline-block;margin-left:6px;width:1.15em;height:1.15em;line-height:1.1em;text-align:center;"
      "border:1px solid #999;border-radius:50%;font-size:0.75em;color:#555")
# (side padding, the numbers' font, the heads' font size): the explorer's two columns, and a compact
# table of many columns (six kinds side by side must fit a 1024-px projector): there the numbers
# take the page's font with tabular digits, narrower than monospace.
_LOOK = {False: ("8px", "1.35rem monospace", "1rem"),
         True: ("6px", "1rem var(--st-font, sans-serif)", "0.85rem")}


def measures_table(rows: list[tuple[str, str, list[str], str]], heads: list[str], compact: bool = False) -> str:
    """The HTML of a measures table: ``rows`` of (name, definition, values, meaning) under ``heads``.
    A number never breaks across lines; a table wider than its column scrolls sideways.
    ``compact``: smaller numbers and each meaning under its measure's name, not in a last column
    (``heads`` then has none), so that many numbers in a row leave the words room to read."""
    pad, value_font, head_size = _LOOK[compact]

    def cell(text: str, kind: str, style: str = "") -> str:
        return f'<td class="aeviz-{kind}" style="{_TD};padding:6px {pad};{style}">{text}</td>'

    def name_cell(name: str, definition: str, meaning: str) -> str:
        text = (f'<details><summary style="cursor:pointer;list-style:none">{escape(name)}'
                f'<span style="{_Q}">?</span></summary><div class="aeviz-definition" style="margin-top:4px;'
                f'font-size:0.85rem;color:#333;max-width:32em">{escape(definition)}</div></details>')
        if not compact:
            return cell(text, "name")
        return cell(f'{text}<div class="aeviz-meaning" style="color:#6b6f7b;font-size:0.8rem;margin-top:2px">'
                    f'{escape(meaning)}</div>', "name", "min-width:7.5em")

    value_style = f"font:600 {value_font};font-variant-numeric:tabular-nums;white-space:nowrap"
    body = "".join(
        "<tr>" + name_cell(name, definition, meaning) + "".join(cell(escape(v), "value", value_style) for v in values)
        + ("" if compact else cell(escape(meaning), "meaning", "color:#6b6f7b;font-size:0.9rem")) + "</tr>"
        for name, definition, values, meaning in rows)
    head = "".join(f'<th style="text-align:left;font-weight:600;font-size:{head_size};padding:4px {pad};'
                   f'border-bottom:1px solid #ddd">{escape(h)}</th>' for h in heads)
    return (f'<div style="overflow-x:auto"><table class="aeviz-measures" style="border-collapse:collapse;width:100%;'
            f'font-size:1rem"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')


def measure_rows(columns: list[measures.MapMeasures]) -> list[tuple[str, str, list[str], str]]:
    """The table's rows for these measures side by side: (name, definition, values, meaning)."""
    rows = []
    for key, field, fmt in ROWS:
        if key == "sampled":
            kinds = dict.fromkeys(m.sampled_from for m in columns)  # "prior", "fitted", in order
            meaning = " ".join(t(f"measures.sampled.meaning_{k}") for k in kinds)
        else:
            meaning = t(f"measures.{key}.meaning")
        rows.append((t(f"measures.{key}.name"), t(f"measures.{key}.help"),
                     [_value(m, field, fmt) for m in columns], meaning))
    return rows


def measures_section(panes: dict[str, Pane | None], dataset: str) -> None:
    shown = {s: p for s, p in panes.items() if p is not None}
    if not shown:
        return
    found = _measured(shown, dataset)
    slots = [s for s in ("ae", "vae") if s in found]
    rows = measure_rows([found[s] for s in slots])
    heads = ([t("explorer.measure")] + [short_name(shown[s], shown.get("vae" if s == "ae" else "ae")) for s in slots]
             + [t("explorer.meaning")])
    with st.container(key="explorer_measures"):
        st.subheader(t("explorer.measures_title"))
        st.html(measures_table(rows, heads))
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
