"""Turn a drawing (canvas RGBA) into a 28x28 MNIST-style image, the way MNIST itself was made.

MNIST digits are bright ink on a dark background, cropped to their bounding box,
scaled so the longer side is 20 px (aspect ratio kept, anti-aliased), and pasted
into a 28x28 field so that their centre of mass sits at the centre. Doing the
same to a drawing makes the prediction independent of where, how big and in
which colours the digit was drawn. Plain numpy + Pillow: no TensorFlow here.
"""
from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from core.errors import InputError

SIZE = 28
BOX = 20
INK_THRESHOLD = 0.1
"""Pixels with less ink than this (0..1) do not count for the bounding box."""
MIN_INK_PIXELS = 30
"""A drawing with fewer inked pixels than this is treated as blank (a stray click)."""
SCRIBBLE_FILL = 0.6
"""A digit fills well under this share of its 20x20 box; more is a scribble or a blot."""
PNG_DATA_URL = "data:image/png;base64,"
"""How the canvas sends its drawing: a PNG, base64-encoded in a data URL."""
MAX_PNG_BYTES_PER_PIXEL = 8
"""A drawing's PNG may take at most this many bytes per canvas pixel: twice the 4 of an RGBA pixel, so even a PNG
stored without compression fits (a real drawing takes a few KB, well under 0.1 byte per pixel)."""


@dataclass(frozen=True)
class Prepared:
    """The model's input and facts about the drawing that the page reports."""

    image: np.ndarray
    """(28, 28) float32 in [0, 1], bright digit on black, centred by mass."""
    fill: float
    """Share of the 20x20 box covered by ink: high for scribbles and blots."""

    @property
    def looks_like_scribble(self) -> bool:
        return self.fill > SCRIBBLE_FILL


def canvas_pixels(data_url: str, size: int) -> np.ndarray:
    """The (size, size, 4) RGBA pixels of a drawing the canvas sent as a PNG data URL, checked before decoding.

    The page's canvas sends exactly ``size`` x ``size`` pixels, but a client can send anything, and a PNG of one
    colour 8,000 pixels square is a few KB that decode to 256 MB. So the text's length is capped
    (:data:`MAX_PNG_BYTES_PER_PIXEL`) before the base64 is decoded, and the width and height in the PNG's header
    must be the canvas's before any pixel is decompressed. InputError, saying what was sent, otherwise.
    """
    again = "Clear the canvas and draw the digit again."
    if not isinstance(data_url, str) or not data_url.startswith(PNG_DATA_URL):
        raise InputError(f"The drawing did not arrive as a PNG image, as this page's canvas sends it. {again}")
    limit = len(PNG_DATA_URL) + 4 * -(-MAX_PNG_BYTES_PER_PIXEL * size * size // 3)
    if len(data_url) > limit:
        raise InputError(f"The drawing sent is {len(data_url):,} characters long; the limit is {limit:,}, more than "
                         f"any PNG of this {size}×{size} canvas needs. {again}")
    try:
        image = Image.open(io.BytesIO(base64.b64decode(data_url[len(PNG_DATA_URL):], validate=True)), formats=["PNG"])
    except (binascii.Error, UnidentifiedImageError) as error:
        raise InputError(f"The drawing sent is not a readable PNG image ({error}). {again}") from error
    except Image.DecompressionBombError as error:  # Pillow's own cap, met before ours by a far larger image
        raise InputError(f"The drawing sent is far larger than this page's {size}×{size} canvas ({error}). "
                         f"{again}") from error
    if image.size != (size, size):
        width, height = image.size
        raise InputError(f"The drawing sent is {width:,}×{height:,} pixels; this page's canvas is {size}×{size}, "
                         f"so it was not drawn here and is not read. {again}")
    try:
        return np.asarray(image.convert("RGBA"))
    except (OSError, ValueError) as error:  # a PNG whose header is fine but whose pixel data is damaged
        raise InputError(f"The drawing sent is a damaged PNG image ({error}). {again}") from error


def ink_map(rgba: np.ndarray) -> np.ndarray:
    """Ink intensity in [0, 1] from an (H, W, 4) or (H, W, 3) uint8 image, whatever the colours.

    A canvas with a transparent background gives its ink as opacity. An opaque
    image gives it as the distance in brightness from the background, whose
    brightness is taken from the border pixels: white-on-black and
    black-on-white drawings give the same ink map.
    """
    image = np.asarray(rgba)
    if image.ndim != 3 or image.shape[2] not in (3, 4) or image.shape[0] < 2 or image.shape[1] < 2:
        raise InputError(f"Expected an RGB or RGBA image of shape (height, width, 3 or 4), got {image.shape}.")
    pixels = image.astype(np.float32) / 255.0
    if image.shape[2] == 4 and pixels[..., 3].min() < 1.0:
        return pixels[..., 3]
    gray = pixels[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return np.abs(gray - np.median(border))


def prepare(rgba: np.ndarray) -> Prepared | None:
    """The 28x28 MNIST-style image of a drawing, or None when the drawing is (nearly) blank."""
    ink = ink_map(rgba)
    inked = ink > INK_THRESHOLD
    if inked.sum() < MIN_INK_PIXELS:
        return None
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    crop = ink[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1] / max(float(ink.max()), 1e-6)
    box = scale_to_box(crop)
    image = paste_centred(box)
    fill = float((box > 0.5).sum()) / (BOX * BOX)
    return Prepared(image=image, fill=fill)


def scale_to_box(crop: np.ndarray, box: int = BOX) -> np.ndarray:
    """Resize so the longer side is ``box`` px, keeping the aspect ratio, with anti-aliasing."""
    height, width = crop.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(crop.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized), 0.0, 1.0)


def paste_centred(box: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Paste into a ``size`` x ``size`` field so the centre of mass lands at (size/2, size/2), as in MNIST."""
    height, width = box.shape
    total = float(box.sum())
    ys, xs = np.indices(box.shape)
    com_y = float((ys * box).sum()) / total if total else (height - 1) / 2
    com_x = float((xs * box).sum()) / total if total else (width - 1) / 2
    centre = size / 2
    top = int(np.clip(round(centre - com_y), 0, size - height))
    left = int(np.clip(round(centre - com_x), 0, size - width))
    field = np.zeros((size, size), dtype=np.float32)
    field[top: top + height, left: left + width] = box
    return field
