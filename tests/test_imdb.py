"""The IMDB loader on the real mirror, and the converter of the official archive on a tiny generated one."""
import gzip
import io
import tarfile

import pandas as pd
import pytest

from data.imdb import load_imdb, unpack_archive
from core.errors import DataError
from data.registry import DATASETS


def test_both_splits_are_complete_balanced_and_shuffled():
    for split in ("train", "test"):
        frame = load_imdb(split)
        assert list(frame.columns) == ["text", "label"]
        assert len(frame) == 25_000 and frame.label.sum() == 12_500
        # The mirror alternates pos/neg; after shuffling the first rows must not.
        assert frame.label.head(20).tolist() != [1, 0] * 10
        assert 0.4 < frame.label.head(2000).mean() < 0.6


def test_shuffle_is_reproducible():
    assert load_imdb("test").text.head(50).tolist() == load_imdb("test").text.head(50).tolist()


def test_unknown_split_is_refused():
    with pytest.raises(ValueError):
        load_imdb("unsup")


def _tar(tmp_path, reviews: dict[str, str]):
    path = tmp_path / "aclImdb_v1.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, text in reviews.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_unpack_archive_writes_interleaved_csvs(tmp_path):
    reviews = {
        "aclImdb/README": "readme",
        "aclImdb/imdb.vocab": "the\nand",
        "aclImdb/train/unsup/0_0.txt": "not labelled",
        "aclImdb/train/pos/1_8.txt": "Second good one, with \"quotes\", commas.<br /><br />And a break.",
        "aclImdb/train/pos/0_10.txt": "Great film — café!",
        "aclImdb/train/neg/0_2.txt": "Bad film.",
        "aclImdb/train/neg/1_4.txt": "Also bad.",
        "aclImdb/test/pos/0_9.txt": "Lovely.",
        "aclImdb/test/neg/0_1.txt": "Dreadful.",
    }
    staging = tmp_path / "staging"
    staging.mkdir()
    unpack_archive(_tar(tmp_path, reviews), staging, DATASETS["imdb"].downloads[0])
    train = pd.read_csv(staging / "imdb_train.csv.gz")
    assert train.text.tolist() == ["Great film — café!", "Bad film.", reviews["aclImdb/train/pos/1_8.txt"], "Also bad."]
    assert train.label.tolist() == [1, 0, 1, 0]
    test = pd.read_csv(staging / "imdb_test.csv.gz")
    assert test.to_dict("list") == {"text": ["Lovely.", "Dreadful."], "label": [1, 0]}
    with gzip.open(staging / "imdb_test.csv.gz", "rt", encoding="utf-8") as fh:
        assert fh.readline() == "text,label\n"


def test_missing_data_gives_a_user_message(tmp_path):
    from data.locate import Locator

    locator = Locator(search_roots=(tmp_path,), download_root=tmp_path / "dl", allow_download=False)
    with pytest.raises(DataError, match="Large Movie Review Dataset"):
        load_imdb("train", locator=locator)
