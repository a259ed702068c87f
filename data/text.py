"""English text corpora for word2vec, the word-vector evaluation sets, and uploaded .txt corpora.

A corpus is returned as a list of documents (lines, sentences, paragraphs or
reviews): word2vec windows never cross a document boundary. The named corpora
come from the ``text`` data set (WikiText-2 valid+test, Penn Treebank, the
Gutenberg selections, Brown) and from the IMDB reviews; ``english-mix`` is all
of them together. The complete WikiText-2 and WikiText-103 are not in the shared
mirror: they are downloaded from the publisher when first chosen. The evaluation
sets are Google's analogy questions and the WordSim-353, SimLex-999 and MEN
word-pair similarity ratings.
"""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pandas as pd

from data.locate import Locator, Progress, dataset_checksum, dataset_dir
from core.errors import InputError

_GUTENBERG_BOOKS = (
    "austen-emma", "austen-persuasion", "austen-sense", "bible-kjv", "blake-poems", "carroll-alice",
    "chesterton-ball", "chesterton-brown", "chesterton-thursday", "melville-moby_dick", "milton-paradise",
    "shakespeare-caesar", "shakespeare-hamlet", "shakespeare-macbeth", "whitman-leaves",
)

CORPORA: dict[str, str] = {
    "english-mix": "The five corpora below, with the first 10,000 IMDB reviews (about 6.9 M words)",
    "wikitext-2": "WikiText-2 validation + test articles (0.46 M words; the mirror lacks the train split: "
                  "see wikitext-2-full)",
    "ptb": "Penn Treebank, Mikolov's preprocessing, train + valid + test (1.0 M words)",
    "gutenberg": "Project Gutenberg selections, 15 public-domain books (1.9 M words)",
    "brown": "Brown corpus, 500 samples of American English (1.2 M words)",
    "imdb": "IMDB movie reviews, train + test (12 M words)",
    "wikitext-2-full": "WikiText-2 train + validation + test (2.1 M words), downloaded from the publisher (4.5 MB)",
    "wikitext-103": "WikiText-103 train + validation + test (103 M words), downloaded from the publisher (190 MB); "
                    "training takes about 6 (CBOW) to 10 (Skip-gram) minutes per model on a training worker",
}
"""The named corpora, default first."""
MILLION_WORDS = {"english-mix": 6.9, "wikitext-2": 0.46, "ptb": 1.0, "gutenberg": 1.9, "brown": 1.2, "imdb": 12.0,
                 "wikitext-2-full": 2.1, "wikitext-103": 103.0}
"""Each corpus's size (as its description says), from which its training time is estimated."""
DOWNLOADED_CORPORA = {"wikitext-2-full": "wikitext-2", "wikitext-103": "wikitext-103"}
"""Corpora the shared mirror does not carry, by the data set they are downloaded as (not part of english-mix)."""

DEFAULT_CORPUS = "english-mix"
MIX_REVIEWS = 10_000
"""IMDB reviews in english-mix (a balanced prefix): enough for variety, few enough to train both models in minutes."""
UPLOAD_LIMIT_BYTES = 20_000_000
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _gz_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [line for line in handle.read().split("\n") if line.strip()]


