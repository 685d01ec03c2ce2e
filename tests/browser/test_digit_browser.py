"""The "your own digit" and anomaly pages in a real browser: a phone photo made by the test lands on
both maps (and PCA's) with its reconstructions; a text file named .png gives one message and no
exception; a digit drawn on streamlit-drawable-canvas with the mouse goes through the same steps.

Relies on page structure Streamlit does not document: the ``.st-key-<key>`` class on keyed
elements, ``stAlert``/``stException`` test ids, the file input inside ``stFileUploader``, plotly's
graph div (``.js-plotly-plot`` with ``data`` and ``_fullLayout``) and the canvas component's
``canvas.upper-canvas`` (fabric.js)."""
from __future__ import annotations

import pytest

from conftest import wait_for_app_idle
from digit_images import phone_photo

pytestmark = pytest.mark.browser

MAPS = ("ae", "vae", "pca")


def _open_digit_page(page, url):
    page.goto(f"{url}/digit")
    page.locator(".st-key-digit_upload input[type='file']").wait_for(state="attached", timeout=90_000)
    wait_for_app_idle(page)


def _screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its own container, so grow the window instead."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1100")
    page.set_viewport_size({"width": 1600, "height": min(max(1100, height + 100), 6000)})
    page.wait_for_timeout(800)  # plotly redraws at the new size
    page.screenshot(path=str(path))


def _marked_point(page, key: str) -> dict:
    """The 'your digit' trace of one map: its z, whether it lies inside the axes, and its drawn marker."""
    return page.evaluate("""key => {
        const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
        const tr = gd.data[gd.data.length - 1];
        const xr = gd._fullLayout.xaxis.range, yr = gd._fullLayout.yaxis.range;
        const x = tr.x[0], y = tr.y[0];
        const traces = gd.querySelectorAll('.scatterlayer .trace');
        const last = traces[traces.length - 1];
        return {name: tr.name, x, y, inside: x >= xr[0] && x <= xr[1] && y >= yr[0] && y <= yr[1],
                drawn: last ? last.querySelectorAll('path.point').length : 0,
                rings: gd.data.filter(t => (t.name || '').includes('σ')).length};
    }""", key)


def test_a_phone_photo_lands_on_both_maps_with_its_reconstructions(page, app_server, artifacts):
    # A laptop's or a projector's 1366 px, where each map's column is a third of the page.
    page.set_viewport_size({"width": 1366, "height": 900})
    _open_digit_page(page, app_server.url)
    page.locator(".st-key-digit_upload input[type='file']").set_input_files(
        files=[{"name": "seven.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}])
    for key in MAPS:
        page.locator(f".st-key-digit_map_{key} .js-plotly-plot .scatterlayer").wait_for(timeout=120_000)
    wait_for_app_idle(page)
    points = {key: _marked_point(page, f"digit_map_{key}") for key in MAPS}
    for key, p in points.items():
        assert p["name"] == "your digit" and p["inside"] and p["drawn"] == 1, (key, p)
    assert points["vae"]["rings"] == 2 and points["ae"]["rings"] == 0  # the VAE's 1σ and 2σ ellipses
    # One legend for the three maps, above them, and each plot keeps its height: a legend in each
    # narrow column grew into a scrolling list and squeezed its plot to a strip 130 px tall.
    for key in MAPS:
        plot = page.evaluate(f"() => {{ const gd = document.querySelector('.st-key-digit_map_{key} .js-plotly-plot');"
                             " return [gd._fullLayout._size.h, gd.querySelectorAll('.legend').length]; }")
        assert plot[0] >= 280 and plot[1] == 0, (key, plot)
    legend = page.locator(".aeviz-map-legend").inner_text()
    assert all(name in legend for name in [*"0123456789", "your digit", "1σ of q(z|x)", "2σ of q(z|x)"]), legend
    # The steps and the reconstructions are real 28x28 pictures.
    assert page.locator(".digit-steps img").count() == 6
    recons = page.locator(".digit-recons img")
    assert recons.count() == 4  # the digit, AE, VAE, PCA
    sizes = page.evaluate("() => [...document.querySelectorAll('.digit-recons img')].map(i => [i.complete, i.naturalWidth])")
    assert sizes == [[True, 28]] * 4
    assert page.get_by_text("Would it be flagged?").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    _screenshot(page, artifacts / "digit-photo.png")


def test_a_text_file_named_png_gives_one_message(page, app_server, artifacts):
    _open_digit_page(page, app_server.url)
    page.locator(".st-key-digit_upload input[type='file']").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"shopping list: milk, eggs\n"}])
    alert = page.locator("[data-testid='stAlert']", has_text="not a PNG or JPEG image")
    alert.wait_for(timeout=60_000)
    wait_for_app_idle(page)
    assert alert.count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    _screenshot(page, artifacts / "digit-text-file.png")


