"""The two clickable maps.

Speed (streamlit-notes §2): each map is drawn in the page body, once, from data cached in
``st.cache_resource``, by a canvas component (``web/latent_map.js``; plotly's bundle and WebGL
contexts kept a first visit's maps off screen for seconds); a click does not rerun it. A small
listener component beside the map hears the map's clicks (exact data coordinates, on a point or
on empty space) and sends them to Python, which reruns only the fragment that shows the decoded
image. Before that, the listener fills the panel from the server's decode route (decode_route.py:
the same decode and HTML, without the page renders a rerun costs). Zoom and pan survive because
the map is never redrawn from Python.

A click on a data point (the map reports its row) also shows that test image
with both reconstructions, and a ring marks the same image in the other map."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from aeviz.ui import explorer_data as data
from aeviz.ui import decode_route, explorer_url
from aeviz.ui.explorer_data import Pane
from aeviz.ui.hover import hover_preview
from aeviz.ui.latent_map import latent_map
from aeviz.ui.lang import current_language, t
from aeviz.ui.state import get_model

WEB = Path(__file__).with_name("web")  # the browser code
DECODED_PX = decode_route.DECODED_PX
# The decoded panel's width beside the hover preview (aeviz/ui/layout.py): its widest line is the
# z readout, up to "z = (-12.34, -15.67)" in 1.1rem monospace (~211 px); presentation mode's
# larger text and 260-px image (url_state.PRESENT_CSS) need more.
PANEL_PX = (215, 275)

# click.js hears one map's clicks and rings the clicked spot; mark.js rings the clicked image in
# the other map. Both rely on page structure that is not a public Streamlit API:
# tests/browser/test_explorer_browser.py covers them.
_listener = st.components.v2.component("aeviz_explorer_click", js=(WEB / "click.js").read_text())
_mark = st.components.v2.component("aeviz_explorer_mark", js=(WEB / "mark.js").read_text())


def export_clicks() -> dict:
    """slot -> the map's last click, as the map exports draw it: updated by each click's fragment
    run, read by the export buttons (outside the fragment) when pressed."""
    return st.session_state.setdefault("explorer_export_clicks", {})


def click_key(slot: str) -> str:
    """Session state of a map's last click: {'z': (z1, z2), 'row': test image or None}. AppTest
    sets it directly to simulate a click."""
    return f"explorer_click_{slot}"


def _remember(slot: str, pane: Pane, dataset: str) -> None:
    """The listener's callback (runs before the fragment): turn the map's click into z and row, and
    keep the last two clicks and clicked images for the interpolation section."""
    event = (st.session_state.get(f"explorer_listener_{slot}") or {}).get("click")
    if not event:
        return
    seq = event.get("seq")  # click.js numbers its clicks and resends one that went unanswered
    seq = int(seq) if isinstance(seq, (int, float)) else None
    last = st.session_state.get(click_key(slot))
    if seq is not None and last is not None and last.get("seq") == seq:
        return  # a resend of the click the panel shows already: nothing new
    row = event.get("row")
    if row is not None:
        codes = data.map_data(pane.path, pane.mtime, dataset)["codes"]
        z = (float(codes[int(row), 0]), float(codes[int(row), 1]))
        rows = st.session_state.setdefault("explorer_rows", [])
        rows[:] = (rows + [int(row)])[-2:]
    else:
        z = (float(event["x"]), float(event["y"]))
    # The panel echoes ``seq`` (data-aeviz-seq): click.js and the load benchmark see which click it answers.
    st.session_state[click_key(slot)] = {"z": z, "row": None if row is None else int(row), "seq": seq}
    clicks = st.session_state.setdefault(f"explorer_clicks_{slot}", [])
    clicks[:] = (clicks + [z])[-2:]


def map_chart(slot: str, pane: Pane, dataset: str, overlay: str) -> None:
    """The map, in the page body: a click does not rerun it, so it keeps its zoom and costs nothing."""
    # A short heading over a one-line caption: "Variational autoencoder (VAE): mnist-vae" wrapped at
    # a projector's width where "Autoencoder (AE): mnist-ae" did not, and the VAE's map then started
    # a line below the AE's, in the view that exists to compare them.
    st.markdown(f"#### {t(f'kinds.short.{pane.kind}')}: `{pane.name}`")
    st.caption(t(f"kinds.long.{pane.kind}"))
    data.map_data(pane.path, pane.mtime, dataset)  # raises ValueError for an unreadable checkpoint
    latent_map(data.map_canvas(pane.path, pane.mtime, dataset, overlay, current_language(), explorer_url.map_height()),
               key=f"latent_{slot}")
    explorer_url.codes_export(slot, pane, dataset)


def _decoded_panel(slot: str, pane: Pane, click: dict | None) -> None:
    with st.container(key=f"decoded_{slot}"):
        if click is None:
            # The answer's layout, an empty square where the image will be: the first click then
            # changes contents only, so the browser does not lay the page out again.
            st.html(f'<div style="font-size:0.95rem;color:#555;margin-bottom:4px">{t("explorer.click_prompt")}</div>'
                    f'<div style="width:{DECODED_PX}px;height:{DECODED_PX}px;border:2px dashed #bbbbbb;'
                    f'border-radius:4px;box-sizing:border-box"></div>')
            return
        image = data.decode_one(pane.path, click["z"])
        st.html(decode_route.answer_html(current_language(), pane.name, image, click["z"], click["row"],
                                         click.get("seq")))


def _comparison(slot: str, panes: dict[str, Pane | None], dataset: str, row: int) -> dict:
    """original | reconstruction by each pane's model, for test image ``row``; returns the codes."""
    sub = data.test_subset(dataset)
    image = sub["images"][row]
    codes, cells = {}, [(t("explorer.original"), image)]
    for s in ("ae", "vae"):
        p = panes.get(s)
        if p is not None:
            codes[s], recon = data.reconstruct(p.path, image)
            cells.append((t(f"kinds.short.{p.kind}"), recon))
    label = sub["class_names"][int(sub["labels"][row])]
    html = "".join(f'<div style="flex:1;min-width:0;text-align:center;font-size:0.85rem">{data.img_tag(im, title=name)}'
                   f'<div style="overflow:hidden;text-overflow:ellipsis;white-space:nowrap">{name}</div></div>'
                   for name, im in cells)
    with st.container(key=f"compare_{slot}"):
        st.html(f'<div style="font-size:0.95rem;margin:8px 0 4px">{t("explorer.compare_head", row=row, label=label)}'
                f'</div><div style="display:flex;gap:6px;max-width:{3 * DECODED_PX}px">{html}</div>')
    return codes


