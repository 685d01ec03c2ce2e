"""The two clickable maps. Each map and the decoded image beside it live in one fragment, so a
click reruns only that fragment (streamlit-notes §2): the figure comes from ``st.cache_resource``
unchanged (the chart stays mounted, zoom survives), and the image is an inline data URI.

A click selects either a data point (its test image is shown with both reconstructions, and a
small marker component marks the same image in the other map) or the nearest node of the
invisible pick grid (a click on empty space)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz.ui import explorer_data as data
from aeviz.ui.explorer_data import Pane
from aeviz.ui.hover import hover_preview
from aeviz.ui.state import get_model

CHART_CONFIG = {"displaylogo": False, "scrollZoom": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}

# Draws a ring on *another* chart at a data coordinate, and keeps it there through zoom and pan.
# Plotly's own selection cannot be set from Python without changing the figure (which remounts
# the chart and loses its zoom), so this overlay marks the linked image instead. It relies on
# plotly's page structure (.st-key-<key> .js-plotly-plot, gd._fullLayout): the browser test
# covers it.
_MARK_JS = """
export default function(component) {
  const { data } = component;
  const target = data && data.target;
  const apply = (tries) => {
    const gd = target && document.querySelector(`.st-key-${target} .js-plotly-plot`);
    if (!gd || !gd._fullLayout || !gd._fullLayout.xaxis) {
      if (tries > 0) setTimeout(() => apply(tries - 1), 100);
      return;
    }
    gd.__aevizMark = data;
    const draw = () => {
      const d = gd.__aevizMark;
      let el = gd.querySelector('.aeviz-mark');
      if (!d || d.x === null || d.x === undefined) { if (el) el.remove(); return; }
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
      if (!el) {
        el = document.createElement('div');
        el.className = 'aeviz-mark';
        el.style.cssText = 'position:absolute;pointer-events:none;z-index:10;width:26px;height:26px;'
          + 'margin:-13px 0 0 -13px;border:4px solid #d62728;border-radius:50%;box-shadow:0 0 0 2px #fff;';
        const tag = document.createElement('span');
        tag.style.cssText = 'position:absolute;left:26px;top:-8px;font:bold 14px sans-serif;color:#d62728;'
          + 'background:rgba(255,255,255,.85);padding:0 3px;border-radius:3px;white-space:nowrap;';
        el.appendChild(tag);
        if (getComputedStyle(gd).position === 'static') gd.style.position = 'relative';
        gd.appendChild(el);
      }
      el.firstChild.textContent = d.label || '';
      const px = xa._offset + xa.l2p(d.x), py = ya._offset + ya.l2p(d.y);
      const inside = px >= xa._offset && px <= xa._offset + xa._length && py >= ya._offset && py <= ya._offset + ya._length;
      el.style.left = px + 'px'; el.style.top = py + 'px'; el.style.display = inside ? 'block' : 'none';
    };
    if (!gd.__aevizMarkHooked && gd.on) {
      gd.__aevizMarkHooked = true;
      gd.on('plotly_relayout', draw); gd.on('plotly_afterplot', draw);
    }
    draw();
  };
  apply(30);
  // Mounted only while a data point is selected: unmounting removes the mark.
  return () => {
    const gd = target && document.querySelector(`.st-key-${target} .js-plotly-plot`);
    if (gd) { gd.__aevizMark = null; const el = gd.querySelector('.aeviz-mark'); if (el) el.remove(); }
  };
}
"""
_mark = st.components.v2.component("aeviz_explorer_mark", js=_MARK_JS)


def _mark_other(slot: str, other: Pane | None, z_other, row: int | None) -> None:
    """Mark test image ``row`` at ``z_other`` in the other pane's map. Mounted only while a data
    point is selected (a click on empty space unmounts it, which removes the mark), so the
    common click pays nothing for it."""
    if other is None or row is None or z_other is None:
        return
    payload = {"target": f"latent_{other.slot}", "x": float(z_other[0]), "y": float(z_other[1]), "label": f"#{row}"}
    _mark(key=f"explorer_mark_{slot}", data=payload)


def _selected(slot: str, pick_curve: int, codes: np.ndarray) -> dict | None:
    """The click as {'z', 'row' (a test image or None), 'exact'}; None when nothing is selected.
    Item access on the widget state, which AppTest can set (streamlit-notes §5)."""
    state = st.session_state.get(f"latent_{slot}")
    if not state:
        return None
    points = state["selection"]["points"]
    if not points:
        return None
    p = points[0]
    if p.get("curve_number", p.get("curveNumber")) == pick_curve or p.get("customdata") is None:
        return {"z": (float(p["x"]), float(p["y"])), "row": None}
    custom = p["customdata"]
    row = int(custom[0] if isinstance(custom, (list, tuple)) else custom)
    return {"z": (float(codes[row, 0]), float(codes[row, 1])), "row": row}


def _decoded_panel(slot: str, pane: Pane, click: dict | None, resolution: float) -> None:
    with st.container(key=f"decoded_{slot}"):
        if click is None:
            st.html('<div style="font-size:1.05rem;color:#555;padding:8px 0">Click anywhere on the map: '
                    'on a point or on empty space. The decoder turns that z into an image here.</div>')
            return
        image = data.decode_one(pane.path, click["z"])
        z = click["z"]
        where = (f"test image #{click['row']}" if click["row"] is not None
                 else f"empty space · nearest grid node, ±{resolution / 2:.2f}")
        st.html(f'<div style="font-size:0.95rem;color:#333;margin-bottom:4px">decoded by <b>{pane.name}</b></div>'
                f'{data.img_tag(image, title="decoded image")}'
                f'<div class="aeviz-z" style="font:600 1.1rem monospace;margin-top:6px;white-space:nowrap">'
                f'z = ({z[0]:.2f}, {z[1]:.2f})</div>'
                f'<div style="font-size:0.9rem;color:#555">{where}</div>')


def _comparison(slot: str, panes: dict[str, Pane | None], dataset: str, row: int) -> dict:
    """original | reconstruction by each pane's model, for test image ``row``; returns the codes."""
    sub = data.test_subset(dataset)
    image = sub["images"][row]
    codes, cells = {}, [("original", image)]
    for s in ("ae", "vae"):
        p = panes.get(s)
        if p is not None:
            codes[s], recon = data.reconstruct(p.path, image)
            cells.append((s.upper(), recon))
    label = sub["class_names"][int(sub["labels"][row])]
    html = "".join(f'<div style="flex:1;min-width:0;text-align:center;font-size:0.85rem">{data.img_tag(im, title=t)}'
                   f'<div style="overflow:hidden;text-overflow:ellipsis;white-space:nowrap">{t}</div></div>'
                   for t, im in cells)
    with st.container(key=f"compare_{slot}"):
        st.html(f'<div style="font-size:0.95rem;margin:8px 0 4px"><b>Test image #{row}</b> · class “{label}”: '
                f'original | reconstructions</div><div style="display:flex;gap:6px">{html}</div>')
    return codes


