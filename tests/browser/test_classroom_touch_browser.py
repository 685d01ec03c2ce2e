"""Tablets (768 px wide, touch): a finger dragged over a map decodes as the mouse pointer does, a
tap pins z, and with "same z in both" on, the other preview follows a click or a tap too (it used
to keep showing an earlier hover's z)."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import StreamlitServer, map_area, map_drawn, map_view, wait_for_app_idle
from test_hover_browser import DEMO, axis_range, canvas_png, open_demo, pixel_for, plot_box

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_url(checkpoint_copy, artifacts):
    server = StreamlitServer(checkpoint_copy, artifacts / "touch-demo-server.log", app=DEMO)
    yield server.url
    server.stop()


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=False)
    pg = context.new_page()
    yield pg
    context.close()


def touch_drag(page, points):
    """A real touch drag through ``points`` (client pixels), sent through the DevTools protocol
    (Playwright's touchscreen only taps)."""
    cdp = page.context.new_cdp_session(page)
    (x, y), rest = points[0], points[1:]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in rest:
        page.wait_for_timeout(30)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    page.wait_for_timeout(50)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def at_fraction(rng, fx, fy):
    """The z at fractions (fx, fy) of a map's axes (0 = left / bottom): test points that do not
    depend on how wide a model's codes spread."""
    x0, x1, y0, y1 = rng
    return (x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))


def plotly_range(page, key):
    return page.evaluate(f"(() => {{ const gd = document.querySelector('.st-key-{key} .js-plotly-plot');"
                         " return [gd._fullLayout.xaxis.range.slice(), gd._fullLayout.yaxis.range.slice()]; })()")


