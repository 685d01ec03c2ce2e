"""The pages laid out at a projector's 1024 px and on a wide screen: nothing drawn over anything
else, nothing cut off at a column's edge.

Boxes are read from the page (getBoundingClientRect) through the ``.st-key-<key>`` classes of
keyed elements (streamlit-notes §5)."""
from __future__ import annotations

import pytest

from conftest import boxes_overlap, cut_short, map_area, map_drawn, wait_for_app_idle, wait_for_rerun_answer

pytestmark = pytest.mark.browser

# How many lines the text of the first element matching a selector runs onto (its line boxes'
# distinct tops).
TEXT_LINES = """(selector) => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector(selector));
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""

# The boxes of what a map's two slots draw: the decoded panel's image and z readout (or, before a
# click, its empty square) and the hover preview's canvas and words; and the map's own box, whose
# width is its column's.
BOXES = """(slot) => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const panel = document.querySelector(`.st-key-decoded_${slot}`);
  const hover = document.querySelector(`.st-key-hover_${slot} .aeviz-hover`);
  return {
    column: box(document.querySelector(`.st-key-latent_${slot}`)),
    panel: [...panel.querySelectorAll('img, .aeviz-z, div[style*="dashed"]')].map(box),
    hover: [...hover.children].map(box),
  };
}"""


def _assert_apart_and_inside(boxes: dict) -> None:
    col = boxes["column"]
    assert boxes["panel"] and boxes["hover"], boxes
    for b in boxes["panel"] + boxes["hover"]:
        assert col["left"] - 1 <= b["left"] and b["right"] <= col["right"] + 1, (b, col)
    for p in boxes["panel"]:
        for h in boxes["hover"]:
            assert not boxes_overlap(p, h), (p, h)


def _open_explorer(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    for slot in ("ae", "vae"):
        page.wait_for_selector(map_drawn(f"latent_{slot}"), timeout=90_000)
    page.wait_for_selector(".st-key-hover_vae .aeviz-hover canvas", timeout=60_000)
    wait_for_app_idle(page, 90_000)
    return context, page


@pytest.mark.parametrize("width", [1024, 1600])
def test_the_decoded_image_and_the_hover_preview_never_overlap(browser, app_server, artifacts, width):
    """At 1024 px (a projector) each map's column is too narrow for the decoded image beside the
    preview: the preview goes below. On a wide screen they sit side by side. Either way neither
    spills over the other or out of its column, before a click and after one at the map's
    bottom-left corner, where the z readout is widest (two negative numbers)."""
    context, page = _open_explorer(browser, app_server.url, width)
    try:
        for slot in ("ae", "vae"):
            _assert_apart_and_inside(page.evaluate(BOXES, slot))
            page.locator(map_area(f"latent_{slot}")).scroll_into_view_if_needed()
            area = page.locator(map_area(f"latent_{slot}")).bounding_box()
            # No taller than wide: at 1024 px a 600-px map stood twice as tall as its column was
            # wide and pushed the decoded image below a projector's screen.
            assert area["height"] <= area["width"] + 1, area
            page.mouse.click(area["x"] + 4, area["y"] + area["height"] - 4)
            wait_for_rerun_answer(page, slot)
            boxes = page.evaluate(BOXES, slot)
            _assert_apart_and_inside(boxes)
            image, preview = boxes["panel"][0], boxes["hover"][0]
            if width >= 1600:
                assert preview["left"] >= image["right"], "room enough: the preview beside the image"
            else:
                assert preview["top"] >= image["bottom"], "too narrow: the preview below the image"
        assert "(-" in page.locator(".st-key-decoded_ae .aeviz-z").inner_text()
        page.screenshot(path=str(artifacts / f"explorer-layout-{width}.png"), full_page=True)
    finally:
        context.close()


# The tops of the maps in every row of columns that holds two maps or more.
MAP_ROWS = """() => [...document.querySelectorAll('[data-testid="stHorizontalBlock"]')]
  .map((row) => [...row.children].map((col) => col.querySelector('.aeviz-map-area')).filter(Boolean)
                 .map((area) => Math.round(area.getBoundingClientRect().top)))
  .filter((tops) => tops.length >= 2)"""
KIND_MAPS = tuple(f"lens_small_{kind}" for kind in
                  ("ae", "sparse-ae", "contractive-ae", "denoising-ae", "vae", "linear-ae"))


@pytest.mark.parametrize("path, maps, width", [
    ("?lang=en", ("latent_ae", "latent_vae"), 1366),
    ("?lang=vi", ("latent_ae", "latent_vae"), 1366),
    ("?lang=vi", ("latent_ae", "latent_vae"), 800),
    ("lenses?lens=kinds&lang=en", KIND_MAPS, 1024),
    ("lenses?lens=kinds&lang=vi", KIND_MAPS, 1280),
])
def test_maps_side_by_side_start_level(browser, app_server, path, maps, width):
    """Maps in a row start at the same height, so that the planes they compare are level. A
    heading above a map that wrapped where its neighbour's did not dropped that map a line:
    "Variational autoencoder (VAE): mnist-vae" at a common projector's 1366 px (28 px), and in
    the kinds lens "Contractive AE · mnist-contractive-ae" or "Undercomplete (plain) AE"."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{app_server.url}/{path}")
        for key in maps:
            page.wait_for_selector(map_drawn(key), timeout=120_000)
        rows = page.evaluate(MAP_ROWS)
        assert sum(len(r) for r in rows) == len(maps), rows  # every map is in a row with another
        assert all(max(r) - min(r) <= 1 for r in rows), rows
    finally:
        context.close()


