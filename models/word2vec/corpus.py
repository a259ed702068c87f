"""word2vec (Mikolov et al. 2013), the data side: tokens, vocabulary, and what one epoch trains on.

This module is plain NumPy and stays light to import; the TensorFlow training
loop lives in :mod:`models.word2vec.training` and evaluation in :mod:`models.word2vec.evaluation`.

The pipeline, as in the paper and the reference C implementation:

1. :func:`tokenize` like torchtext's ``basic_english`` (lowercase, punctuation split off);
2. :func:`encode_corpus`: a vocabulary of the words seen at least ``min_count`` times,
   every other word becomes ``<unk>`` (id 0), and ``<unk>`` tokens are left out of training,
   as word2vec drops rare words;
3. per epoch, :func:`subsample` frequent words, then :func:`skipgram_pairs` /
   :func:`cbow_contexts` with a randomly reduced window (never across a document
   boundary), negatives drawn from the unigram^0.75 distribution (:func:`noise_distribution`);
4. SGD with the learning rate decaying linearly from 0.025 towards 0 (:func:`learning_rate`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

UNK = "<unk>"

# torchtext's basic_english: lowercase, drop <br /> and double quotes, split off . , ( ) ! ? and the apostrophe,
# replace ; and : by spaces, split on whitespace. Single characters map with one str.translate.
_BASIC_ENGLISH = str.maketrans({"'": " '  ", '"': "", ".": " . ", ",": " , ", "(": " ( ", ")": " ) ",
                                "!": " ! ", "?": " ? ", ";": " ", ":": " "})


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` as torchtext's ``basic_english`` tokenizer gives them."""
    return text.lower().replace("<br />", " ").translate(_BASIC_ENGLISH).split()


# --- vocabulary and the encoded corpus ------------------------------------------------------------------------


