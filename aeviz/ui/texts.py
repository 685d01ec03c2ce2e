"""Sentences several pages share, written in the page's language from plain values."""
from __future__ import annotations

from aeviz.data import TITLES
from aeviz.ui.lang import t


def data_line(info: dict) -> str:
    """``Dataset.describe()`` from ``Dataset.to_dict()``: where the images came from, how many."""
    source = info.get("source", "")
    what = t(f"common.data.source.{source}") if source in ("local", "download", "system", "bundled-sample") else source
    return t("common.data.line", title=TITLES.get(info.get("name"), info.get("name")), what=what,
             location=info.get("location", ""), train=info.get("train_size", 0), test=info.get("test_size", 0))