def test_the_interpolation_paths_keep_their_plots_wide_at_1024_px(browser, app_server):
    """Each path map's legend of eleven entries stood beside its plot: on a projector's 1024 px
    it left the plot 101 px of its column's 274. One legend above both maps now."""
    context, page = _open(browser, f"{app_server.url}/?section=interpolation&lang=vi",
                          ".st-key-explorer_path_vae .js-plotly-plot .scatterlayer")
    try:
        for slot in ("ae", "vae"):
            width, plot_width, legends = page.evaluate(
                """(slot) => { const gd = document.querySelector(`.st-key-explorer_path_${slot} .js-plotly-plot`);
                   return [gd._fullLayout.width, gd._fullLayout._size.w, gd.querySelectorAll('.legend').length]; }""", slot)
            assert plot_width >= 0.65 * width and legends == 0, (slot, width, plot_width, legends)
        legend = page.locator(".aeviz-map-legend").inner_text()
        assert all(c in legend for c in "0123456789") and "đường đi" in legend, legend
    finally:
        context.close()


def test_the_explorers_choices_are_all_visible_at_1024_px(browser, app_server):
    """A row of choices in a narrow column wraps onto a second line instead of scrolling its last
    choices out of sight ("Classifier doubt" was cut off at 1024 px)."""
    context, page = _open_explorer(browser, app_server.url, 1024)
    try:
        for key in ("explorer_dataset", "explorer_overlay"):
            hidden = page.evaluate(
                """(key) => { const root = document.querySelector(`.st-key-${key}`);
                   const area = root.getBoundingClientRect();
                   return [...root.querySelectorAll('button')].filter((b) => {
                     const r = b.getBoundingClientRect(); return r.right > area.right + 1 || r.width === 0; })
                     .map((b) => b.innerText); }""", key)
            assert hidden == [], (key, hidden)
    finally:
        context.close()


def test_three_maps_side_by_side_keep_their_previews_inside_their_columns(page, app_server):
    """The PCA lens draws three maps in a row: each one's hover preview stays inside its column."""
    page.goto(f"{app_server.url}/lenses?lens=pca")
    page.wait_for_selector(map_drawn("lens_map_pca"), timeout=120_000)
    page.wait_for_selector(".st-key-lens_hover_pca .aeviz-hover canvas", timeout=60_000)
    wait_for_app_idle(page, 60_000)
    for slot in ("ae", "vae", "pca"):
        column = page.locator(f".st-key-lens_map_{slot}").bounding_box()
        for part in (".aeviz-hover canvas", ".aeviz-hover-z"):
            box = page.locator(f".st-key-lens_hover_{slot} {part}").bounding_box()
            assert column["x"] - 1 <= box["x"] and box["x"] + box["width"] <= column["x"] + column["width"] + 1, \
                (slot, part, box, column)


def _open(browser, url: str, ready: str, width: int = 1024):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready, timeout=120_000)
    wait_for_app_idle(page, 120_000)
    return context, page


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_sidebar_names_every_page_in_full_at_1024_px(browser, app_server, lang):
    """The sidebar's links keep their whole names ("Lăng kính: PCA, các loại AE, nút …" was cut)."""
    link = "[data-testid='stSidebarNavLink']"
    context, page = _open(browser, f"{app_server.url}/about?lang={lang}", link)
    try:
        assert page.locator(link).count() >= 9
        assert cut_short(page, f"{link}, {link} *") == []
    finally:
        context.close()