@dataclass
class Vocabulary:
    """Words by decreasing count; id 0 is ``<unk>`` (all rarer words together)."""

    words: list[str]
    counts: np.ndarray

    def __post_init__(self):
        self.index = {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index and word != UNK


@dataclass
class EncodedCorpus:
    """A corpus as one stream of word ids plus where each document starts (``starts[-1] == len(ids)``)."""

    ids: np.ndarray
    starts: np.ndarray

    @property
    def document_of(self) -> np.ndarray:
        """The document number of every token."""
        return np.repeat(np.arange(len(self.starts) - 1, dtype=np.int32), np.diff(self.starts))

    def without_unknown(self) -> "EncodedCorpus":
        """The same corpus with the ``<unk>`` tokens removed (word2vec trains only on vocabulary words)."""
        keep = self.ids != 0
        kept_before = np.concatenate([[0], np.cumsum(keep)])
        return EncodedCorpus(self.ids[keep], kept_before[self.starts])

    def documents(self, vocabulary: Vocabulary) -> list[list[str]]:
        """The corpus back as lists of words (for gensim and tests)."""
        words = np.array(vocabulary.words, dtype=object)
        return [list(words[self.ids[a:b]]) for a, b in zip(self.starts[:-1], self.starts[1:]) if b > a]


def encode_corpus(documents: Iterable[str], min_count: int = 5,
                  tokenizer: Callable[[str], list[str]] = tokenize) -> tuple[Vocabulary, EncodedCorpus]:
    """Tokenize the documents, build the vocabulary of words seen ``min_count`` times or more, encode.

    One pass with provisional ids in order of appearance, then a remap to ids by decreasing count.
    ``tokenizer`` lets another model (the sentiment networks) get vectors for exactly its own words.
    """
    first_seen: dict[str, int] = {}
    chunks, lengths = [], []
    for document in documents:
        tokens = tokenizer(document)
        chunks.append(np.fromiter((first_seen.setdefault(t, len(first_seen)) for t in tokens), np.int32, len(tokens)))
        lengths.append(len(tokens))
    provisional = np.concatenate(chunks) if chunks else np.zeros(0, np.int32)
    counts = np.bincount(provisional, minlength=len(first_seen))
    seen = np.array(list(first_seen), dtype=object)
    keep = np.flatnonzero((counts >= min_count) & (seen != UNK))
    keep = keep[np.argsort(-counts[keep], kind="stable")]
    remap = np.zeros(len(first_seen), np.int32)
    remap[keep] = np.arange(1, len(keep) + 1)
    unknown = int(counts.sum() - counts[keep].sum())
    vocabulary = Vocabulary([UNK, *seen[keep]], np.concatenate([[unknown], counts[keep]]).astype(np.int64))
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return vocabulary, EncodedCorpus(remap[provisional], starts)


# --- what one epoch trains on ---------------------------------------------------------------------------------


def keep_probability(counts: np.ndarray, sample: float) -> np.ndarray:
    """word2vec's subsampling: a word of frequency f is kept with probability (sqrt(f/s) + 1) * s/f."""
    if not sample:
        return np.ones(len(counts))
    threshold = sample * counts.sum()
    with np.errstate(divide="ignore"):
        ratio = threshold / counts
    return np.minimum(1.0, (np.sqrt(1 / ratio) + 1) * ratio)


def subsample(ids: np.ndarray, keep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A boolean mask of the tokens kept this epoch (frequent words are dropped more often)."""
    return rng.random(len(ids)) < keep[ids]


def reduced_windows(n: int, window: int, rng: np.random.Generator | None) -> np.ndarray:
    """Each center word's effective window, uniform in 1..window as in word2vec (``window`` for all if no rng)."""
    if rng is None:
        return np.full(n, window, np.int32)
    return rng.integers(1, window + 1, n, dtype=np.int32)


def skipgram_pairs(ids: np.ndarray, document: np.ndarray, window: int,
                   rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(center, context) id pairs: each word with every word within its window in the same document.

    Vectorised over offsets: for offset o the pairs (i, i+o) and (i+o, i) are kept where
    both tokens share a document and o is within the center's effective window.
    Pairs come ordered by offset, then position; callers shuffle.
    """
    spans = reduced_windows(len(ids), window, rng)
    centers, contexts = [], []
    for offset in range(1, window + 1):
        same = document[:-offset] == document[offset:]
        left = np.flatnonzero(same & (spans[:-offset] >= offset))  # center i, context i + offset
        right = np.flatnonzero(same & (spans[offset:] >= offset))  # center i + offset, context i
        centers += [ids[left], ids[right + offset]]
        contexts += [ids[left + offset], ids[right]]
    return np.concatenate(centers), np.concatenate(contexts)


def cbow_contexts(ids: np.ndarray, document: np.ndarray, window: int,
                  rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centers, contexts, mask): each word's window words before and after, ``2*window`` columns.

    Column ``window - o`` holds the word ``o`` before, ``window + o - 1`` the word ``o`` after;
    slots outside the effective window or the document are id 0 with mask False. Words with
    no context at all are left out.
    """
    n = len(ids)
    spans = reduced_windows(n, window, rng)
    contexts = np.zeros((n, 2 * window), np.int32)
    mask = np.zeros((n, 2 * window), bool)
    positions = np.arange(n)
    for offset in range(1, window + 1):
        for column, neighbour in ((window - offset, positions - offset), (window + offset - 1, positions + offset)):
            inside = (neighbour >= 0) & (neighbour < n)
            valid = inside & (spans >= offset)
            valid[inside] &= document[neighbour[inside]] == document[inside]
            mask[:, column] = valid
            contexts[valid, column] = ids[neighbour[valid]]
    has_context = mask.any(axis=1)
    return ids[has_context], contexts[has_context], mask[has_context]


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """Negative-sampling probabilities: unigram counts raised to ``power``, normalised; ``<unk>`` (id 0) never drawn."""
    weights = counts.astype(np.float64) ** power
    weights[0] = 0.0
    return weights / weights.sum()


def noise_table(counts: np.ndarray, size: int = 10_000_000, power: float = 0.75) -> np.ndarray:
    """word2vec's sampling table: word ids repeated in proportion to their noise probability."""
    probabilities = noise_distribution(counts, power)
    repeats = np.floor(probabilities * size).astype(np.int64)
    return np.repeat(np.arange(len(counts), dtype=np.int32), repeats)


def noise_alias_table(counts: np.ndarray, power: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
    """The noise distribution as Walker's alias table (Vose's construction): draw a word i uniformly, keep it
    with probability ``keep[i]``, else take ``alias[i]``. Exact, and two arrays of the vocabulary's size, so
    a draw stays in the CPU's cache where :func:`noise_table`'s millions of entries miss it."""
    scaled = noise_distribution(counts, power) * len(counts)
    keep, alias = np.ones(len(counts), np.float32), np.arange(len(counts), dtype=np.int32)
    small, large = [i for i, p in enumerate(scaled) if p < 1.0], [i for i, p in enumerate(scaled) if p >= 1.0]
    while small and large:
        light, heavy = small.pop(), large.pop()
        keep[light], alias[light] = scaled[light], heavy
        scaled[heavy] += scaled[light] - 1.0
        (small if scaled[heavy] < 1.0 else large).append(heavy)
    return keep, alias  # what is left in either list is kept with probability 1 (rounding)


def learning_rate(progress: np.ndarray | float, start: float = 0.025) -> np.ndarray | float:
    """Linear decay from ``start`` at progress 0 to 0 at progress 1, floored at start/10,000 like word2vec.c."""
    return np.maximum(start * (1.0 - np.asarray(progress, dtype=float)), start * 1e-4)


