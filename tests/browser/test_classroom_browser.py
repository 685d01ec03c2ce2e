"""The classroom features in a real browser: the Vietnamese UI (screenshots in test-artifacts/),
a teacher's link (copy it, open it in a new session, same view), the lesson's links, and
presentation mode."""
from __future__ import annotations

import pytest

from aeviz.i18n import catalogue

from conftest import cut_short, wait_for_app_idle

pytestmark = pytest.mark.browser
VI, EN = catalogue("vi"), catalogue("en")


def goto(page, url, ready: str):
    page.goto(url)
    page.wait_for_selector(ready, timeout=90_000)
    wait_for_app_idle(page, 90_000)


def test_vietnamese_ui(page, app_server, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1000})
    for path, ready, shot in (("lesson", ".st-key-lesson_next", "vi-lesson"), ("about", "h1", "vi-about"),
                              ("studio", ".st-key-studio_start", "vi-studio"), ("", ".st-key-lang", "vi-explorer")):
        goto(page, f"{app_server.url}/{path}?lang=vi", ready)
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        for key in ("explorer", "studio", "lesson", "about"):
            assert VI[f"app.nav.{key}"] in nav and EN[f"app.nav.{key}"] not in nav
        body = page.locator("[data-testid='stMain']").inner_text()
        for key in ("lesson.next", "studio.start", "about.title", "common.link.copy"):
            assert EN[key] not in body, f"{EN[key]!r} shown on the Vietnamese {path or 'explorer'} page"
        page.screenshot(path=str(artifacts / f"{shot}.png"), full_page=True)
    goto(page, f"{app_server.url}/lesson?lang=vi&step=4", ".st-key-lesson_next")
    assert VI["lesson.step.vae.title"] in page.locator("[data-testid='stMain']").inner_text()
    assert page.locator(".katex").count() >= 4, "the formulas are not typeset"
    page.screenshot(path=str(artifacts / "vi-lesson-step4.png"), full_page=True)
    # The sidebar switch changes the language and keeps it in the URL.
    page.locator(".st-key-lang button", has_text="English").click()
    page.wait_for_function("location.search.includes('lang=en')", timeout=30_000)
    page.wait_for_selector(f"text={EN['lesson.step.vae.title']}", timeout=30_000)


def test_a_teachers_link_opens_the_same_view(browser, app_server, artifacts):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    goto(page, f"{app_server.url}/studio?lang=vi", ".st-key-studio_start")
    page.locator(".st-key-studio_mode label", has_text=VI["studio.form.mode_vae"]).click()
    page.wait_for_function("location.search.includes('s_mode=vae')", timeout=30_000)
    wait_for_app_idle(page)
    copy = page.locator(".st-key-aeviz_copy_link button[data-present='0']")
    assert copy.inner_text() == VI["common.link.copy"]
    copy.click()
    page.wait_for_function("document.querySelector('.st-key-aeviz_copy_link .aeviz-copy').dataset.link")
    link = page.locator(".st-key-aeviz_copy_link input").input_value()
    assert "/studio?" in link and "s_mode=vae" in link and "lang=vi" in link, link
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == link
    ctx.close()
    # A new session (another student) opens the link.
    other = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US")
    pg = other.new_page()
    goto(pg, link, ".st-key-studio_start")
    assert pg.locator(".st-key-studio_mode label[data-selected='true']").inner_text().strip() == VI["studio.form.mode_vae"]
    assert pg.locator("h1").first.inner_text().startswith(VI["studio.title"])
    pg.screenshot(path=str(artifacts / "link-opened.png"), full_page=True)
    other.close()


def test_lesson_link_opens_the_studio_set_up(page, app_server):
    goto(page, f"{app_server.url}/lesson?lang=en&step=3", ".st-key-lesson_next")
    page.locator("[data-testid='stPageLink'] a", has_text=EN["lesson.link.studio_linear"]).click()
    page.wait_for_selector(".st-key-studio_start", timeout=60_000)
    wait_for_app_idle(page)
    assert "s_kind=linear-ae" in page.url or "s_kind=linear-ae" in page.evaluate("location.search")
    kind = page.locator(".st-key-studio_ae_kind input").input_value()
    assert "Linear AE" in kind
    assert page.locator(".st-key-studio_mode label[data-selected='true']").inner_text().strip() == EN["studio.form.mode_ae"]


def test_every_lesson_step_fits_a_phones_screen(browser, app_server):
    """At 390 px, in Vietnamese, every formula of the seven steps fits the column and every link
    keeps its whole label. KaTeX does not wrap, it scrolls its box sideways: the BCE line (472 px in
    a 358-px column), the KL term, the VAE's loss and the jumps were cut off. Streamlit's page links
    end a long label in "…": "Xưởng huấn luyện: AE tuyến tính với MSE (không gian con của PCA)"."""
    from aeviz.ui.pages.lesson import STEPS

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = phone.new_page()
    links = "[data-testid='stPageLink'], [data-testid='stPageLink'] *"
    try:
        for n, step in enumerate(STEPS, start=1):
            goto(page, f"{app_server.url}/lesson?lang=vi&step={n}", ".st-key-lesson_next")
            page.wait_for_function(f"document.querySelectorAll('.katex-display .katex-html').length == {len(step.formulas)}"
                                   f" && document.querySelectorAll(\"[data-testid='stPageLink']\").length == {len(step.links)}"
                                   # the links' CSS, in Streamlit's event container, may come a moment later
                                   " && getComputedStyle(document.querySelector(\"[data-testid='stPageLink'] p\")).whiteSpace == 'normal'",
                                   timeout=30_000)
            # A couple of pixels of KaTeX's italic correction may stick out; a cut formula is 20-200 px wider.
            widths = page.evaluate("[...document.querySelectorAll('.katex-display')].map(e => [e.scrollWidth, e.clientWidth])")
            assert all(scroll <= client + 2 for scroll, client in widths), (n, widths)
            assert cut_short(page, links) == [], n
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()


