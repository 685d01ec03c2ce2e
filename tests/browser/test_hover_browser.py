"""Hover-to-decode in a real browser: the JavaScript forward pass equals torch's, and
the hookup to Streamlit's and plotly's page structure still works (hover -> canvas changes at the
right z, "same z in both" marks the other map, a click reaches the server).

If one of these fails after a Streamlit or plotly upgrade, read the header of aeviz/ui/web/hover.js:
it lists every piece of page structure the component relies on."""
from __future__ import annotations

import base64

import numpy as np
import pytest
import torch

from aeviz.checkpoints import load_model
from aeviz.data import load_dataset
from aeviz.decoder_export import export_decoder
from aeviz.plots import axis_range_for

from conftest import CHECKPOINTS, StreamlitServer, map_area, map_drawn, wait_for_app_idle
from test_hover_export import SHIPPED_MLP, torch_decode

pytestmark = pytest.mark.browser
DEMO = "tests/apps/hover_demo.py"


@pytest.fixture(scope="module")
def demo_url(checkpoint_copy, artifacts):
    """`streamlit run tests/apps/hover_demo.py` on a free port (two maps keyed like the
    Explorer's, each with its hover preview)."""
    server = StreamlitServer(checkpoint_copy, artifacts / "hover-demo-server.log", app=DEMO)
    yield server.url
    server.stop()


def open_demo(page, url):
    page.goto(url)
    for key in ("latent_ae", "latent_vae"):
        page.wait_for_selector(f".st-key-{key} .js-plotly-plot .nsewdrag", timeout=60000)
    for key in ("hover_ae", "hover_vae"):
        page.wait_for_selector(f".st-key-{key} canvas", timeout=60000)
    page.wait_for_function("window.aevizHover && aevizHover.info('hover_ae') && aevizHover.info('hover_vae')")
    wait_for_app_idle(page)


def test_browser_decode_equals_torch(page, demo_url):
    """Every shipped MLP decoder, 100 random z each, through the same JavaScript the page runs;
    and the two decoders the page received over the websocket."""
    open_demo(page, demo_url)
    rng = np.random.default_rng(5)
    for path in SHIPPED_MLP:
        model = load_model(path)
        z = rng.normal(0, 3, (100, model.latent_dim))
        blob = base64.b64encode(export_decoder(model)).decode()
        js = np.array(page.evaluate("([b, zs]) => aevizHover.decodeWith(b, zs)", [blob, z.tolist()]))
        err = np.abs(js - torch_decode(model, z)).max()
        assert err < 1e-5, f"{path}: browser decode differs from torch by {err:.2e}"
    for tag in ("ae", "vae"):
        model = load_model(CHECKPOINTS / f"mnist-{tag}")
        z = rng.uniform(-5, 5, (100, 2))
        js = np.array(page.evaluate(f"zs => zs.map(z => aevizHover.decode('hover_{tag}', z))", z.tolist()))
        assert np.abs(js - torch_decode(model, z)).max() < 1e-5


def plot_box(page, key):
    """The plot area of map ``key``: a plotly chart's drag layer (the demo) or a latent map's area."""
    area = page.locator(f".st-key-{key} .js-plotly-plot .nsewdrag, {map_area(key)}")
    box = area.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, f"no plot area for {key}"
    return box


def axis_range(tag):
    """The demo figure's fixed axes, computed here independently of the page."""
    model = load_model(CHECKPOINTS / f"mnist-{tag}")
    with torch.inference_mode():
        codes = model.encode(load_dataset("mnist", allow_download=False).images("test")[:2000]).numpy()
    return axis_range_for(codes)


def pixel_for(box, rng, z):
    x0, x1, y0, y1 = rng
    return (float(box["x"] + (z[0] - x0) / (x1 - x0) * box["width"]),
            float(box["y"] + (y1 - z[1]) / (y1 - y0) * box["height"]))


def canvas_png(page, key):
    return page.evaluate(f"document.querySelector('.st-key-{key} canvas').toDataURL()")


