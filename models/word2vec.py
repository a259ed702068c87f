"""word2vec (Mikolov et al. 2013): CBOW and Skip-gram word embeddings, the data side and the trained vectors.

This module is plain NumPy and stays light to import; the TensorFlow training
loop lives in :mod:`models.word2vec_tf` and evaluation in :mod:`models.word2vec_eval`.

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

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models.cache import ArtifactSpec, ModelCache, TrainingProgress, quick_mode
from models.errors import InputError
from models.pretrain import Pretrainable

UNK = "<unk>"
ARCHITECTURES = {"cbow": "CBOW", "skipgram": "Skip-gram"}

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


def learning_rate(progress: np.ndarray | float, start: float = 0.025) -> np.ndarray | float:
    """Linear decay from ``start`` at progress 0 to 0 at progress 1, floored at start/10,000 like word2vec.c."""
    return np.maximum(start * (1.0 - np.asarray(progress, dtype=float)), start * 1e-4)


# --- the configuration and the trained vectors ----------------------------------------------------------------


@dataclass(frozen=True)
class Word2VecConfig:
    """Everything that defines a trained model (part of the cache key)."""

    architecture: str = "cbow"
    dim: int = 100
    window: int = 5
    negative: int = 5
    loss: str = "negative"
    """"negative" sampling, or "softmax" (full softmax, for small vocabularies)."""
    min_count: int = 5
    sample: float = 1e-3
    epochs: int = 5
    learning_rate: float = 0.025
    max_norm: float | None = None
    batch_size: int = 1024
    seed: int = 1

    def __post_init__(self):
        if self.architecture not in ARCHITECTURES:
            raise InputError(f"Unknown architecture '{self.architecture}': choose {' or '.join(ARCHITECTURES)}.")
        if self.loss not in ("negative", "softmax"):
            raise InputError(f"Unknown loss '{self.loss}': choose 'negative' or 'softmax'.")


class WordVectors:
    """Trained word vectors with their vocabulary: nearest words, analogies, closest spellings."""

    def __init__(self, words: list[str], vectors: np.ndarray, counts: np.ndarray | None = None):
        self.words = list(words)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.counts = np.asarray(counts if counts is not None else np.ones(len(words)), dtype=np.int64)
        self.index = {word: i for i, word in enumerate(self.words)}
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self.unit = self.vectors / np.maximum(norms, 1e-12)

    def __contains__(self, word: str) -> bool:
        return word in self.index and word != UNK

    def check(self, *words: str) -> list[int]:
        """The ids of ``words``; InputError naming the first blank or unknown word, with the closest spellings."""
        ids = []
        for word in words:
            if not word:
                raise InputError("Type a word in every box.")
            if word not in self:
                suggestions = self.closest_spellings(word)
                hint = f" Closest spellings in it: {', '.join(suggestions)}." if suggestions else ""
                raise InputError(f"'{word}' is not in the vocabulary of this model.{hint}")
            ids.append(self.index[word])
        return ids

    def closest_spellings(self, word: str, n: int = 5) -> list[str]:
        """Vocabulary words spelt most like ``word`` (difflib's ratio), for a word that is not in it."""
        candidates = [w for w in self.words[1:] if abs(len(w) - len(word)) <= 2]
        return difflib.get_close_matches(word, candidates, n=n, cutoff=0.6)

    def nearest(self, word: str, k: int = 10) -> pd.DataFrame:
        """The ``k`` words with the highest cosine similarity to ``word`` (itself excluded)."""
        (i,) = self.check(word)
        return self._top(self.unit @ self.unit[i], {i}, k)

    def analogy(self, a: str, b: str, c: str, k: int = 5, method: str = "3cosadd") -> pd.DataFrame:
        """Words d with a : b :: c : d, i.e. b - a + c, by 3CosAdd or 3CosMul; a, b and c excluded."""
        ia, ib, ic = self.check(a, b, c)
        return self._top(analogy_scores(self.unit, ia, ib, ic, method), {ia, ib, ic}, k)

    def _top(self, scores: np.ndarray, exclude: set[int], k: int) -> pd.DataFrame:
        scores = scores.astype(np.float64).copy()
        scores[list(exclude | {0})] = -np.inf
        best = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
        best = best[np.argsort(-scores[best])]
        return pd.DataFrame({"word": [self.words[i] for i in best], "score": scores[best]})

    def save(self, folder: Path) -> None:
        np.savez(folder / "vectors.npz", vectors=self.vectors, counts=self.counts)
        (folder / "vocabulary.json").write_text(json.dumps(self.words))

    @classmethod
    def load(cls, folder: Path) -> "WordVectors":
        with np.load(folder / "vectors.npz") as arrays:
            vectors, counts = arrays["vectors"], arrays["counts"]
        return cls(json.loads((folder / "vocabulary.json").read_text()), vectors, counts)


def analogy_scores(unit: np.ndarray, a, b, c, method: str = "3cosadd") -> np.ndarray:
    """Scores of every word as d in a : b :: c : d, for unit vectors; ``a, b, c`` ids or arrays of ids.

    3CosAdd: cos(d, b - a + c). 3CosMul (Levy and Goldberg 2014): cos(d,b) cos(d,c) / (cos(d,a) + 0.001)
    with cosines shifted to [0, 1].
    """
    if method == "3cosadd":
        target = unit[b] - unit[a] + unit[c]
        target /= np.maximum(np.linalg.norm(target, axis=-1, keepdims=True), 1e-12)
        return target @ unit.T
    if method == "3cosmul":
        def shifted(i):
            return (unit[i] @ unit.T + 1) / 2
        return shifted(b) * shifted(c) / (shifted(a) + 1e-3)
    raise InputError(f"Unknown analogy method '{method}': choose 3cosadd or 3cosmul.")


# --- pre-trained models ---------------------------------------------------------------------------------------

QUICK_DOCUMENTS = 800
FULL_EPOCHS = 3


def default_config(architecture: str) -> Word2VecConfig:
    """The configuration the app trains: the paper's settings at dimension 100, 1 epoch in quick mode."""
    return Word2VecConfig(architecture=architecture, epochs=1 if quick_mode() else FULL_EPOCHS)


def corpus_documents(corpus: str, locator=None, progress=None) -> list[str]:
    """The documents of a named corpus; a small slice of it in quick mode."""
    from data.text import load_corpus

    documents = load_corpus(corpus, locator, progress)
    if quick_mode():
        step = max(1, len(documents) // QUICK_DOCUMENTS)
        documents = documents[::step][:QUICK_DOCUMENTS]
    return documents


def is_trained(architecture: str, corpus: str) -> bool:
    """Whether the model for (architecture, named corpus) is in the cache (cheap: no loading)."""
    return ModelCache().has(model_spec(architecture, corpus))


def model_spec(architecture: str, corpus: str) -> ArtifactSpec:
    """The cache key of the app's model for (architecture, named corpus): configuration, corpus and its data."""
    from data.text import corpus_checksum

    config = default_config(architecture)
    slice_ = {"quick_documents": QUICK_DOCUMENTS} if quick_mode() else {}
    return ArtifactSpec(f"word2vec-{architecture}-{corpus}", {**asdict(config), "corpus": corpus, **slice_},
                        corpus_checksum(corpus))


@dataclass
class TrainedModel:
    """Word vectors plus how they were trained and how they score."""

    vectors: WordVectors
    info: dict = field(default_factory=dict)
    """Training statistics (words/second, seconds, corpus size) and the evaluation results."""


def train_and_save(folder: Path, documents: list[str], config: Word2VecConfig, progress: TrainingProgress) -> None:
    """Train on ``documents`` and write vectors, vocabulary and info (with the evaluation) into ``folder``."""
    from models.word2vec_tf import train

    progress.update(0.0, "Tokenizing the corpus")
    vocabulary, corpus = encode_corpus(documents, config.min_count)
    if len(vocabulary) < 3:
        raise InputError("The corpus is too small: fewer than two words occur often enough. Use a longer text "
                         "or a lower minimum count.")
    vectors, stats = train(vocabulary, corpus, config, progress)
    info = {"config": asdict(config), "training": stats, "vocabulary_size": len(vocabulary) - 1,
            "tokens": int(len(corpus.ids))}
    from models.word2vec_eval import evaluate_all

    progress.update(1.0, "Evaluating on analogies and word similarity")
    info["evaluation"] = evaluate_all(vectors)
    vectors.save(folder)
    (folder / "info.json").write_text(json.dumps(info, indent=1))


def load_model(folder: Path) -> TrainedModel:
    return TrainedModel(WordVectors.load(folder), json.loads((folder / "info.json").read_text()))


def pretrained(architecture: str, corpus: str = "english-mix", progress: TrainingProgress | None = None,
               documents: list[str] | None = None, cache: ModelCache | None = None) -> TrainedModel:
    """The model for (architecture, named corpus) from the cache, trained first if missing.

    ``documents`` (the corpus as :func:`corpus_documents` gives it) spares reading the corpus again.
    """
    spec = model_spec(architecture, corpus)
    config = default_config(architecture)

    def train(folder: Path, progress: TrainingProgress) -> None:
        train_and_save(folder, documents if documents is not None else corpus_documents(corpus), config, progress)

    return (cache or ModelCache()).get_or_train(spec, train, load_model, progress)


def trained_on_upload(architecture: str, documents: list[str], progress: TrainingProgress | None = None,
                      cache: ModelCache | None = None) -> TrainedModel:
    """A model trained on an uploaded corpus, cached by the text's checksum."""
    import hashlib

    config = default_config(architecture)
    checksum = hashlib.sha256("\n".join(documents).encode()).hexdigest()[:16]
    spec = ArtifactSpec(f"word2vec-{architecture}-upload", asdict(config), checksum)
    return (cache or ModelCache()).get_or_train(
        spec, lambda folder, p: train_and_save(folder, documents, config, p), load_model, progress)


PRETRAINABLE = [
    Pretrainable(
        name=f"word2vec-{architecture}",
        description=f"word2vec {label} on the english-mix corpus",
        train=lambda progress, a=architecture: pretrained(a, "english-mix", progress),
        is_trained=lambda a=architecture: is_trained(a, "english-mix"),
    )
    for architecture, label in ARCHITECTURES.items()
]