def test_a_digit_drawn_on_the_canvas(page, app_server, artifacts):
    _open_digit_page(page, app_server.url)
    page.locator(".st-key-digit_source button", has_text="Draw").click()
    canvas = page.locator(".st-key-digit_canvas canvas.upper-canvas")
    canvas.wait_for(timeout=60_000)
    wait_for_app_idle(page)
    box = canvas.bounding_box()
    # A '1': one vertical stroke a little left of the middle, then a short flag.
    x, y0, y1 = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.2, box["y"] + box["height"] * 0.8
    page.mouse.move(x - 25, y0 + 30)
    page.mouse.down()
    page.mouse.move(x, y0, steps=5)
    page.mouse.move(x, y1, steps=20)
    page.mouse.up()
    page.locator(".st-key-digit_map_vae .js-plotly-plot .scatterlayer").wait_for(timeout=120_000)
    wait_for_app_idle(page)
    assert _marked_point(page, "digit_map_vae")["drawn"] == 1
    assert page.get_by_text("The background was dark already").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    _screenshot(page, artifacts / "digit-drawn.png")


def test_anomaly_page_draws_histograms_and_roc(page, app_server, artifacts):
    page.goto(f"{app_server.url}/anomaly")
    page.locator(".st-key-anomaly_roc .js-plotly-plot").wait_for(timeout=180_000)
    wait_for_app_idle(page, timeout_ms=180_000)
    assert page.locator("[class*='st-key-anomaly_hist_'] .js-plotly-plot").count() == 4
    legend = page.locator(".st-key-anomaly_roc .legendtext").all_text_contents()
    assert sum("AUC" in s for s in legend) == 4
    assert page.locator(".anomaly-worst img").count() == 36
    assert page.locator("[data-testid='stException']").count() == 0
    _screenshot(page, artifacts / "anomaly-page.png")


@pytest.mark.parametrize("path, ready", [("digit", ".st-key-digit_upload"), ("anomaly", ".st-key-anomaly_roc .js-plotly-plot")])
def test_the_uploaders_texts_are_in_vietnamese(page, app_server, path, ready):
    """Streamlit writes "Upload", "10MB per file • PNG, JPG" and, while a file is dragged over the
    box, "Drag and drop a file here" in English; the page shows the catalogue's words instead, with
    the limit the server enforces, on one box that cuts nothing. A file it refuses is explained in
    Vietnamese too, not only in Streamlit's English tooltip."""
    import tomllib
    from pathlib import Path

    from aeviz.i18n import catalogue

    vi = catalogue("vi")
    mb = tomllib.loads((Path(__file__).parents[2] / ".streamlit/config.toml").read_text())["server"]["maxUploadSize"]
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{app_server.url}/{path}?lang=vi")
    page.locator(ready).first.wait_for(timeout=180_000)
    wait_for_app_idle(page, timeout_ms=180_000)
    if path == "anomaly":
        page.locator(".st-key-aeviz_settings_anomaly_uploads summary").click()
    box = page.locator("[data-testid='stFileUploaderDropzone']")
    box.wait_for(timeout=30_000)
    # The CSS travels in Streamlit's event container, which may be drawn a moment after the box.
    page.wait_for_function("getComputedStyle(document.querySelector("
                           "'[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p')).fontSize == '0px'",
                           timeout=10_000)
    shown = box.evaluate("""box => ['button [data-testid=stMarkdownContainer] p', '[data-testid=stFileUploaderDropzoneInstructions] span']
        .map(sel => { const el = box.querySelector(sel);
                      return [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content,
                              getComputedStyle(el, '::after').fontSize, el.scrollWidth <= el.clientWidth + 1]; })""")
    assert shown == [
        ["0px", f'"{vi["common.upload.button"]}"', "14px", True],
        ["0px", f'"{vi["common.upload.limit"].format(mb=mb, types="PNG, JPEG")}"', "14px", True],
    ]
    drag = page.evaluate_handle("() => { const d = new DataTransfer();"
                                " d.items.add(new File(['x'], 'digit.png', {type: 'image/png'})); return d; }")
    box.dispatch_event("dragenter", {"dataTransfer": drag})
    over = "[data-testid='stFileUploaderDropzone'] > div:not([data-testid]) > span"
    page.locator(over).wait_for(timeout=10_000)
    assert page.locator(over).evaluate("el => [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content]") \
        == ["0px", f'"{vi["common.upload.drop"]}"']
    box.dispatch_event("dragleave", {"dataTransfer": drag})
    # A PDF is refused in the browser and never reaches the server: its chip turns red, and under
    # the chips the page says, in its language, which files the box takes.
    chips = page.locator("[data-testid='stFileChips']")
    assert chips.count() == 0 or chips.evaluate("el => getComputedStyle(el, '::after').content") == "none"
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"})
    page.locator("[data-testid='stFileChip'][aria-invalid='true']").wait_for(timeout=10_000)
    refused = chips.evaluate("""el => { const after = getComputedStyle(el, '::after');
        return [after.content, after.fontSize, el.scrollWidth <= el.clientWidth + 1,
                el.getBoundingClientRect().height - el.querySelector('[data-testid=stFileChip]').getBoundingClientRect().height]; }""")
    assert refused[:3] == [f'"{vi["common.upload.refused"].format(mb=mb, types="PNG, JPEG")}"', "14px", True]
    assert refused[3] >= 14, "the sentence sits under the chips, not beside them"