def route_key(pane: Pane, dataset: str) -> str:
    """The decode route's key for a pane: its checkpoint's version and the test images its map shows."""
    return f"{pane.path}|{pane.mtime}|{dataset}"


def _fast_answer(pane: Pane, dataset: str) -> dict:
    """Where click.js asks for the panel's answer before the rerun (decode_route.py): the route, and
    this pane's token there, registered with the same cached model and codes the fragment uses."""
    token = decode_route.register(route_key(pane, dataset), lambda: decode_route.Target(
        get_model(pane.path), data.map_data(pane.path, pane.mtime, dataset)["codes"], pane.name))
    return {"url": decode_route.route_path(), "token": token, "lang": current_language()}


@st.fragment
def click_panel(slot: str, pane: Pane, panes: dict[str, Pane | None], dataset: str, overlay: str) -> None:
    """The decoded image of the last click on map ``slot``. Reruns alone when that map is clicked."""
    # The listener's callback (_remember) ran before this fragment: `click` is the latest click.
    explorer_url.bind_click(slot, len(data.test_subset(dataset)["labels"]))  # the click in the URL
    click = st.session_state.get(click_key(slot))
    # `map` changes with the map (another checkpoint, an overlay): the listener looks for it again.
    # `click` is the click the panel answers; click.js rings the clicked spot itself, at once.
    shown = None if click is None else {"x": click["z"][0], "y": click["z"][1], "seq": click.get("seq") or 0}
    _listener(key=f"explorer_listener_{slot}", data={"target": f"latent_{slot}", "panel": f"decoded_{slot}",
                                                      "map": f"{pane.path}|{overlay}", "click": shown,
                                                      "decode": _fast_answer(pane, dataset)},
              on_click_change=lambda: _remember(slot, pane, dataset))
    export_clicks()[slot] = click
    _decoded_panel(slot, pane, click)
    if click is None:
        return
    other_slot = "vae" if slot == "ae" else "ae"
    other = panes.get(other_slot)
    if click["row"] is not None:
        codes = _comparison(slot, panes, dataset, click["row"])
        if other is not None and other_slot in codes:
            z_other = codes[other_slot]
            _mark(key=f"explorer_mark_{slot}", data={
                "target": f"latent_{other_slot}", "name": f"from_{slot}", "css": "aeviz-mark", "color": "#d62728",
                "x": float(z_other[0]), "y": float(z_other[1]), "label": f"#{click['row']}"})


def hover_pane(slot: str, pane: Pane) -> None:
    """Hover to decode: the decoder runs in the browser under the pointer. Drawn outside
    the click fragment, so a click's rerun does not touch it; the preview pins the z the map
    reports for a click, which is the z the click panel decodes."""
    hover_preview(get_model(pane.path), map_key=f"latent_{slot}", key=f"hover_{slot}", label=pane.name,
                  partner=f"hover_{'vae' if slot == 'ae' else 'ae'}", report_clicks=False)
