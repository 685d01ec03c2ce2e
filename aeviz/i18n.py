"""Translations: one catalogue per language, one TOML file per part of the app.

``aeviz/locales/<lang>/<domain>.toml`` holds the strings of one domain (a page, or a shared part);
a key ``title`` in ``explorer.toml`` is looked up as ``explorer.title``; TOML tables nest
(``[metrics]`` then ``empty = ...`` gives ``explorer.metrics.empty``). Values are ``str.format``
templates: ``translate("vi", "explorer.empty_share", share=0.52)``.

Why TOML tables and not gettext: the app has two languages, each string is looked up by a stable
key rather than by its English text, so an English rewording does not orphan the Vietnamese one;
the files are plain text a teacher can correct, ``tomllib`` is in the standard library, and
``tests/test_i18n.py`` keeps the two catalogues in step (same keys, same placeholders). No Streamlit
here: the pure parts of the package (sentences written from measured numbers) use it too.
"""
from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from pathlib import Path

LOCALES = Path(__file__).with_name("locales")
LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "vi": "Tiếng Việt"}


def _flatten(table: dict, prefix: str, out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(value, full, out)
        elif isinstance(value, str):
            out[full] = value
        else:
            raise ValueError(f"{full}: catalogue values must be strings, got {type(value).__name__}")


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Every string of one language, keyed ``domain.key`` (read once per process)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    out: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        with path.open("rb") as f:
            _flatten(tomllib.load(f), path.stem, out)
    return out


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template fills in (format specs ignored)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


class _GroupingFormatter(string.Formatter):
    """``str.format`` whose thousands separator (the ``,`` format option) is ``group``."""

    def __init__(self, group: str):
        super().__init__()
        self.group = group

    def format_field(self, value, format_spec: str) -> str:
        text = format(value, format_spec)
        if "," in format_spec and isinstance(value, (int, float)):
            text = text.replace(",", self.group)
        return text


# Vietnamese writes 7.000 for seven thousand, so "7,000" reads as seven. Its decimal comma is not
# taken up either: every chart tick, tooltip and coordinate pair "(1.50, -2.00)" uses the point.
# A narrow no-break space groups thousands (ISO 80000-1), which reads the same in both conventions.
_FORMATTERS = {"vi": _GroupingFormatter("\u202f")}


def translate(lang: str, key: str, /, **values) -> str:
    """The string ``key`` in ``lang``, filled with ``values``. A key missing in ``lang`` falls back
    to English; a key missing everywhere is returned as is, so a page never crashes on it (the
    catalogue test catches it first)."""
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    if not values:
        return text
    formatter = _FORMATTERS.get(lang)
    return formatter.format(text, **values) if formatter else text.format(**values)


def pick_language(requested: str | None, browser_locale: str | None = None) -> str:
    """``?lang=`` if it names a known language, else the browser's language, else English."""
    for candidate in (requested, browser_locale):
        if candidate:
            short = candidate.replace("_", "-").split("-")[0].lower()
            if short in LANGUAGES:
                return short
    return DEFAULT_LANGUAGE
