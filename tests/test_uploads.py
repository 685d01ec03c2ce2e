"""Every bad kind of upload gets its own clear error; images needing a conversion get a note."""
from __future__ import annotations

import io
import zlib
import struct

import numpy as np
import pytest
from PIL import Image

from aeviz import uploads
from aeviz.uploads import UploadError, decode_image
from digit_images import phone_photo, png_bytes


def _digit(size=64) -> np.ndarray:
    a = np.full((size, size), 255, np.uint8)
    a[size // 4: 3 * size // 4, size // 2 - 4: size // 2 + 4] = 0
    return a


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming width x height, a tiny IDAT: a decompression bomb's
    header (the real thing compresses gigabytes of zeros into a few KB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _reason(data: bytes) -> str:
    with pytest.raises(UploadError) as e:
        decode_image(data)
    assert e.value.key == f"digit.upload.{e.value.reason}"
    return e.value.reason


def test_text_named_png_is_not_an_image():
    assert _reason(b"hello, this is a text file\n" * 10) == "not_image"


def test_other_formats_are_not_offered_to_their_decoders():
    buf = io.BytesIO()
    Image.fromarray(_digit()).save(buf, format="BMP")
    assert _reason(buf.getvalue()) == "not_image"


def test_empty_upload():
    assert _reason(b"") == "empty"


def test_truncated_png_and_jpeg():
    noisy = np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)
    data = png_bytes(noisy)
    assert _reason(data[: len(data) // 2]) == "truncated"
    assert _reason(phone_photo()[:20000]) == "truncated"


def test_decompression_bomb_is_refused_from_its_header(monkeypatch):
    data = _png_header_only(50_000, 50_000)  # 2.5 gigapixels claimed in a few bytes
    assert len(data) < 200
    loaded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: loaded.append(1))
    assert _reason(data) == "too_many_pixels"
    assert loaded == []  # refused before any pixel was decoded
    assert _reason(_png_header_only(8_000, 6_000)) == "too_many_pixels"  # over 40 MP, under Pillow's own limit


def test_too_many_bytes(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1000)
    assert _reason(png_bytes(np.random.default_rng(0).integers(0, 255, (64, 64), dtype=np.uint8))) == "too_many_bytes"


def test_all_white_and_all_black():
    assert _reason(png_bytes(np.full((64, 64), 255, np.uint8))) == "blank_white"
    assert _reason(png_bytes(np.zeros((64, 64), np.uint8))) == "blank_black"


def test_tiny_image():
    assert _reason(png_bytes(_digit(4))) == "too_small"


def test_rgba_transparent_background_reads_as_white_paper():
    rgba = np.zeros((64, 64, 4), np.uint8)  # black everywhere, visible only where the ink is
    rgba[..., 3] = 255 - _digit()
    grey, note = decode_image(png_bytes(rgba, "RGBA"))
    assert note == "alpha"
    assert grey[0, 0] == 1.0 and grey[32, 32] == 0.0


def test_palette_image():
    im = Image.fromarray(_digit()).convert("P")
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    grey, note = decode_image(buf.getvalue())
    assert note == "palette" and grey.shape == (64, 64) and grey[0, 0] == 1.0 and grey[32, 32] == 0.0


def test_sixteen_bit_grey_keeps_its_range():
    a = (_digit().astype(np.uint16) * 257)
    a[0, 0] = 30000
    grey, note = decode_image(png_bytes(a))
    assert note == "sixteen_bit"
    assert grey[1, 1] == 1.0 and grey[32, 32] == 0.0 and grey[0, 0] == pytest.approx(30000 / 65535)


def test_plain_rgb_png_and_jpeg_need_no_note():
    grey, note = decode_image(png_bytes(np.stack([_digit()] * 3, -1)))
    assert note is None and grey.shape == (64, 64)


def test_nothing_is_written_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    decode_image(phone_photo())
    assert list(tmp_path.iterdir()) == []


def test_a_phone_photo_stored_sideways_is_turned_upright():
    a = np.full((60, 100), 255, np.uint8)  # wider than tall as stored...
    a[10:20, 10:30] = 0  # ...with a mark in the top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # EXIF orientation: the camera was turned 90 degrees clockwise
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="JPEG", exif=exif, quality=95)
    grey, _ = decode_image(buf.getvalue())
    assert grey.shape == (100, 60)  # shown as the phone showed it: taller than wide
    assert grey[15:25, 40:50].mean() < 0.3  # the mark is now top-right
