"""Safe decoding of an uploaded image: bytes in, a grey float array out, or one clear error.

Nothing is written to disk and nothing is unpickled: the bytes stay in memory and only Pillow's
PNG and JPEG decoders see them. The header is read first and an image whose width x height is
over ``MAX_PIXELS`` is refused before its pixels are decoded (a decompression bomb: a few KB of
PNG can claim gigabytes of pixels). Large JPEGs are decoded at a reduced scale (``draft``).

Errors are ``UploadError`` with an i18n key (``digit.upload.<reason>``) and values, so the page
says one sentence in the reader's language. Images that decode but need a conversion (RGBA,
palette, 16-bit) come back with a ``note`` key that says what was done.
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from aeviz.errors import AevizError

MAX_BYTES = 10 * 1024 * 1024  # the app's upload limit (.streamlit/config.toml maxUploadSize)
MAX_PIXELS = 40_000_000  # 40 megapixels: any phone photo, far below a bomb
WORK_SIDE = 1024  # decode and work at most at this size: a 28x28 digit needs no more
FORMATS = ("PNG", "JPEG")
BLANK_RANGE = 8 / 255  # less contrast than this between darkest and lightest pixel: nothing drawn


class UploadError(AevizError):
    """An upload that cannot be used. ``key`` names the catalogue sentence, ``values`` (also
    ``params``) fill it."""

    def __init__(self, reason: str, **values):
        self.reason = reason
        self.values = values
        super().__init__(f"digit.upload.{reason}", **values)

    def __reduce__(self):
        return (_rebuild_upload, (self.reason, self.values))


def _rebuild_upload(reason, values):
    return UploadError(reason, **values)


def _open(data: bytes) -> Image.Image:
    if not data:
        raise UploadError("empty")
    if len(data) > MAX_BYTES:
        raise UploadError("too_many_bytes", mb=round(len(data) / 1e6, 1), limit=MAX_BYTES // (1024 * 1024))
    try:
        # Only the header is read here; ``formats`` keeps every other decoder away. Pillow's own
        # bomb check raises at twice its limit; ours below refuses far earlier.
        im = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise UploadError("too_many_pixels", limit=MAX_PIXELS // 1_000_000) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UploadError("not_image") from None
    width, height = im.size
    if width * height > MAX_PIXELS:
        raise UploadError("too_many_pixels", width=width, height=height, limit=MAX_PIXELS // 1_000_000)
    if width < 8 or height < 8:
        raise UploadError("too_small", width=width, height=height)
    return im


def _to_grey(im: Image.Image) -> tuple[np.ndarray, str | None]:
    """(H, W) float64 in [0, 1] and the note on what conversion was needed, if any."""
    note = None
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: keep its full range instead of clipping at 255.
        arr = np.asarray(im, dtype=np.float64)
        return np.clip(arr / 65535.0, 0, 1), "sixteen_bit"
    if mode == "P":
        note = "palette"
        im = im.convert("RGBA") if "transparency" in im.info else im.convert("RGB")
        mode = im.mode
        if mode == "RGBA":
            note = "palette_alpha"
    if mode in ("RGBA", "LA", "PA"):
        note = note or "alpha"
        # Transparent parts are taken as white paper: a drawing exported with a transparent
        # background then reads as dark ink on white, like a photo.
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im.convert("RGBA"))
    if im.mode == "F":
        return np.clip(np.asarray(im, dtype=np.float64), 0, 1), note
    return np.asarray(im.convert("L"), dtype=np.float64) / 255.0, note


def decode_image(data: bytes) -> tuple[np.ndarray, str | None]:
    """Uploaded bytes -> ((H, W) grey float64 in [0, 1], note key or None).

    Raises ``UploadError`` for: no bytes, too many bytes, not a PNG/JPEG, too many pixels (checked
    on the header, before decoding), too small, truncated or corrupt data, and a blank image
    (all one shade: all white, all black)."""
    im = _open(data)
    try:
        if im.format == "JPEG":
            im.draft("L", (WORK_SIDE, WORK_SIDE))  # decode at 1/2, 1/4 or 1/8 scale when that suffices
        im.load()  # truncated files raise here (LOAD_TRUNCATED_IMAGES stays off)
        im = ImageOps.exif_transpose(im)  # phone photos are often stored sideways
        if max(im.size) > WORK_SIDE:
            scale = WORK_SIDE / max(im.size)
            size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
            im = im.resize(size, Image.Resampling.BOX) if im.mode not in ("P", "1") else \
                im.convert("RGBA").resize(size, Image.Resampling.BOX)
        grey, note = _to_grey(im)
    except UploadError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError):
        raise UploadError("truncated") from None
    if grey.max() - grey.min() < BLANK_RANGE:
        raise UploadError("blank_white" if grey.mean() >= 0.5 else "blank_black")
    return grey, note