def _gz_paragraphs(path: Path) -> list[str]:
    """Paragraphs of a hard-wrapped book, each joined into one line."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(handle.read()) if p.strip()]


def _wikitext_articles(key: str, locator: Locator | None, progress: Progress | None) -> list[str]:
    """The non-blank lines (paragraphs and headings) of a downloaded WikiText, train + validation + test."""
    folder = dataset_dir(key, locator, progress)
    lines = [line for split in ("train", "valid", "test")
             for line in (folder / f"{key}/wiki.{split}.tokens").read_text(encoding="utf-8").split("\n")]
    return [line for line in lines if line.strip()]


def _text_corpus(name: str, folder: Path) -> list[str]:
    if name == "wikitext-2":
        return _gz_lines(folder / "wikitext-2/wiki.valid.tokens.gz") + _gz_lines(folder / "wikitext-2/wiki.test.tokens.gz")
    if name == "ptb":
        return [line for split in ("train", "valid", "test") for line in _gz_lines(folder / f"ptb/ptb.{split}.txt.gz")]
    if name == "gutenberg":
        return [p for book in _GUTENBERG_BOOKS for p in _gz_paragraphs(folder / f"gutenberg/{book}.txt.gz")]
    if name == "brown":
        return _gz_lines(folder / "brown/brown.txt.gz")
    raise KeyError(name)


def _imdb_reviews(locator: Locator | None, progress: Progress | None) -> list[str]:
    folder = dataset_dir("imdb", locator, progress)
    return [text for split in ("train", "test") for text in pd.read_csv(folder / f"imdb_{split}.csv.gz")["text"]]


def load_corpus(name: str = DEFAULT_CORPUS, locator: Locator | None = None, progress: Progress | None = None) -> list[str]:
    """The documents of the named corpus (see :data:`CORPORA`), as raw text lines."""
    if name not in CORPORA:
        raise InputError(f"Unknown corpus '{name}'; choose one of {', '.join(CORPORA)}.")
    if name in DOWNLOADED_CORPORA:
        return _wikitext_articles(DOWNLOADED_CORPORA[name], locator, progress)
    mixed = [n for n in CORPORA if n not in ("english-mix", *DOWNLOADED_CORPORA)]
    parts = mixed if name == "english-mix" else [name]
    documents: list[str] = []
    for part in parts:
        if part == "imdb":
            reviews = _imdb_reviews(locator, progress)
            documents += reviews[:MIX_REVIEWS] if name == "english-mix" else reviews
        else:
            documents += _text_corpus(part, dataset_dir("text", locator, progress))
    return documents


def corpus_datasets(name: str) -> tuple[str, ...]:
    """The data sets (``data/registry.py`` keys) a named corpus is read from."""
    if name in DOWNLOADED_CORPORA:
        return (DOWNLOADED_CORPORA[name],)
    return ("text", "imdb") if name in ("english-mix", "imdb") else ("text",)


def corpus_checksum(name: str) -> str:
    """A checksum of the data a named corpus is read from, for keying trained models."""
    return "-".join(dataset_checksum(key) for key in corpus_datasets(name))


def read_uploaded_corpus(content: bytes, name: str = "upload.txt", limit: int = UPLOAD_LIMIT_BYTES) -> list[str]:
    """The non-blank lines of an uploaded plain-text corpus.

    UTF-8 is expected; a file that is not valid UTF-8 is read as Latin-1 (every
    byte is a character there), so odd bytes never stop the upload.
    """
    if not content or not content.strip():
        raise InputError(f"'{name}' is empty: upload a plain-text file with some sentences in it.")
    if len(content) > limit:
        raise InputError(f"'{name}' is {len(content) / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
                         "Upload a smaller part of it.")
    if b"\x00" in content[:4096]:
        raise InputError(f"'{name}' looks like a binary file, not plain text: upload a .txt file.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    return [line for line in text.splitlines() if line.strip()]


# --- evaluation sets ------------------------------------------------------------------------------------------


ANALOGY_SET = "google-analogies"
"""The data set of analogy questions (``data/registry.py`` key)."""


def load_analogies(locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Google's analogy questions (a : b :: c : d) with their section, lowercased: columns section, a, b, c, d."""
    path = dataset_dir(ANALOGY_SET, locator, progress) / "eval/questions-words.txt"
    rows, section = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            section = line[1:].strip()
        elif line.strip():
            rows.append([section, *line.lower().split()])
    return pd.DataFrame(rows, columns=["section", "a", "b", "c", "d"])


SIMILARITY_SETS = {
    "WordSim-353": ("wordsim-353", "eval/wordsim353.tsv", "\t"),
    "SimLex-999": ("simlex-999", "eval/simlex999.txt", "\t"),
    "MEN": ("men", "eval/EN-MEN-TR-3k.txt", None),
}
"""Word-pair similarity sets by name: (data set key, file in it, column separator or None for whitespace)."""


def load_similarity(name: str, locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """A word-pair similarity set (see :data:`SIMILARITY_SETS`): columns word1, word2, score (human rating)."""
    key, path, sep = SIMILARITY_SETS[name]
    rows = []
    for line in (dataset_dir(key, locator, progress) / path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, second, score = line.split(sep)[:3]
            rows.append((first.lower(), second.lower(), float(score)))
    return pd.DataFrame(rows, columns=["word1", "word2", "score"])