def test_touch_drag_decodes_and_tap_pins_in_both(tablet, demo_url, artifacts):
    page = tablet
    open_demo(page, demo_url)
    ranges = {"ae": axis_range("ae"), "vae": axis_range("vae")}
    box_ae, box_vae = plot_box(page, "latent_ae"), plot_box(page, "latent_vae")
    view_before = plotly_range(page, "latent_ae")
    before = canvas_png(page, "hover_ae")
    # A finger dragged across the AE map: the preview follows it.
    path = [pixel_for(box_ae, ranges["ae"], at_fraction(ranges["ae"], fx, 0.6)) for fx in np.linspace(0.2, 0.8, 8)]
    ends = [at_fraction(ranges["ae"], fx, 0.6) for fx in np.linspace(0.2, 0.8, 8)[-2:]]
    touch_drag(page, path)
    page.wait_for_function("aevizHover.info('hover_ae').z !== null")
    page.wait_for_timeout(150)
    shown = page.evaluate("aevizHover.info('hover_ae').z")
    x0, x1, y0, y1 = ranges["ae"]
    tol = 2.5 * max((x1 - x0) / box_ae["width"], (y1 - y0) / box_ae["height"])
    # Chromium may drop a touch's very last move when the finger lifts right after it.
    assert any(abs(shown[0] - e[0]) < tol and abs(shown[1] - e[1]) < tol for e in ends), (
        f"the drag ended near z={ends[-1]}, the preview shows {shown}")
    assert page.evaluate("aevizHover.info('hover_ae').pinned") is None, "a drag is not a tap: nothing is pinned"
    assert canvas_png(page, "hover_ae") != before, "a touch drag did not redraw the preview"
    assert page.evaluate("aevizHover.info('hover_vae').z") == shown, "the partner did not follow the finger"
    assert plotly_range(page, "latent_ae") == view_before, "the touch drag panned the map instead of decoding"
    page.screenshot(path=str(artifacts / "touch-drag-768.png"), full_page=True)

    # The reported bug: hover (here a drag) over the VAE map first, then tap the AE map elsewhere.
    touch_drag(page, [pixel_for(box_vae, ranges["vae"], at_fraction(ranges["vae"], f, 0.3)) for f in (0.3, 0.5, 0.7)])
    page.wait_for_timeout(150)
    earlier = page.evaluate("aevizHover.info('hover_vae').z")
    z_tap = at_fraction(ranges["ae"], 0.35, 0.35)
    x, y = pixel_for(box_ae, ranges["ae"], z_tap)
    page.touchscreen.tap(x, y)
    page.wait_for_function("aevizHover.info('hover_ae').pinned !== null")
    page.wait_for_timeout(150)
    ae, vae = page.evaluate("aevizHover.info('hover_ae')"), page.evaluate("aevizHover.info('hover_vae')")
    assert abs(ae["pinned"][0] - z_tap[0]) < tol and abs(ae["pinned"][1] - z_tap[1]) < tol
    assert vae["pinned"] == ae["pinned"] and vae["z"] == ae["pinned"], (
        f"the VAE preview shows {vae['z']} (earlier {earlier}) while the AE's is pinned at {ae['pinned']}")
    vx0, vx1, vy0, vy1 = ranges["vae"]
    inside = vx0 <= ae["pinned"][0] <= vx1 and vy0 <= ae["pinned"][1] <= vy1
    assert page.locator(".st-key-latent_vae .aeviz-hover-marker").is_visible() == inside
    # The tap reached the server like a click.
    page.wait_for_function("document.querySelector('.st-key-clicked_ae').innerText.includes('[')", timeout=30000)
    wait_for_app_idle(page)
    page.screenshot(path=str(artifacts / "touch-tap-768.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, f"the page is {width} px wide at a 768 px viewport (horizontal scrolling)"


def test_mouse_click_moves_the_partner_preview_too(page, demo_url):
    """Same bug with a mouse: after hovering the VAE map, a click on the AE map (without a hover
    at that spot first, as when the click's own move is not drawn before the click lands) pins
    both previews at the clicked z."""
    open_demo(page, demo_url)
    ranges = {"ae": axis_range("ae"), "vae": axis_range("vae")}
    box_ae, box_vae = plot_box(page, "latent_ae"), plot_box(page, "latent_vae")
    x, y = pixel_for(box_vae, ranges["vae"], at_fraction(ranges["vae"], 0.7, 0.7))
    page.mouse.move(x, y, steps=3)
    page.wait_for_timeout(100)
    earlier = page.evaluate("aevizHover.info('hover_vae').z")
    cx, cy = pixel_for(box_ae, ranges["ae"], at_fraction(ranges["ae"], 0.3, 0.4))
    # A press and release at the AE spot with no pointer move drawn in between.
    page.evaluate("""([x, y]) => {
        const el = document.elementFromPoint(x, y);
        const o = {clientX: x, clientY: y, bubbles: true, pointerType: 'mouse'};
        el.dispatchEvent(new PointerEvent('pointerdown', o));
        el.dispatchEvent(new MouseEvent('click', o));
    }""", [cx, cy])
    page.wait_for_timeout(100)
    ae, vae = page.evaluate("aevizHover.info('hover_ae')"), page.evaluate("aevizHover.info('hover_vae')")
    assert ae["pinned"] is not None
    assert vae["z"] == ae["pinned"], f"VAE preview still at {vae['z']} (earlier hover {earlier})"
    # Pointer away from both maps: both show the pinned z.
    page.mouse.move(5, 5)
    page.wait_for_timeout(100)
    assert page.evaluate("aevizHover.info('hover_vae').z") == ae["pinned"]


def test_a_tap_on_an_explorer_map_decodes_once_and_keeps_the_view(tablet, app_server, artifacts):
    """The explorer's canvas maps on a tablet: a tap is one click (decoded by the server, pinned in
    the preview), and neither pans nor zooms the map."""
    page = tablet
    page.goto(app_server.url)
    page.wait_for_selector(map_drawn("latent_ae"), timeout=90_000)
    page.wait_for_function("window.aevizHover && aevizHover.info('hover_ae')", timeout=60_000)
    wait_for_app_idle(page, 90_000)
    area = page.locator(map_area("latent_ae"))
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    view = map_view(page, "latent_ae")
    before = page.locator(".st-key-decoded_ae").inner_text()
    page.touchscreen.tap(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    page.wait_for_function("(b) => { const el = document.querySelector('.st-key-decoded_ae');"
                           " return el.innerText !== b && el.querySelector('img'); }", arg=before, timeout=30_000)
    assert page.evaluate("window.__aevizClick.sent") == 1
    printed = [float(v) for v in page.locator(".st-key-decoded_ae").inner_text().split("z = (")[1].split(")")[0].split(",")]
    assert np.allclose(page.evaluate("aevizHover.info('hover_ae').pinned"), printed, atol=0.0051)
    assert map_view(page, "latent_ae") == view
    page.screenshot(path=str(artifacts / "tablet-explorer-tap.png"))


@pytest.mark.parametrize("path", ["", "studio", "lesson", "about"])
def test_pages_fit_a_tablet(tablet, app_server, artifacts, path):
    """Each page at 768 px: nothing wider than the screen (no sideways scrolling)."""
    page = tablet
    page.goto(f"{app_server.url}/{path}?lang=vi")
    page.wait_for_selector("h1", timeout=90_000)
    wait_for_app_idle(page, 90_000)
    page.wait_for_timeout(500)
    wide = page.evaluate("""() => { const main = document.querySelector("[data-testid='stMain']");
        return [document.documentElement.scrollWidth, main ? main.scrollWidth : 0, main ? main.clientWidth : 0]; }""")
    page.screenshot(path=str(artifacts / f"tablet-768-{path or 'explorer'}.png"))
    assert wide[0] <= 768 and wide[1] <= wide[2] + 1, f"{path or 'explorer'} is wider than 768 px: {wide}"
