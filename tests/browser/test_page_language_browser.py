"""The page's language reaches the browser and screen readers: the document's ``lang``, its
pictures' names, and Streamlit's own English words (the names of its buttons, why a file was
refused) in the page's language (aeviz/ui/web/page_language.js), back in English after a switch."""
from __future__ import annotations

import re

import pytest

from aeviz.i18n import catalogue
from conftest import wait_for_app_idle

pytestmark = pytest.mark.browser

EN, VI = catalogue("en"), catalogue("vi")
# Every name and placeholder on the page, and the text of Streamlit's upload errors.
LABELS = """() => [...document.querySelectorAll('[aria-label], [placeholder]')]
    .flatMap(el => ['aria-label', 'placeholder'].map(a => el.getAttribute(a)).filter(Boolean))"""


def _english(value: str) -> str | None:
    """The key of the Streamlit English template ``value`` is written in, if any."""
    for key, template in EN.items():
        if key.startswith("streamlit."):
            parts = re.split(r"\{[a-z_]+\}", template)
            if re.fullmatch("(.+)".join(map(re.escape, parts)), value, re.S):
                return key
    return None


def _ready(page, url: str) -> None:
    page.goto(url)
    page.locator(".st-key-digit_upload").first.wait_for(timeout=180_000)
    wait_for_app_idle(page, timeout_ms=180_000)


def test_streamlits_own_words_follow_the_pages_language(page, app_server):
    _ready(page, f"{app_server.url}/digit?lang=vi")
    # The watcher's script is fetched with the page's first run, so it may start a moment after the page
    # is drawn; from then on it rewrites each change as it is made.
    page.wait_for_function("document.documentElement.lang === 'vi'", timeout=30_000)
    # It draws nothing, so its slot in the sidebar takes no room either.
    assert page.locator(".st-key-aeviz_page_language").evaluate("el => getComputedStyle(el).display") == "none"
    labels = page.evaluate(LABELS)
    assert [(v, _english(v)) for v in labels if _english(v)] == []
    assert VI["streamlit.labels.main_menu"] in labels
    assert VI["streamlit.labels.help_for"].format(label=VI["digit.upload_label"]) in labels

    # A refused file: its alert (read out at once), its remove button and its tooltip.
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"})
    chip = page.locator("[data-testid='stFileChip'][aria-invalid='true']")
    chip.wait_for(timeout=10_000)
    wrong_type = VI["streamlit.upload.wrong_type"].format(type="application/pdf")
    assert chip.locator("[role='alert']").text_content() == VI["streamlit.upload.error"] + wrong_type
    assert chip.locator("[data-testid='stFileChipDeleteBtn'] button").get_attribute("aria-label") \
        == VI["streamlit.labels.remove_file"].format(name="notes.pdf")
    chip.hover()
    tooltip = page.locator("[data-testid='stTooltipErrorContent']")
    tooltip.wait_for(timeout=10_000)
    assert tooltip.text_content() == wrong_type

    # Streamlit's menu.
    page.locator("[data-testid='stMainMenuButton']").click()
    menu = page.locator("[data-testid='stMainMenuPopover']")
    menu.wait_for(timeout=10_000)
    assert VI["streamlit.chrome.print"] in menu.inner_text() and "Print" not in menu.inner_text()
    page.keyboard.press("Escape")
    menu.wait_for(state="detached", timeout=10_000)

    # Back in English: Streamlit's own words again, including those the page had rewritten.
    page.locator(".st-key-lang button", has_text="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'", timeout=30_000)
    wait_for_app_idle(page)
    labels = page.evaluate(LABELS)
    assert "Main menu" in labels and VI["streamlit.labels.main_menu"] not in labels
    assert f"Help for {EN['digit.upload_label']}" in labels
    assert not [v for v in labels if v in {VI[k] for k in VI if k.startswith("streamlit.")}]


def test_the_about_pages_pictures_are_named_in_its_language(page, app_server):
    """A screen reader names each picture (its caption underneath gives the detail); st.image writes
    no alt unless asked."""
    page.goto(f"{app_server.url}/about?lang=vi")
    page.locator("[data-testid='stImage'] img").first.wait_for(timeout=180_000)
    wait_for_app_idle(page, timeout_ms=180_000)
    alts = page.locator("[data-testid='stImage'] img").evaluate_all("els => els.map(el => el.getAttribute('alt'))")
    assert sorted(set(alts)) == sorted({VI[f"about.{k}_alt"] for k in ("mini_recon", "mini_samples", "mini_line")})