def test_present_mode_hides_controls(page, app_server, artifacts):
    goto(page, f"{app_server.url}/studio?present=1&lang=vi", ".st-key-studio_start")
    page.wait_for_selector("[data-testid='stSidebar']", state="hidden", timeout=10_000)
    assert not page.locator(".st-key-aeviz_settings_studio_settings").is_visible()
    assert not page.locator(".st-key-studio_epochs").is_visible()
    assert page.locator(".st-key-studio_start").is_visible()
    page.screenshot(path=str(artifacts / "present-studio.png"), full_page=True)
    goto(page, f"{app_server.url}/lesson?present=1&lang=vi&step=2", ".st-key-lesson_next")
    page.wait_for_selector(".st-key-aeviz_settings_lesson_picker", state="hidden", timeout=10_000)
    assert page.locator(".st-key-lesson_next").is_visible()
    page.locator(".st-key-aeviz_leave_present button").click()
    page.wait_for_function("!location.search.includes('present=1')", timeout=30_000)
    page.wait_for_selector("[data-testid='stSidebar']", state="visible", timeout=30_000)
    assert page.locator(".st-key-aeviz_settings_lesson_picker").is_visible()


def test_explorer_link_export_and_presentation(browser, app_server, artifacts):
    """An Explorer link with a click and an overlay opens that view; its map exports as a PNG of
    twice the screen size and its codes as a CSV with one row per shown test image; presentation
    mode hides the settings."""
    import csv
    import io

    from PIL import Image

    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    goto(page, f"{app_server.url}/?lang=vi&overlay=empty&c_ae=2.0000_-3.0000", ".st-key-explorer_png_ae")
    page.wait_for_selector(".st-key-decoded_ae .aeviz-z", timeout=60_000)
    assert "z = (2.00, -3.00)" in page.locator(".st-key-decoded_ae").inner_text()
    wait_for_app_idle(page)
    n = page.locator(".st-key-explorer_png_ae button:visible").count()
    with page.expect_download(timeout=60_000) as dl:
        page.locator(".st-key-explorer_png_ae button:visible").first.click()
    first = open(dl.value.path(), "rb").read()
    img = Image.open(io.BytesIO(first))
    assert img.format == "PNG" and img.size == (1280, 1040)
    img.save(artifacts / "export-map-ae.png")
    # The button is drawn outside the click's fragment: pressed after a new click, it draws that click.
    area = page.locator(".st-key-latent_ae .aeviz-map-area")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
    page.wait_for_function("() => !document.querySelector('.st-key-decoded_ae').innerText.includes('(2.00, -3.00)')",
                           timeout=30_000)
    wait_for_app_idle(page)
    with page.expect_download(timeout=60_000) as dl:
        page.locator(".st-key-explorer_png_ae button:visible").first.click()
    assert open(dl.value.path(), "rb").read() != first, "the export did not draw the new click"
    with page.expect_download(timeout=60_000) as dl:
        page.locator(".st-key-explorer_csv_ae button:visible").first.click()
    rows = list(csv.reader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    from aeviz.data import load_dataset
    from aeviz.ui.explorer_data import MAP_SIZE

    shown = min(MAP_SIZE, len(load_dataset("mnist", allow_download=False).test_labels))  # the map's images
    assert rows[0] == ["index", "label", "class", "z1", "z2"] and len(rows) == 1 + shown, (len(rows), shown)
    page.screenshot(path=str(artifacts / "vi-explorer-link.png"))
    assert n == 1, f"{n} map export buttons on the page"
    goto(page, f"{app_server.url}/?lang=vi&present=1", ".st-key-latent_ae")
    page.wait_for_selector(".st-key-explorer_overlay", state="hidden", timeout=10_000)
    assert not page.locator(".st-key-explorer_checkpoints").is_visible()
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    page.screenshot(path=str(artifacts / "present-explorer.png"))
    ctx.close()


def test_the_explorer_path_is_not_page_not_found(page, app_server):
    """Streamlit serves the default page at "/" only; a link to "/explorer?lang=vi&overlay=empty"
    (typed or shared by hand) must open the explorer in that state, not "Page not found"."""
    goto(page, f"{app_server.url}/explorer?lang=vi&overlay=empty", ".st-key-explorer_overlay")
    page.wait_for_function("location.search.includes('overlay=empty')", timeout=30_000)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert VI["explorer.title"] in body
    assert "Page not found" not in page.content()
    assert page.locator("[data-testid='stDialog']").count() == 0
    # The overlay the link named is the one drawn: its legend is under the maps.
    page.get_by_text(VI["measures.overlay.empty_legend"]).first.wait_for(timeout=90_000)  # the charts draw last
    assert page.evaluate("location.pathname") == "/"
