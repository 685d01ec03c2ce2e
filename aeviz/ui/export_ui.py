"""Download buttons for slides (``aeviz/export.py`` draws): the file is made only when the
button is pressed (a callable ``data``, run by Streamlit on its own thread), so a page pays
nothing for offering it, and pressing it does not rerun the page."""
from __future__ import annotations

from typing import Callable

import numpy as np
import streamlit as st

from aeviz import export
from aeviz.ui.lang import t


def _button(label_key: str, key: str, make: Callable[[], bytes | str], file_name: str, mime: str) -> None:
    st.download_button(t(label_key), data=make, file_name=file_name, mime=mime, key=key, on_click="ignore",
                       icon=":material/download:", help=t("common.export.help"), type="tertiary")


def map_button(key: str, file_name: str, codes: np.ndarray, labels: np.ndarray, class_names, axis_range,
               title: str = "", overlays: export.MapOverlays | Callable[[], export.MapOverlays] | None = None) -> None:
    """``overlays`` may be a function: called when the button is pressed, for what the map shows then."""
    _button("common.export.map_png", key,
            lambda: export.map_png(codes, labels, class_names, axis_range, title=title,
                                   overlays=overlays() if callable(overlays) else overlays),
            file_name, "image/png")


def images_button(key: str, file_name: str, images: np.ndarray, label_key: str = "common.export.strip_png",
                  **kwargs) -> None:
    _button(label_key, key, lambda: export.images_png(images, **kwargs), file_name, "image/png")


def grid_button(key: str, file_name: str, grid: np.ndarray, **kwargs) -> None:
    _button("common.export.grid_png", key, lambda: export.grid_png(grid, **kwargs), file_name, "image/png")


def csv_button(key: str, file_name: str, codes: np.ndarray, labels: np.ndarray, class_names,
               index: np.ndarray | None = None) -> None:
    _button("common.export.codes_csv", key, lambda: export.codes_csv(codes, labels, class_names, index),
            file_name, "text/csv")
