"""MNIST data: IDX parsing on small generated files, and the real files through the data layer."""
import gzip
import struct

import numpy as np
import pytest

from data.mnist import IdxFormatError, load_mnist, parse_idx, read_idx


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """An IDX file holding ``array`` (header: 0, 0, type, ndim, then one big-endian uint32 per dimension)."""
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_parses_images_and_labels_of_any_shape():
    images = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5)
    labels = np.array([7, 0, 9], dtype=np.uint8)
    np.testing.assert_array_equal(parse_idx(idx_bytes(images)), images)
    np.testing.assert_array_equal(parse_idx(idx_bytes(labels)), labels)


def test_reads_gzipped_and_plain_files(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (2, 28, 28)).astype(np.uint8)
    (tmp_path / "plain-idx3-ubyte").write_bytes(idx_bytes(images))
    with gzip.open(tmp_path / "packed-idx3-ubyte.gz", "wb") as fh:
        fh.write(idx_bytes(images))
    np.testing.assert_array_equal(read_idx(tmp_path / "plain-idx3-ubyte"), images)
    np.testing.assert_array_equal(read_idx(tmp_path / "packed-idx3-ubyte.gz"), images)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x01\x00\x08\x01" + struct.pack(">I", 1) + b"\x05", "magic"),
        (b"\x00\x00\x0d\x01" + struct.pack(">I", 1) + b"\x00\x00\x00\x00", "element type"),
        (b"\x00\x00\x08\x03" + struct.pack(">I", 2), "truncated"),
        (b"\x00\x00\x08\x01" + struct.pack(">I", 3) + b"\x01\x02", "announces 3"),
        (b"\x00\x00", "magic"),
    ],
)
def test_rejects_malformed_files_with_a_reason(raw, message):
    with pytest.raises(IdxFormatError, match=message):
        parse_idx(raw)


def test_real_mnist_through_the_data_layer():
    images, labels = load_mnist("test")
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    train_images, train_labels = load_mnist("train")
    assert train_images.shape == (60_000, 28, 28) and len(train_labels) == 60_000
    assert train_labels[:5].tolist() == [5, 0, 4, 1, 9]