def canvas_look(page, key: str) -> tuple[str, str]:
    """The preview canvas's border style and background colour, as the browser computes them."""
    return tuple(page.evaluate(
        """(key) => { const s = getComputedStyle(document.querySelector(`.st-key-${key} .aeviz-hover canvas`));
           return [s.borderTopStyle, s.backgroundColor]; }""", key))


def test_hover_decodes_under_the_pointer(page, demo_url, artifacts):
    open_demo(page, demo_url)
    ranges = {"ae": axis_range("ae"), "vae": axis_range("vae")}
    box_ae, box_vae = plot_box(page, "latent_ae"), plot_box(page, "latent_vae")
    before = canvas_png(page, "hover_ae"), canvas_png(page, "hover_vae")
    # Before any hover a preview is an empty dashed square, not a black image the decoder never made.
    assert [canvas_look(page, k) for k in ("hover_ae", "hover_vae")] == [("dashed", "rgba(0, 0, 0, 0)")] * 2
    # A z inside both maps' axes: hover it on the AE map.
    z = (0.5, 0.5)
    x, y = pixel_for(box_ae, ranges["ae"], z)
    page.mouse.move(x - 30, y - 20)
    page.mouse.move(round(x), round(y), steps=5)
    page.wait_for_function("aevizHover.info('hover_ae').z !== null")
    page.wait_for_timeout(100)
    shown = page.evaluate("aevizHover.info('hover_ae').z")
    x0, x1, y0, y1 = ranges["ae"]
    tol = 1.5 * max((x1 - x0) / box_ae["width"], (y1 - y0) / box_ae["height"])
    assert abs(shown[0] - z[0]) < tol and abs(shown[1] - z[1]) < tol, (
        f"hover at z={z} shows z={shown}: pixel -> data mapping broke (see hover.js header)")
    after = canvas_png(page, "hover_ae"), canvas_png(page, "hover_vae")
    assert after[0] != before[0], "hovering the AE map did not redraw its preview"
    assert [canvas_look(page, k) for k in ("hover_ae", "hover_vae")] == [("solid", "rgb(0, 0, 0)")] * 2
    # "Same z in both" is on by default: the VAE preview decoded the same z, its map shows a marker there.
    assert after[1] != before[1], "the VAE preview did not follow the AE map's pointer"
    assert page.evaluate("aevizHover.info('hover_vae').z") == shown
    marker = page.locator(".st-key-latent_vae .aeviz-hover-marker")
    assert marker.is_visible(), "no marker on the other map"
    mbox = marker.bounding_box()
    mx, my = pixel_for(box_vae, ranges["vae"], shown)
    assert abs(mbox["x"] + mbox["width"] / 2 - mx) < 3 and abs(mbox["y"] + mbox["height"] / 2 - my) < 3
    page.screenshot(path=str(artifacts / "hover-linked.png"))
    # A click pins z and tells the server.
    page.mouse.click(round(x), round(y))
    page.wait_for_function("document.querySelector('.st-key-clicked_ae').innerText.includes('[')", timeout=30000)
    text = page.locator(".st-key-clicked_ae").inner_text()
    server_z = [float(v) for v in text.split("[")[1].split("]")[0].split(",")]
    assert np.allclose(server_z, shown, atol=tol), f"server got {server_z}, hovered {shown}"
    # Off: the other preview stays put.
    page.locator(".st-key-hover_same_z label").click()
    page.wait_for_function("!aevizHover.info('hover_vae').linked")
    vae_before = canvas_png(page, "hover_vae")
    page.mouse.move(box_ae["x"] + 40, box_ae["y"] + 40, steps=5)
    page.wait_for_timeout(150)
    assert canvas_png(page, "hover_vae") == vae_before
    assert not marker.is_visible()
    page.screenshot(path=str(artifacts / "hover-unlinked.png"))


# ---------------------------------------------------------------- in the Explorer (app.py)

