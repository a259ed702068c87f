"""The Large Movie Review Dataset (IMDB, Maas et al. 2011): 25,000 train + 25,000 test reviews.

The mirror's CSVs interleave positive and negative reviews (row 2k is pos/k,
row 2k+1 is neg/k), so the loader shuffles with a fixed seed: any prefix is then
a fair, reproducible subset. ``unpack_archive`` turns the publisher's
``aclImdb_v1.tar.gz`` into the same two CSVs when the data has to be downloaded.
"""
from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import numpy as np
import pandas as pd

from data.locate import Locator, Progress, dataset_dir
from data.registry import Download
from data.unpack import UnusableDownload, tar_gz_files

SPLITS = ("train", "test")
SHUFFLE_SEED = 2011
_MEMBER = re.compile(r"^aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")


def load_imdb(split: str = "train", locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Columns text (raw review, ``<br />`` kept) and label (1 positive, 0 negative), shuffled with a fixed seed."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    folder = dataset_dir("imdb", locator, progress)
    frame = pd.read_csv(folder / f"imdb_{split}.csv.gz", dtype={"text": str, "label": np.int8})
    order = np.random.default_rng(SHUFFLE_SEED).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def unpack_archive(fetched: Path, staging: Path, download: Download) -> None:
    """Convert the official aclImdb_v1.tar.gz into imdb_train.csv.gz and imdb_test.csv.gz (text,label).

    Rows follow the mirror's order: pos/k then neg/k for k = 0, 1, ...; the
    unlabelled ``train/unsup`` reviews and the bag-of-words files are skipped.
    """
    reviews: dict[tuple[str, str, int], str] = {}
    for member, content in tar_gz_files(fetched, download):
        match = _MEMBER.match(member.name)
        if match:
            split, polarity, index, _rating = match.groups()
            reviews[(split, polarity, int(index))] = content.read().decode("utf-8")
    for split in SPLITS:
        count = sum(1 for key in reviews if key[0] == split and key[1] == "pos")
        missing = [f"{split}/{polarity}/{k}_*.txt" for k in range(count) for polarity in ("pos", "neg")
                   if (split, polarity, k) not in reviews]
        if count == 0 or missing:
            lacking = ", ".join(missing[:3]) + (f" and {len(missing) - 3:,} more" if len(missing) > 3 else "")
            raise UnusableDownload(f"the archive {download.url} is not the whole data set: "
                                   f"it lacks {lacking or f'every {split} review'}.")
        with gzip.open(staging / f"imdb_{split}.csv.gz", "wt", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["text", "label"])
            for k in range(count):
                writer.writerow([reviews[(split, "pos", k)], 1])
                writer.writerow([reviews[(split, "neg", k)], 0])