def hover_pane(slot: str, pane: Pane) -> None:
    """Hover to decode (issue 5): the decoder runs in the browser under the pointer; a click keeps
    going through the pick grid, and the preview pins the z plotly reported for it. Drawn outside
    the map's fragment, so a click's rerun does not touch it."""
    hover_preview(get_model(pane.path), map_key=f"latent_{slot}", key=f"hover_{slot}", label=pane.name,
                  partner=f"hover_{'vae' if slot == 'ae' else 'ae'}", report_clicks=False)


@st.fragment
def map_pane(slot: str, pane: Pane, panes: dict[str, Pane | None], dataset: str, gap: bool) -> None:
    """One map with its decoded image. Reruns alone when its map is clicked."""
    d = data.map_data(pane.path, pane.mtime, dataset)
    side = "Autoencoder (AE)" if slot == "ae" else "Variational autoencoder (VAE)"
    st.markdown(f"#### {side}: `{pane.name}`")
    fig, pick_curve = data.map_figure(pane.path, pane.mtime, dataset, "", gap)
    left, right = st.columns([2.3, 1], gap="small")
    with left:
        st.plotly_chart(fig, key=f"latent_{slot}", on_select="rerun", selection_mode="points",
                        config=CHART_CONFIG, theme=None)
    click = _selected(slot, pick_curve, d["codes"])
    if click is not None:
        st.session_state[f"explorer_last_{slot}"] = click
        clicks = st.session_state.setdefault(f"explorer_clicks_{slot}", [])
        if not clicks or clicks[-1] != click["z"]:
            clicks.append(click["z"])
            del clicks[:-2]
        if click["row"] is not None:
            rows = st.session_state.setdefault("explorer_rows", [])
            if not rows or rows[-1] != click["row"]:
                rows.append(click["row"])
                del rows[:-2]
    with right:
        _decoded_panel(slot, pane, click, d["resolution"])
        other_slot = "vae" if slot == "ae" else "ae"
        other = panes.get(other_slot)
        if click is not None and click["row"] is not None:
            codes = _comparison(slot, panes, dataset, click["row"])
            _mark_other(slot, other, codes.get(other_slot), click["row"])
