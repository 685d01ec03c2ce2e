"""AppTest (no browser) of "your own digit": a photo made here goes through every step and lands
on the maps; every bad upload gives one message and the page keeps working."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from digit_images import phone_photo, png_bytes

TIMEOUT = 300
SCRIPT = "from aeviz.ui.pages import digit\ndigit.page()\n"


@pytest.fixture(scope="module")
def at():
    app = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT).run()
    assert not app.exception
    return app


def _upload(at, name: str, data: bytes, mime: str = "image/png"):
    at.file_uploader(key="digit_upload").set_value((name, data, mime)).run()
    assert not at.exception
    return at


def _text(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption") for e in at.get(kind))


def test_a_phone_photo_goes_through_every_step(at):
    _upload(at, "seven.jpg", phone_photo(), "image/jpeg")
    assert not at.error
    html = "".join(h.proto.body for h in at.get("html"))
    for step in ("grey", "paper removed", "cropped to the ink", "fitted in 20×20", "padded to 28×28", "centred by mass"):
        assert step in html
    assert len(at.get("plotly_chart")) == 3  # AE, VAE and PCA maps
    names = [[tr.get("name") for tr in json.loads(c.proto.spec)["data"]] for c in at.get("plotly_chart")]
    assert all(n[-1] == "your digit" for n in names)  # the marked point, drawn last, in every map
    assert "1σ of q(z|x)" in names[1] and not any("σ" in str(n) for n in names[0] + names[2])
    text = _text(at)
    assert "The background was light, so the image was inverted" in text
    assert text.count("passes as a digit") + text.count("flagged: unlike") == 4
    assert "digit-recons" in html
    img = at.session_state["digit_image"]
    assert img.shape == (28, 28)


BAD = {
    "text.png": (b"this is not an image\n", "not a PNG or JPEG image"),
    "cut.png": (png_bytes(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8))[:3000], "cut short"),
    "white.png": (png_bytes(np.full((64, 64), 255, np.uint8)), "all white"),
    "black.png": (png_bytes(np.zeros((64, 64), np.uint8)), "all black"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_uploads_give_one_message(at, name):
    data, words = BAD[name]
    _upload(at, name, data)
    assert len(at.error) == 1 and words in at.error[0].value
    assert len(at.get("plotly_chart")) == 0


def test_a_bomb_is_refused(at):
    from test_uploads import _png_header_only

    _upload(at, "bomb.png", _png_header_only(60_000, 60_000))
    assert len(at.error) == 1 and "megapixels" in at.error[0].value


@pytest.mark.parametrize("mode", ["RGBA", "P", "I;16"])
def test_converted_images_say_what_was_done(at, mode):
    a = np.full((96, 96), 255, np.uint8)
    a[20:76, 40:56] = 0
    if mode == "RGBA":
        rgba = np.zeros((96, 96, 4), np.uint8)
        rgba[..., 3] = 255 - a
        data = png_bytes(rgba, "RGBA")
    elif mode == "P":
        buf = io.BytesIO()
        Image.fromarray(a).convert("P").save(buf, format="PNG")
        data = buf.getvalue()
    else:
        data = png_bytes(a.astype(np.uint16) * 257)
    _upload(at, f"{mode}.png", data)
    assert not at.error and len(at.info) == 1
    assert len(at.get("plotly_chart")) == 3


def test_vietnamese(at):
    at.session_state["lang"] = "vi"
    _upload(at, "seven.jpg", phone_photo(seed=1), "image/jpeg")
    assert "Chuẩn bị theo cách của MNIST" in "\n".join(s.value for s in at.subheader)


def test_the_draw_source_shows_the_canvas_and_a_prompt():
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT).run()
    at.segmented_control(key="digit_source").set_value("draw").run()
    assert not at.exception and not at.error
    assert any("Draw a digit on the black square" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0
