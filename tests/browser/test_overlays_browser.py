"""The explorer's overlays in a real browser: each draws under the points of both maps, the page
raises nothing, and the maps and decoded image are projector-sized at 1600x1000. Screenshots go to
test-artifacts/ for a person to look at."""
from __future__ import annotations

import pytest

from conftest import map_area, map_drawn, wait_for_app_idle, wait_for_rerun_answer

pytestmark = pytest.mark.browser

OVERLAY_LABELS = {"empty": "Empty space", "stretch": "Decoder stretch", "doubt": "Classifier doubt"}


@pytest.fixture(scope="module")
def projector(browser, app_server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_server.url)
    for slot in ("ae", "vae"):
        page.wait_for_selector(map_drawn(f"latent_{slot}"), timeout=90_000)
    wait_for_app_idle(page, 120_000)
    yield page, errors
    context.close()


def test_maps_and_decoded_image_are_projector_sized(projector):
    page, _ = projector
    for slot in ("ae", "vae"):
        assert page.locator(f".st-key-latent_{slot}").bounding_box()["width"] >= 560
    box = page.locator(map_area("latent_ae")).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    wait_for_rerun_answer(page, "ae")
    image = page.locator(".st-key-decoded_ae img")
    assert image.bounding_box()["width"] >= 160


@pytest.mark.parametrize("overlay", list(OVERLAY_LABELS))
def test_each_overlay_draws_on_both_maps(projector, artifacts, overlay):
    page, errors = projector
    page.locator(".st-key-explorer_overlay").get_by_text(OVERLAY_LABELS[overlay], exact=True).click()
    # The overlay is a grid drawn under the points of each map, and a note says what its shading means.
    for slot in ("ae", "vae"):
        page.wait_for_selector(f".st-key-latent_{slot} canvas[data-grid='{overlay}']", timeout=90_000)
        assert page.locator(f".st-key-latent_{slot} .aeviz-latent-note").inner_text().strip()
    wait_for_app_idle(page, 90_000)
    assert not page.locator("[data-testid='stException']").count()
    assert errors == []
    page.locator(".st-key-latent_ae").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"explorer-overlay-{overlay}.png"))
