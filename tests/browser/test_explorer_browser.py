"""The explorer in a real browser: Debian's Chromium against ``streamlit run`` on a free port.

Relies on page structure Streamlit does not document (streamlit-notes §5): the ``.st-key-<key>``
class on keyed elements; the maps' plot area is latent_map.js's ``.aeviz-map-area``.
Clicks are placed at data coordinates from the axis range the app uses (fixed, computed here the
same way: ``plots.axis_range_for`` over the encoded test images)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from aeviz import analysis, load_model, plots
from aeviz.data import load_dataset

from conftest import map_area, map_drawn, map_view, wait_for_app_idle, wait_for_rerun_answer

pytestmark = pytest.mark.browser

Z_RE = re.compile(r"z = \((-?\d+\.\d+), (-?\d+\.\d+)\)")


@pytest.fixture(scope="module")
def maps(checkpoint_copy):
    """For each pane: the codes of the test images and the fixed axis range the app draws."""
    ds = load_dataset("mnist", allow_download=False)
    images = ds.images("test")
    out = {}
    for slot in ("ae", "vae"):
        model = load_model(checkpoint_copy / f"mnist-{slot}")
        codes = analysis.encode_all(model, images)[:, :2]
        out[slot] = {"codes": codes, "range": plots.axis_range_for(codes)}
    return out


@pytest.fixture(scope="module")
def explorer(browser, app_server):
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    page.goto(app_server.url)
    for slot in ("ae", "vae"):
        page.wait_for_selector(map_drawn(f"latent_{slot}"), timeout=90_000)
    wait_for_app_idle(page, 90_000)
    yield page
    context.close()


def _pixel(page, slot: str, axis_range, z) -> tuple[float, float]:
    box = page.locator(map_area(f"latent_{slot}")).bounding_box()
    x0, x1, y0, y1 = axis_range
    return (float(box["x"] + (float(z[0]) - x0) / (x1 - x0) * box["width"]),
            float(box["y"] + (y1 - float(z[1])) / (y1 - y0) * box["height"]))


def _click_and_read(page, slot: str, axis_range, z, expect: str | None = None) -> str:
    decoded = page.locator(f".st-key-decoded_{slot}")
    before = decoded.inner_text()
    page.mouse.click(*_pixel(page, slot, axis_range, z))
    page.wait_for_function(
        "([sel, before, expect]) => { const el = document.querySelector(sel);"
        " return el && el.innerText !== before && el.querySelector('img') &&"
        " (!expect || el.innerText.includes(expect)); }",
        arg=[f".st-key-decoded_{slot}", before, expect], timeout=30_000)
    wait_for_rerun_answer(page, slot)
    return decoded.inner_text()


@pytest.mark.parametrize("slot", ["ae", "vae"])
def test_click_on_empty_space_decodes_that_z(explorer, maps, artifacts, slot):
    page, m = explorer, maps[slot]
    z, clearance = analysis.empty_spot(m["codes"], m["range"])
    box = page.locator(map_area(f"latent_{slot}")).bounding_box()
    # Clicks are exact: the only error is the click's rounding to a whole pixel.
    resolution = max((m["range"][1] - m["range"][0]) / box["width"], (m["range"][3] - m["range"][2]) / box["height"])
    assert clearance > 30 * resolution, "the chosen spot should be clear of data points"
    text = _click_and_read(page, slot, m["range"], z, expect="empty space")
    found = Z_RE.search(text)
    assert found, text
    printed = np.array([float(found.group(1)), float(found.group(2))])
    # Allow a pixel for the click's rounding, plus the two decimals printed.
    assert np.all(np.abs(printed - z) <= resolution + 0.006), (printed, z, resolution)
    # The ring on the map sits on the clicked spot (to the pixel), drawn by the browser at the click.
    ring = page.locator(f".st-key-latent_{slot} .aeviz-click").bounding_box()
    spot = _pixel(page, slot, m["range"], z)
    assert abs(ring["x"] + ring["width"] / 2 - spot[0]) <= 1.5 and abs(ring["y"] + ring["height"] / 2 - spot[1]) <= 1.5
    img = page.locator(f".st-key-decoded_{slot} img")
    assert img.get_attribute("src").startswith("data:image/png;base64,")
    assert "pixelated" in img.get_attribute("style")
    assert img.bounding_box()["width"] >= 150  # large enough for a projector
    page.screenshot(path=str(artifacts / f"explorer-empty-click-{slot}.png"))


def test_click_on_a_data_point_shows_the_original_and_both_reconstructions(explorer, maps, artifacts):
    page, m = explorer, maps["ae"]
    codes = m["codes"]
    # An isolated point well inside the map, so the click cannot land on a neighbour instead.
    x0, x1, y0, y1 = m["range"]
    inside = ((codes[:, 0] > x0 + 0.1 * (x1 - x0)) & (codes[:, 0] < x1 - 0.1 * (x1 - x0))
              & (codes[:, 1] > y0 + 0.1 * (y1 - y0)) & (codes[:, 1] < y1 - 0.1 * (y1 - y0)))
    d = np.sqrt(((codes[:, None] - codes[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    isolation = np.where(inside, d.min(1), -1)
    row = int(isolation.argmax())
    text = _click_and_read(page, "ae", m["range"], codes[row], expect=f"test image #{row}")
    assert f"z = ({codes[row, 0]:.2f}, {codes[row, 1]:.2f})" in text
    compare = page.locator(".st-key-compare_ae")
    compare.wait_for(timeout=30_000)
    assert compare.locator("img").count() == 3  # original | AE reconstruction | VAE reconstruction
    assert f"#{row}" in compare.inner_text()
    # The same image is marked in the other map, at its VAE code, without changing that figure.
    mark = page.locator(".st-key-latent_vae .aeviz-mark")
    mark.wait_for(timeout=30_000)
    assert f"#{row}" in mark.inner_text()
    page.screenshot(path=str(artifacts / "explorer-data-point-click.png"))


# Every answer the decoded panel of `slot` shows, in order: its click number, whether click.js painted
# it from the decode route (data-aeviz-fast) or the fragment rerun did, its image and its text.
ANSWERS_JS = """(slot) => {
  const seen = window.__aevizAnswers = [];
  new MutationObserver(() => {
    const box = document.querySelector(`.st-key-decoded_${slot}`);
    const a = box && box.querySelector('[data-aeviz-seq]'), img = box && box.querySelector('img');
    if (!a || !img) return;
    const rec = {seq: Number(a.dataset.aevizSeq), fast: !!a.dataset.aevizFast, src: img.src, text: box.innerText};
    const last = seen[seen.length - 1];
    if (!last || last.seq !== rec.seq || last.fast !== rec.fast) seen.push(rec);
  }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def _answers_after_click(page, slot: str, axis_range, z) -> list[dict]:
    """Click ``z`` on map ``slot``; the panel's answers to that click, up to the fragment rerun's."""
    before = page.evaluate(f"() => Number(document.querySelector('.st-key-decoded_{slot} [data-aeviz-seq]')"
                           "?.dataset.aevizSeq || 0)")
    page.evaluate(ANSWERS_JS, slot)
    page.mouse.click(*_pixel(page, slot, axis_range, z))
    page.wait_for_function("(before) => window.__aevizAnswers.some(a => a.seq > before && !a.fast)",
                           arg=before, timeout=30_000)
    return [a for a in page.evaluate("window.__aevizAnswers") if a["seq"] > before]


@pytest.mark.parametrize("slot", ["ae", "vae"])
def test_the_server_route_answers_first_and_the_rerun_agrees(explorer, maps, slot):
    """click.js asks the app server's decode route for the panel (no rerun, so no page render);
    the fragment rerun that follows repaints the panel with the very same image and words."""
    page, m = explorer, maps[slot]
    fast = page.evaluate("window.__aevizClick.fast")
    z, _ = analysis.empty_spot(m["codes"], m["range"])
    answers = _answers_after_click(page, slot, m["range"], (z[0] + 0.01, z[1]))
    assert answers[0]["fast"], answers  # the route's answer came first
    rerun = [a for a in answers if not a["fast"]][-1]
    assert rerun["seq"] == answers[0]["seq"]
    assert rerun["src"] == answers[0]["src"] and rerun["text"] == answers[0]["text"]
    assert "empty space" in rerun["text"]
    assert page.evaluate("window.__aevizClick.fast") == fast + 1


def test_without_the_route_the_rerun_answers_alone(browser, app_server, maps):
    """A server without the route (or a route that fails) costs speed, not the answer."""
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    page.route("**/aeviz/decode*", lambda route: route.abort())
    try:
        page.goto(app_server.url)
        page.wait_for_selector(map_drawn("latent_ae"), timeout=90_000)
        wait_for_app_idle(page, 90_000)
        m = maps["ae"]
        z, _ = analysis.empty_spot(m["codes"], m["range"])
        answers = _answers_after_click(page, "ae", m["range"], z)
        assert answers and not any(a["fast"] for a in answers), answers
        assert "empty space" in answers[-1]["text"] and Z_RE.search(answers[-1]["text"])
        assert page.evaluate("window.__aevizClick.fast") == 0
    finally:
        context.close()


def test_zoom_survives_a_click(explorer, maps, artifacts):
    page, m = explorer, maps["vae"]
    box = page.locator(map_area("latent_vae")).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)  # the wheel zooms in around the pointer
    page.wait_for_timeout(500)
    zoomed = map_view(page, "latent_vae")
    assert zoomed[1] - zoomed[0] < m["range"][1] - m["range"][0]
    rng = tuple(zoomed)
    z = ((rng[0] + rng[1]) / 2 + 0.13 * (rng[1] - rng[0]), (rng[2] + rng[3]) / 2 - 0.11 * (rng[3] - rng[2]))
    _click_and_read(page, "vae", rng, z)
    wait_for_app_idle(page)
    assert np.allclose(map_view(page, "latent_vae"), zoomed, atol=1e-9)
    page.screenshot(path=str(artifacts / "explorer-zoomed-click.png"))


def test_drag_pans_without_a_click_and_the_legend_hides_a_class(explorer, maps):
    page, m = explorer, maps["ae"]
    box = page.locator(map_area("latent_ae")).bounding_box()
    decoded = page.locator(".st-key-decoded_ae").inner_text()
    before = map_view(page, "latent_ae")
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 40, steps=6)
    page.mouse.up()
    page.wait_for_timeout(300)
    panned = map_view(page, "latent_ae")
    # Dragged right and down: the view moved left and up by as much of the data, same size.
    assert panned[0] < before[0] and panned[2] > before[2]
    assert np.isclose(panned[1] - panned[0], before[1] - before[0])
    page.wait_for_timeout(700)
    assert page.locator(".st-key-decoded_ae").inner_text() == decoded, "a pan is not a click"
    canvas = page.locator(map_drawn("latent_ae"))
    shown = int(canvas.get_attribute("data-points"))
    assert shown == len(m["codes"])
    page.locator(".st-key-latent_ae .aeviz-latent-legend button[data-class='1']").click()
    page.wait_for_timeout(200)
    ones = int((load_dataset("mnist", allow_download=False).labels("test") == 1).sum())
    assert int(canvas.get_attribute("data-points")) == shown - ones
    page.locator(".st-key-latent_ae .aeviz-latent-legend button[data-class='1']").click()
    sent = page.evaluate("window.__aevizClick.sent")
    page.mouse.dblclick(cx, cy)  # a double-click shows the whole map again
    page.wait_for_timeout(300)
    assert np.allclose(map_view(page, "latent_ae"), m["range"], atol=1e-3)
    assert page.evaluate("window.__aevizClick.sent") == sent + 1, "a double-click decodes once, as one click"
    assert int(canvas.get_attribute("data-points")) == shown


