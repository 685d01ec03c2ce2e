"""Turn a photo or a drawing of one digit into an MNIST-like 28x28 image, step by step.

MNIST was made this way (LeCun et al.): each digit's ink was fitted into a 20x20 box keeping its
aspect ratio, then placed in a 28x28 field so that its centre of mass sits at the centre. A phone
photo also needs the paper taken away first: its background is light and uneven (shadows,
vignetting), the ink dark. The steps, each returned so the page can show them:

1. ``grey``: the image in grey levels, at most ``WORK_SIDE`` pixels on its longer side;
2. ``ink``: ink = 1, paper = 0. On a light background the paper's brightness is estimated locally
   (the brightest value in a window wider than a pen stroke, smoothed) and the image is subtracted
   from it, which inverts it and removes uneven light at once; a dark background (a canvas, an
   MNIST-like image) only has its own local floor subtracted. Faint residue below half of Otsu's
   threshold is cleared;
3. ``cropped``: the bounding box of the ink;
4. ``fitted``: scaled so its longer side is 20 pixels, keeping the aspect ratio;
5. ``padded``: placed in the middle of a 28x28 field (thin strokes thickened to a pen width like
   MNIST's, see ``thickened``);
6. ``centred``: shifted by whole pixels so the centre of mass is at (14, 14), where MNIST's is.

Arrays in, arrays out: float images in [0, 1], (rows, columns). No UI.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .uploads import UploadError

WORK_SIDE = 256
BOX = 20
FIELD = 28
CENTRE = 14.0  # MNIST's centre of mass in (row, column) pixel indices: measured mean 14.0, 14.0
MIN_INK_PIXELS = 50  # MNIST digits have 53-127 pixels above 0.5 (5th to 75th percentile)
MIN_CONTRAST = 0.08  # below this, after the paper is removed, nothing was written


@dataclass(frozen=True)
class Steps:
    grey: np.ndarray
    ink: np.ndarray
    cropped: np.ndarray
    fitted: np.ndarray
    padded: np.ndarray
    centred: np.ndarray
    inverted: bool  # True when the background was light (the image was inverted)
    box: tuple[int, int, int, int]  # (top, bottom, left, right) of the ink in ``ink``, end exclusive
    thickened: int  # how many 3x3 dilations were applied to thin strokes (0 = none)
    shift: tuple[int, int]  # (rows, columns) moved to centre the centre of mass

    @property
    def result(self) -> np.ndarray:
        """The 28x28 float32 image to show the models."""
        return self.centred.astype(np.float32)

    def named(self) -> list[tuple[str, np.ndarray]]:
        """(step name, image) in order, for display."""
        return [("grey", self.grey), ("ink", self.ink), ("cropped", self.cropped),
                ("fitted", self.fitted), ("padded", self.padded), ("centred", self.centred)]


def _sliding(a: np.ndarray, k: int, axis: int, reduce) -> np.ndarray:
    """A k-wide (odd) window along one axis, edges repeated; ``reduce`` is np.max, np.min or np.mean."""
    pad = [(0, 0), (0, 0)]
    pad[axis] = (k // 2, k // 2)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(a, pad, mode="edge"), k, axis=axis)
    return reduce(windows, axis=-1)


def local_filter(a: np.ndarray, k: int, reduce) -> np.ndarray:
    """A k x k window filter, separable (max, min and mean are)."""
    return _sliding(_sliding(a, k, 0, reduce), k, 1, reduce)


def otsu_threshold(a: np.ndarray, bins: int = 64) -> float:
    """The level that best splits ``a`` (values in [0, 1]) into two classes (Otsu, 1979)."""
    hist, edges = np.histogram(a, bins=bins, range=(0.0, 1.0))
    p = hist / max(hist.sum(), 1)
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centres)
    total = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total * w0 - m0) ** 2 / (w0 * (1 - w0))
    between = np.nan_to_num(between)
    return float(edges[int(np.argmax(between)) + 1])


def _resize(a: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Float image resize to (width, height): area averaging to shrink, bilinear to grow."""
    im = Image.fromarray(a.astype(np.float32), mode="F")
    shrink = size[0] < a.shape[1] or size[1] < a.shape[0]
    return np.asarray(im.resize(size, Image.Resampling.BOX if shrink else Image.Resampling.BILINEAR),
                      dtype=np.float64)


