"""Sentences several pages share, written in the page's language from plain values."""
from __future__ import annotations

from aeviz.data import CLASS_NAMES, TITLES
from aeviz.errors import AevizError
from aeviz.i18n import DEFAULT_LANGUAGE, catalogue, translate
from aeviz.ui.lang import current_language, t


def data_line(info: dict) -> str:
    """``Dataset.describe()`` from ``Dataset.to_dict()``: where the images came from, how many."""
    source = info.get("source", "")
    what = t(f"common.data.source.{source}") if source in ("local", "download", "system", "bundled-sample") else source
    return t("common.data.line", title=TITLES.get(info.get("name"), info.get("name")), what=what,
             location=info.get("location", ""), train=info.get("train_size", 0), test=info.get("test_size", 0))


def class_names(dataset: str, lang: str | None = None) -> tuple[str, ...]:
    """The dataset's class names in ``lang`` (default: the page's language). ``aeviz.data`` keeps
    the English names (the CLI's, and the files'); a dataset whose classes the catalogue does not
    name (MNIST's digits) keeps them as they are."""
    base = CLASS_NAMES[dataset]
    lang = lang or current_language()
    keys = [f"common.classes.{dataset}.{i}" for i in range(len(base))]
    if keys[0] not in catalogue(DEFAULT_LANGUAGE):
        return tuple(base)
    return tuple(translate(lang, k) for k in keys)


def error_text(error) -> str:
    """An error in the page's language: an ``AevizError`` through the catalogue, a checkpoint
    listing's ``error`` entry likewise (``error_key`` / ``error_params``); anything else as is."""
    if isinstance(error, AevizError):
        return t(error.key, **error.params)
    if isinstance(error, dict):
        return t(error["error_key"], **error.get("error_params", {})) if "error_key" in error else error["error"]
    return str(error)