def _outside(requests: list[str], server_url: str) -> list[str]:
    """The requested URLs that leave the app's server (data: and blob: URLs stay in the page)."""
    return [u for u in requests if not u.startswith((server_url, "data:", "blob:"))]


def test_the_page_and_its_clicks_fetch_nothing_from_outside_the_server(browser, app_server, maps):
    """A classroom may have no internet: loading the explorer and clicking both maps asks the app's
    own server only (a ":material/..." page icon made every run fetch the favicon from Google)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(app_server.url)
        for slot in ("ae", "vae"):
            page.wait_for_selector(map_drawn(f"latent_{slot}"), timeout=90_000)
        wait_for_app_idle(page, 90_000)
        for slot in ("ae", "vae"):
            z, _ = analysis.empty_spot(maps[slot]["codes"], maps[slot]["range"])
            _click_and_read(page, slot, maps[slot]["range"], z, expect="empty space")
        wait_for_app_idle(page)
        icon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    finally:
        context.close()
    assert icon.startswith("data:image/svg+xml"), icon[:80]
    assert not _outside(requests, app_server.url), _outside(requests, app_server.url)


@pytest.mark.parametrize("path", ["studio", "lenses", "anomaly", "digit", "class", "join", "lesson", "about"])
def test_every_other_page_fetches_nothing_from_outside_the_server(browser, app_server, path):
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{app_server.url}/{path}")
        page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=90_000)
        wait_for_app_idle(page, 90_000)
        page.wait_for_timeout(500)
    finally:
        context.close()
    assert not _outside(requests, app_server.url), _outside(requests, app_server.url)