def to_working_size(grey: np.ndarray) -> np.ndarray:
    h, w = grey.shape
    if max(h, w) <= WORK_SIDE:
        return grey.astype(np.float64)
    scale = WORK_SIDE / max(h, w)
    return _resize(grey, (max(1, round(w * scale)), max(1, round(h * scale))))


def border_level(grey: np.ndarray) -> float:
    """The median brightness of the outer 5 % frame: the paper's (or canvas's) shade."""
    h, w = grey.shape
    m = max(1, round(0.05 * min(h, w)))
    frame = np.concatenate([grey[:m].ravel(), grey[-m:].ravel(), grey[:, :m].ravel(), grey[:, -m:].ravel()])
    return float(np.median(frame))


def remove_background(grey: np.ndarray) -> tuple[np.ndarray, bool]:
    """(ink in [0, 1], inverted?) from a grey image; see the module docstring, step 2."""
    light = border_level(grey) >= 0.5
    k = max(3, int(0.2 * max(grey.shape)) | 1)  # wider than a pen stroke, narrower than a shadow
    if light:
        paper = local_filter(local_filter(grey, k, np.max), k, np.mean)
        ink = np.clip(paper - grey, 0, None)
    else:
        floor = local_filter(local_filter(grey, k, np.min), k, np.mean)
        ink = np.clip(grey - floor, 0, None)
    top = float(np.percentile(ink, 99.9))
    if top < MIN_CONTRAST:
        raise UploadError("no_ink")
    ink = np.clip(ink / top, 0, 1)
    low = 0.5 * otsu_threshold(ink)
    ink = np.clip((ink - low) / (1 - low), 0, 1)
    return ink, light


def ink_box(ink: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    if len(rows) == 0:
        raise UploadError("no_ink")
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def fit_box(cropped: np.ndarray, box: int = BOX) -> np.ndarray:
    """Scale so the longer side is ``box`` pixels, keeping the aspect ratio; peak ink back to 1."""
    h, w = cropped.shape
    scale = box / max(h, w)
    out = np.clip(_resize(cropped, (max(1, round(w * scale)), max(1, round(h * scale)))), 0, 1)
    return out / out.max() if out.max() > 0 else out


def pad_to_field(fitted: np.ndarray, field: int = FIELD) -> np.ndarray:
    h, w = fitted.shape
    out = np.zeros((field, field))
    top, left = (field - h) // 2, (field - w) // 2
    out[top:top + h, left:left + w] = fitted
    return out


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass, in pixel indices."""
    mass = image.sum()
    idx = np.arange(image.shape[0])
    return float((image.sum(1) * idx).sum() / mass), float((image.sum(0) * np.arange(image.shape[1])).sum() / mass)


def shift_image(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move by whole pixels, filling with background (0); what leaves the field is lost."""
    out = np.zeros_like(image)
    h, w = image.shape
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = image[ys, xs]
    return out


def centre(image: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    cy, cx = centre_of_mass(image)
    dy, dx = int(round(CENTRE - cy)), int(round(CENTRE - cx))
    return shift_image(image, dy, dx), (dy, dx)


def preprocess(grey: np.ndarray) -> Steps:
    """A grey image (H, W) in [0, 1] of one digit -> every step to MNIST's 28x28 format.

    Raises ``UploadError('no_ink')`` when nothing stands out from the background."""
    grey = to_working_size(np.asarray(grey, dtype=np.float64))
    ink, inverted = remove_background(grey)
    box = ink_box(ink)
    cropped = ink[box[0]:box[1], box[2]:box[3]]
    fitted = fit_box(cropped)
    padded = pad_to_field(fitted)
    thickened = 0
    # A fine pen photographed from afar shrinks to hair-thin strokes at 20 px; MNIST's pen was wider.
    while (padded > 0.5).sum() < MIN_INK_PIXELS and thickened < 2:
        padded = local_filter(padded, 3, np.max)
        thickened += 1
    centred, shift = centre(padded)
    return Steps(grey, ink, cropped, fitted, padded, centred, inverted, box, thickened, shift)
