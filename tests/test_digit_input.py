"""The MNIST-style preprocessing on images drawn here, where the answer is known."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from aeviz.digit_input import CENTRE, centre_of_mass, otsu_threshold, preprocess, shift_image
from aeviz.uploads import UploadError, decode_image
from digit_images import phone_photo


def _ink_extent(image: np.ndarray, level: float = 0.5) -> tuple[int, int]:
    rows, cols = np.flatnonzero((image > level).any(1)), np.flatnonzero((image > level).any(0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def _canvas(size=(300, 240), background=255, ink=0):
    im = Image.new("L", size, background)
    return im, ImageDraw.Draw(im)


def test_a_tall_bar_on_white_fits_20_high_keeps_its_aspect_and_is_centred():
    im, draw = _canvas((240, 240))
    draw.rectangle([30, 40, 61, 199], fill=0)  # 32 wide x 160 tall, far from the middle
    steps = preprocess(np.asarray(im) / 255.0)
    assert steps.inverted and steps.thickened == 0
    assert steps.box == (40, 200, 30, 62)  # the working image is the image itself (240 px)
    assert steps.fitted.shape == (20, 4)  # 160 x 32 -> 20 x 4: aspect 5:1 kept
    out = steps.result
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert _ink_extent(out) == (20, 4)
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5
    assert out.max() == pytest.approx(1.0) and out[0].max() == 0 and out[:, 0].max() == 0


def test_an_off_centre_ring_lands_with_its_centre_of_mass_at_14_14():
    im, draw = _canvas((400, 400))
    draw.ellipse([220, 40, 380, 200], outline=0, width=18)  # a '0' in the top-right corner
    steps = preprocess(np.asarray(im) / 255.0)
    out = steps.result
    h, w = _ink_extent(out, 0.3)
    assert 19 <= h <= 21 and 19 <= w <= 21
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5
    assert out[14, 14] < 0.2  # the hole of the ring stays empty


def test_white_strokes_on_black_are_not_inverted():
    im, draw = _canvas((280, 280), background=0)
    draw.line([(140, 40), (140, 240)], fill=255, width=40)  # a '1' as a drawing canvas gives it
    steps = preprocess(np.asarray(im) / 255.0)
    assert not steps.inverted
    out = steps.result
    assert _ink_extent(out)[0] == 20
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5


def test_a_thin_pen_is_thickened_to_an_mnist_like_stroke():
    im, draw = _canvas((600, 600))
    draw.line([(300, 50), (300, 550)], fill=0, width=3)
    draw.line([(150, 50), (300, 50)], fill=0, width=3)
    steps = preprocess(np.asarray(im) / 255.0)
    assert steps.thickened >= 1
    assert (steps.result > 0.5).sum() >= 30


def test_a_phone_photo_on_uneven_paper_gives_a_clean_centred_digit():
    grey, note = decode_image(phone_photo())
    assert note is None and grey.shape == (1024, 768)  # decoded at a reduced size
    steps = preprocess(grey)
    assert steps.inverted
    out = steps.result
    assert (out[:3] == 0).all() and (out[:, :3] == 0).all()  # the margins and the shadow are gone
    assert _ink_extent(out, 0.3)[0] == 20
    assert 40 <= (out > 0.5).sum() <= 250
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5
    # Every step is there for the page to show.
    assert [name for name, _ in steps.named()] == ["grey", "ink", "cropped", "fitted", "padded", "centred"]


def test_plain_paper_has_no_ink():
    grey = np.linspace(0.7, 0.95, 200 * 200).reshape(200, 200)  # a shadow, nothing written
    with pytest.raises(UploadError) as e:
        preprocess(grey)
    assert e.value.key == "digit.upload.no_ink"


def test_otsu_splits_two_levels():
    a = np.r_[np.full(500, 0.1), np.full(100, 0.8)]
    assert 0.1 < otsu_threshold(a) <= 0.8


def test_shift_fills_with_background():
    a = np.arange(16.0).reshape(4, 4)
    s = shift_image(a, 1, -1)
    assert s[0].tolist() == [0, 0, 0, 0] and s[1].tolist() == [1, 2, 3, 0]
