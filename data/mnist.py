"""MNIST handwritten digits from the four canonical IDX files (gzip-compressed).

IDX is a tiny big-endian format: a magic number whose third byte is the element
type (0x08 = unsigned byte) and whose fourth byte is the number of dimensions,
then one 32-bit size per dimension, then the data in row-major order.
"""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from data.locate import Locator, Progress, dataset_dir

UNSIGNED_BYTE = 0x08
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


class IdxFormatError(ValueError):
    """The bytes are not a well-formed unsigned-byte IDX file."""


def parse_idx(raw: bytes) -> np.ndarray:
    """The uint8 array stored in IDX bytes, shaped as its header says."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise IdxFormatError("not an IDX file (the magic number must start with two zero bytes)")
    if raw[2] != UNSIGNED_BYTE:
        raise IdxFormatError(f"element type 0x{raw[2]:02x} is not supported (only unsigned bytes, 0x08)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IdxFormatError("the header is truncated")
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64))
    if len(raw) - header != expected:
        raise IdxFormatError(f"the header announces {expected} values but the file holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_idx(path: Path) -> np.ndarray:
    """Parse an IDX file, gunzipping it when its name ends in .gz."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        return parse_idx(fh.read())


def load_mnist(
    split: str = "train", locator: Locator | None = None, progress: Progress | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 28, 28) uint8, 0 = background, 255 = ink, and labels (n,) uint8 of one split: 'train' or 'test'."""
    folder = dataset_dir("mnist", locator, progress)
    images_file, labels_file = FILES[split]
    images, labels = read_idx(folder / images_file), read_idx(folder / labels_file)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise IdxFormatError(f"{split}: {images.shape} images do not match {labels.shape} labels")
    return images, labels