@pytest.fixture(scope="module")
def explorer_ranges(checkpoint_copy):
    """The Explorer's fixed axes, computed as it does (plots.axis_range_for over all test codes)."""
    from aeviz import analysis

    images = load_dataset("mnist", allow_download=False).images("test")
    out = {}
    for slot in ("ae", "vae"):
        codes = analysis.encode_all(load_model(checkpoint_copy / f"mnist-{slot}"), images)[:, :2]
        out[slot] = {"codes": codes, "range": axis_range_for(codes)}
    return out


@pytest.mark.parametrize("slot", ["ae", "vae"])
def test_explorer_hover_and_click(page, app_server, explorer_ranges, artifacts, slot):
    """Both Explorer maps (canvas latent maps) answer the pointer; a click on empty space pins, in
    the preview, the same z the Explorer's click path decoded, with no extra rerun."""
    from aeviz import analysis

    page.goto(app_server.url)
    for key in ("latent_ae", "latent_vae"):
        page.wait_for_selector(map_drawn(key), timeout=90_000)
    page.wait_for_selector(f".st-key-hover_{slot} canvas", timeout=60_000)
    page.wait_for_function(f"window.aevizHover && aevizHover.info('hover_{slot}')", timeout=60_000)
    wait_for_app_idle(page, 90_000)
    other = "vae" if slot == "ae" else "ae"
    m = explorer_ranges[slot]
    box = plot_box(page, f"latent_{slot}")
    before = canvas_png(page, f"hover_{slot}")
    z, _ = analysis.empty_spot(m["codes"], m["range"])
    x, y = pixel_for(box, m["range"], z)
    page.mouse.move(x + 25, y + 15)
    page.mouse.move(x, y, steps=4)
    page.wait_for_function(f"aevizHover.info('hover_{slot}').z !== null")
    page.wait_for_timeout(100)
    shown = np.array(page.evaluate(f"aevizHover.info('hover_{slot}').z"))
    x0, x1, y0, y1 = m["range"]
    tol = 1.5 * max((x1 - x0) / box["width"], (y1 - y0) / box["height"])
    assert np.abs(shown - z).max() < tol, f"hover at z={z} shows {shown}: the hookup broke (hover.js header)"
    assert canvas_png(page, f"hover_{slot}") != before, "hovering the map did not redraw the preview"
    assert page.evaluate(f"aevizHover.info('hover_{other}').z") == shown.tolist(), "same z in both"
    page.screenshot(path=str(artifacts / f"hover-explorer-{slot}.png"))
    decoded = page.locator(f".st-key-decoded_{slot}")
    old = decoded.inner_text()
    page.mouse.click(x, y)
    page.wait_for_function("([sel, old]) => { const el = document.querySelector(sel);"
                           " return el && el.innerText !== old && el.innerText.includes('z = ('); }",
                           arg=[f".st-key-decoded_{slot}", old], timeout=30_000)
    printed = [float(v) for v in decoded.inner_text().split("z = (")[1].split(")")[0].split(",")]
    pinned = page.evaluate(f"aevizHover.info('hover_{slot}').pinned")
    assert pinned is not None and np.allclose(pinned, printed, atol=0.0051), (pinned, printed)


def test_weights_are_sent_again_when_the_page_lacks_them(page, app_server):
    """The server sends the weights once per session, then a reference. If the page lacks them
    (simulated: forget them, leave the page and come back), the component asks (trigger
    'missing') and the next run sends them again."""
    page.goto(app_server.url)
    page.wait_for_function("window.aevizHover && aevizHover.info('hover_ae') && aevizHover.info('hover_vae')",
                           timeout=90_000)
    wait_for_app_idle(page, 90_000)
    page.evaluate("aevizHover.models.clear()")
    page.locator("[data-testid='stSidebarNav'] a", has_text="What is an autoencoder").click()
    page.wait_for_function("!document.querySelector('.st-key-latent_ae')", timeout=30_000)
    wait_for_app_idle(page)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Latent explorer").click()
    page.wait_for_function("window.aevizHover.info('hover_ae') && aevizHover.info('hover_vae')", timeout=60_000)
    assert page.evaluate("aevizHover.models.size") == 2
    assert page.evaluate("aevizHover.asked") >= 2, "the page should have asked for both decoders again"