@pytest.mark.parametrize("path, ready", [
    ("anomaly?lang=vi", ".st-key-anomaly_roc .js-plotly-plot"),
    ("lenses?lens=pca&lang=vi", ".st-key-lens_map_pca canvas[data-points]"),
    ("lenses?lens=beta&lang=vi", "[data-testid='stMetricValue']"),
])
def test_no_number_or_its_name_is_cut_short_at_1024_px(browser, app_server, path, ready):
    """In Vietnamese (the longer labels): a metric in a column too narrow for it showed "0.…" for
    the anomaly threshold, and "PCA, 2 thành…" or "Sai số trên tập kiểm…" for its name."""
    context, page = _open(browser, f"{app_server.url}/{path}", ready)
    try:
        assert page.locator("[data-testid='stMetricValue']").count() >= 2
        metrics = "[data-testid='stMetricValue'], [data-testid='stMetricValue'] *, [data-testid='stMetricLabel'] *"
        assert cut_short(page, metrics) == []
    finally:
        context.close()


def test_the_kinds_table_fits_a_projector(browser, app_server):
    """Six kinds side by side: no number broken across lines, and the table as wide as its column
    at most (a grid of Streamlit columns broke "0.0422" into "0.0" over "422")."""
    context, page = _open(browser, f"{app_server.url}/lenses?lens=kinds", ".st-key-lens_kinds_measures table")
    try:
        table = page.locator(".st-key-lens_kinds_measures table").bounding_box()
        column = page.locator(".st-key-lens_kinds_measures").bounding_box()
        assert table["width"] <= column["width"] + 1, (table, column)
        heights = page.evaluate("""() => [...document.querySelectorAll('.st-key-lens_kinds_measures .aeviz-value')]
            .map((td) => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; })""")
        assert heights and set(heights) == {1}, heights  # each number on one line
    finally:
        context.close()


def test_the_sample_lens_at_1024_px(browser, app_server):
    """The resample button shows its whole label (in Vietnamese, the longer one), and the AE's
    reconstruction sits beside its sentence, not over it."""
    context, page = _open(browser, f"{app_server.url}/lenses?lens=sample&lang=vi", ".st-key-lens_sample_formula")
    try:
        assert cut_short(page, ".st-key-lens_resample button, .st-key-lens_resample button *") == []
        image = page.locator("img[title='ảnh tái tạo của AE']").bounding_box()  # lenses.sample.ae_image
        text = page.locator("[data-testid='stMarkdownContainer']", has_text="mnist-ae").last.bounding_box()
        assert image["x"] + image["width"] <= text["x"] or image["y"] + image["height"] <= text["y"], (image, text)
    finally:
        context.close()


def test_the_studio_at_1024_px(browser, app_server):
    """In Vietnamese (the longer labels), before and after a run of two epochs: Start and Stop show
    their whole labels (in a sixth of the page "Bắt đầu huấn luyện" was cut), and so do each
    finished map's two export buttons (in half a map's column they were)."""
    context, page = _open(browser, f"{app_server.url}/studio?lang=vi&s_epochs=2", ".st-key-studio_start button")
    try:
        buttons = ".st-key-studio_start button, .st-key-studio_start button *, .st-key-studio_stop button *"
        assert cut_short(page, buttons) == []
        page.locator(".st-key-studio_start button").click()
        page.wait_for_selector(".st-key-studio_csv_vae button", timeout=120_000)
        wait_for_app_idle(page, 60_000)
        assert cut_short(page, buttons) == []
        exports = ", ".join(f".st-key-studio_{f}_{k} button, .st-key-studio_{f}_{k} button *"
                            for f in ("png", "csv") for k in ("ae", "vae"))
        assert page.locator(exports).count() >= 4
        assert cut_short(page, exports) == []
        # The replay's toggle keeps its label on one line beside the slider (in a quarter column it
        # ran onto three), and the slider, beside it, keeps the rest of the row.
        toggle_label = "[class*='st-key-studio_fixed_axes_'] [data-testid='stMarkdownContainer'] p"
        assert page.evaluate(TEXT_LINES, toggle_label) == 1
        slider = page.locator("[class*='st-key-studio_epoch_'] [data-testid='stSlider']").bounding_box()
        toggle = page.locator("[class*='st-key-studio_fixed_axes_']").bounding_box()
        assert toggle["x"] >= slider["x"] + slider["width"] and slider["width"] > toggle["width"]
    finally:
        context.close()
