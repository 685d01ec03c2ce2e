"""An image as an HTML element, for the pages' st.html blocks and the decode route's answer.
No Streamlit here: the route builds the same HTML outside a script run."""
from __future__ import annotations

import numpy as np

from aeviz import canvas_data


def img_tag(image: np.ndarray, width: str = "100%", title: str = "", border: str = "#bbbbbb") -> str:
    # Inline (a data URI) with the element: painted without a second request. The pixel size as
    # attributes gives the box its height before the PNG is decoded: without it a new image is a
    # few pixels tall for a frame, and the panel below it jumps.
    h, w = image.shape[:2]
    return (f'<img src="{canvas_data.png_data_uri(image)}" width="{w}" height="{h}" alt="{title}" title="{title}"'
            f' style="width:{width};height:auto;'
            f'image-rendering:pixelated;image-rendering:crisp-edges;border:2px solid {border};'
            f'border-radius:4px;display:block;background:#000">')
