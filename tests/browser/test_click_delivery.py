"""Every click on a map is answered with the image of that click, even when Streamlit drops the
rerun it caused or the map is redrawn. Relies on page structure Streamlit does not document
(click.js: ``.st-key-<key> .aeviz-latent-map``; Playwright's websocket routing)."""
from __future__ import annotations

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from conftest import map_area, map_drawn, wait_for_app_idle, wait_for_rerun_answer

pytestmark = pytest.mark.browser

SLOTS = ("ae", "vae")


def _open(browser, url, route=None):
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    if route is not None:
        page.route_web_socket("**/_stcore/stream", route)
    page.goto(url)
    for slot in SLOTS:
        page.wait_for_selector(map_drawn(f"latent_{slot}"), timeout=90_000)
    wait_for_app_idle(page, 90_000)
    page.wait_for_timeout(500)
    return context, page


def _click(page, slot: str, fx: float, fy: float) -> None:
    box = page.locator(map_area(f"latent_{slot}")).bounding_box()
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def _answered_seq(page, slot: str) -> int:
    return int(page.evaluate(
        "(s) => { const el = document.querySelector(`.st-key-decoded_${s} [data-aeviz-seq]`);"
        " return el ? Number(el.dataset.aevizSeq) : 0; }", slot))


def _wait_answer(page, slot: str, timeout_ms: int) -> int:
    """Waits until the panel answers the last click click.js sent on map ``slot``; returns its seq."""
    wait_for_rerun_answer(page, slot, timeout_ms)
    return _answered_seq(page, slot)


def test_a_dropped_click_is_sent_again_and_answered(browser, app_server, artifacts):
    """The first click's rerun message never reaches the server (as when Streamlit drops a rerun
    under load): click.js sends it again and the panel answers that click."""
    dropped = []

    def route(ws):
        server = ws.connect_to_server()

        def to_server(message):
            raw = message.encode() if isinstance(message, str) else message
            back = BackMsg()
            back.ParseFromString(raw)
            states = back.rerun_script.widget_states.widgets if back.WhichOneof("type") == "rerun_script" else []
            if not dropped and any(w.WhichOneof("value") == "json_trigger_value" and "click" in w.json_trigger_value
                                   for w in states):
                dropped.append(back)
                return
            server.send(message)

        ws.on_message(to_server)
        server.on_message(lambda message: ws.send(message))

    context, page = _open(browser, app_server.url, route)
    try:
        _click(page, "ae", 0.37, 0.41)
        seq = _wait_answer(page, "ae", 30_000)
        assert dropped, "the test's router never saw the click"
        assert seq == page.evaluate("window.__aevizClick.targets.latent_ae.lastSeq")
        assert page.evaluate("window.__aevizClick.resent") >= 1
        page.screenshot(path=str(artifacts / "click-dropped-then-resent.png"))
    finally:
        context.close()


def test_rapid_clicks_on_both_maps_each_answered(browser, app_server):
    """Clicks in quick succession alternate between the maps: each panel ends on its last click,
    each click answered by number."""
    context, page = _open(browser, app_server.url)
    try:
        for i in range(6):
            slot = SLOTS[i % 2]
            _click(page, slot, 0.2 + 0.1 * i, 0.3 + 0.05 * i)
            page.wait_for_timeout(150)
        sent = page.evaluate("window.__aevizClick.sent")
        assert sent == 6
        for slot in SLOTS:
            _wait_answer(page, slot, 30_000)
    finally:
        context.close()


def test_a_redrawn_map_still_answers(browser, app_server):
    """An overlay redraws both maps with new data: a click on the redrawn map is answered."""
    context, page = _open(browser, app_server.url)
    try:
        page.locator(".st-key-explorer_overlay").get_by_text("Empty space", exact=True).click()
        page.wait_for_timeout(500)
        wait_for_app_idle(page, 90_000)
        for slot in SLOTS:
            page.wait_for_selector(f".st-key-latent_{slot} canvas[data-grid='empty']", timeout=90_000)
        sent = page.evaluate("window.__aevizClick.sent")
        _click(page, "vae", 0.6, 0.35)
        _wait_answer(page, "vae", 30_000)
        assert page.evaluate("window.__aevizClick.sent") == sent + 1
    finally:
        context.close()
