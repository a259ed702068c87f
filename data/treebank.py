"""The Universal Dependencies English Web Treebank (UD 2.16): sentences of words with their UPOS tags.

A small CoNLL-U reader: a sentence is a block of token lines ended by a blank line; ``#`` lines are comments.
Only syntactic words carry a UPOS tag, so multiword-token range lines (``1-2``: "don't" above "do" and "n't")
and empty nodes (``8.1``) are skipped. ``gzip_conllu`` turns the publisher's plain ``.conllu`` download into
the mirror's ``.conllu.gz`` files.
"""
from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from data.locate import Locator, Progress, dataset_dir
from data.registry import Download
from data.unpack import UnusableDownload

DATASET = "ud-english-ewt"
SPLITS = ("train", "dev", "test")
UPOS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
             "SCONJ", "SYM", "VERB", "X")
"""The 17 universal part-of-speech tags, in the order of the UD documentation."""
FORM, UPOS = 1, 3  # columns of a token line


@dataclass(frozen=True)
class Sentence:
    words: tuple[str, ...]
    tags: tuple[str, ...]


def split_file(split: str) -> str:
    return f"en_ewt-ud-{split}.conllu.gz"


def parse_conllu(lines: Iterable[str]) -> list[Sentence]:
    """The sentences of CoNLL-U text: each syntactic word's form (column 2) and UPOS tag (column 4)."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        if not line.strip():
            if words:
                sentences.append(Sentence(tuple(words), tuple(tags)))
                words, tags = [], []
            continue
        if line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 10:
            raise ValueError(f"line {number} has {len(columns)} tab-separated columns, not CoNLL-U's 10")
        if not columns[0].isdigit():  # "3-4" is a multiword token, "8.1" an empty node: neither is a word
            continue
        words.append(columns[FORM])
        tags.append(columns[UPOS])
    if words:
        sentences.append(Sentence(tuple(words), tuple(tags)))
    return sentences


def load_treebank(split: str, locator: Locator | None = None, progress: Progress | None = None) -> list[Sentence]:
    """The sentences of one split (``train``, ``dev`` or ``test``), in the file's order."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    folder = dataset_dir(DATASET, locator, progress)
    with gzip.open(folder / split_file(split), "rt", encoding="utf-8") as handle:
        return parse_conllu(handle)


def gzip_conllu(fetched: Path, staging: Path, download: Download) -> None:
    """Compress a fetched ``.conllu`` into ``download.target`` (no name or time stored, like ``gzip -n``).

    Its checksum is recorded when it is written (the registry declares the download ``derived``): zlib's bytes
    need not be GNU gzip's. The fetched text itself was checked against the release's sha256 before this runs.
    """
    with open(fetched, "rb") as source:
        if not source.read(1 << 16).lstrip().startswith(b"#"):
            raise UnusableDownload(f"{download.url} did not serve a CoNLL-U file (it does not start with a comment).")
        source.seek(0)
        with open(staging / download.target, "wb") as raw, \
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
            shutil.copyfileobj(source, out)
