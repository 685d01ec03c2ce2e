"""The two catalogues stay in step: same keys, same placeholders, nothing empty."""
from __future__ import annotations

import pytest

from aeviz.i18n import LANGUAGES, catalogue, pick_language, placeholders, translate


def test_catalogues_have_the_same_keys():
    en, vi = catalogue("en"), catalogue("vi")
    assert set(en) - set(vi) == set(), "keys missing in Vietnamese"
    assert set(vi) - set(en) == set(), "keys missing in English"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_string(lang):
    assert [k for k, v in catalogue(lang).items() if not v.strip()] == []


def test_same_placeholders_in_both_languages():
    en, vi = catalogue("en"), catalogue("vi")
    differ = {k: (placeholders(en[k]), placeholders(vi[k])) for k in en if placeholders(en[k]) != placeholders(vi[k])}
    assert differ == {}


def test_translate_fills_values_and_falls_back():
    assert translate("vi", "app.nav.about") == "Autoencoder là gì?"
    assert translate("en", "app.nav.about") == "What is an autoencoder?"
    assert translate("vi", "no.such.key") == "no.such.key"


@pytest.mark.parametrize("requested,browser,expected", [
    ("vi", None, "vi"), ("en", "vi-VN", "en"), (None, "vi-VN", "vi"), ("fr", "vi_VN", "vi"),
    (None, "de-DE", "en"), (None, None, "en"), ("VI", None, "vi"),
])
def test_pick_language(requested, browser, expected):
    assert pick_language(requested, browser) == expected


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        catalogue("fr")


def test_every_spinner_text_comes_from_the_catalogue():
    """``st.cache_*(show_spinner="...")`` and ``st.spinner("...")`` fix the text in one language;
    the pages say ``show_spinner=False`` and wrap the call in ``st.spinner(t(...))`` instead."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    literal = re.compile(r"""show_spinner\s*=\s*[fr]?["']|st\.spinner\(\s*[fr]?["']""")
    found = [f"{p.relative_to(root)}:{n}" for p in [root / "app.py", *sorted((root / "aeviz").rglob("*.py"))]
             for n, line in enumerate(p.read_text().splitlines(), 1) if literal.search(line)]
    assert found == []
