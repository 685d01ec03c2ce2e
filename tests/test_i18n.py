"""The two catalogues stay in step: same keys, same placeholders, nothing empty."""
from __future__ import annotations

import re

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


def test_vietnamese_groups_thousands_with_a_narrow_space():
    """"7,000" reads as seven in Vietnamese (its thousands separator is the dot); a narrow no-break
    space reads the same in both conventions. Decimals keep the point, as every chart tick does."""
    line = translate("vi", "common.data.line", title="MNIST", what="x", location="y", train=7000, test=2000)
    assert "7\u202f000 ảnh huấn luyện + 2\u202f000 ảnh kiểm tra" in line, line
    assert "7,000 train" in translate("en", "common.data.line", title="MNIST", what="x", location="y",
                                      train=7000, test=2000)
    share = translate("vi", "lenses.pca.pca_caption", share=0.2345)
    assert "7\u202f000" in share and "23.4%" in share, share


# Numbers typed into a catalogue must agree with the numbers filled in: a decimal comma ("0,5") in
# either language, or a dot between thousands ("7.000") in Vietnamese, would not.
WRONG_NUMBER = {"en": re.compile(r"(?<![\d,])\d+,\d{1,2}(?![\d])"),
                "vi": re.compile(r"(?<![\d.,])[1-9]\d{0,2}\.\d{3}(?!\d)|(?<![\d,])\d+,\d+")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numbers_written_in_the_catalogue_follow_the_same_convention(lang):
    wrong = {k: WRONG_NUMBER[lang].findall(v) for k, v in catalogue(lang).items() if WRONG_NUMBER[lang].search(v)}
    assert wrong == {}


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
