"""The lenses page in a real browser: "Resample ε" draws a new z = μ + σ·ε and decodes it.

Relies on the ``.st-key-<key>`` class Streamlit puts on keyed containers (streamlit-notes §5)."""
from __future__ import annotations

import re

import pytest

from conftest import map_area, map_drawn, wait_for_app_idle

pytestmark = pytest.mark.browser

PAIR_RE = re.compile(r"\((-?\d+\.\d+), (-?\d+\.\d+)\)")


def _state(page) -> tuple[str, str]:
    # The formula's code block: "z = μ + σ·ε", then "= (μ) + (σ)·(ε)", then "= (z)".
    page.wait_for_function("() => { const el = document.querySelector('.st-key-lens_sample_formula code');"
                           " return el && (el.innerText.match(/\\([-+]?\\d/g) || []).length >= 4; }", timeout=30_000)
    formula = page.locator(".st-key-lens_sample_formula code").inner_text().strip()
    image = page.locator(".aeviz-sample-image img").get_attribute("src")
    return formula, image


def test_resample_eps_gives_a_new_z_and_a_new_image(page, app_server, artifacts):
    page.goto(f"{app_server.url}/lenses?lens=sample")
    page.wait_for_selector(".st-key-lens_sample_formula", timeout=90_000)
    wait_for_app_idle(page, 90_000)
    seen = [_state(page)]
    for _ in range(2):
        page.locator(".st-key-lens_resample button").click()
        page.wait_for_function(
            "(before) => { const el = document.querySelector('.st-key-lens_sample_formula code');"
            " return el && el.innerText.trim() !== before; }", arg=seen[-1][0], timeout=30_000)
        wait_for_app_idle(page, 30_000)
        seen.append(_state(page))
    page.screenshot(path=str(artifacts / "lenses-resample.png"), full_page=True)
    zs = [PAIR_RE.findall(f)[-1] for f, _ in seen]
    assert len(set(zs)) == 3, seen  # a new z each time
    assert len({img for _, img in seen}) == 3  # and a new decoded image
    assert all(f.startswith("z = μ + σ·ε") for f, _ in seen)
    mu = {re.search(r"= (\([^)]*\))\n", f).group(1) for f, _ in seen}  # the line after "z = μ + σ·ε"
    assert len(mu) == 1  # μ does not change: only ε is drawn again


def test_hover_on_pcas_map_decodes_in_the_browser(page, app_server, artifacts):
    """PCA's inverse projection is exported as a one-layer decoder: hovering its map draws a preview."""
    page.goto(f"{app_server.url}/lenses?lens=pca")
    page.wait_for_selector(map_drawn("lens_map_pca"), timeout=120_000)
    page.wait_for_function("window.aevizHover && aevizHover.info('lens_hover_pca')", timeout=60_000)
    wait_for_app_idle(page, 60_000)
    before = page.evaluate("document.querySelector('.st-key-lens_hover_pca canvas').toDataURL()")
    box = page.locator(map_area("lens_map_pca")).bounding_box()
    x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6
    page.mouse.move(x - 30, y - 20)
    page.mouse.move(x, y, steps=5)
    page.wait_for_function("aevizHover.info('lens_hover_pca').z !== null", timeout=30_000)
    after = page.evaluate("document.querySelector('.st-key-lens_hover_pca canvas').toDataURL()")
    page.screenshot(path=str(artifacts / "lenses-pca-hover.png"))
    assert after != before
