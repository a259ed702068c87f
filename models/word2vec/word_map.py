"""A map of word vectors: the most frequent words projected to 2-D or 3-D, with kinds and clusters.

The source article's t-SNE figure showed numbers and years forming their own
clusters; :func:`word_kind` labels them so the map can be coloured that way.
A t-SNE or UMAP of a thousand words takes seconds, so maps of the app's models
are kept in the model cache (:func:`saved_projection`), computed as jobs, and the
default map of each is pre-trained with the models.
"""
from __future__ import annotations

import re
from dataclasses import asdict

import numpy as np
import pandas as pd

from core.cache import ModelCache
from core.progress import TrainingProgress
from core.errors import InputError
from models.word2vec.artifacts import map_spec
from models.word2vec.config import MapSettings
from models.word2vec.corpus import UNK
from models.word2vec.vectors import WordVectors
from models.word2vec.model import trained_model
from models.word2vec.projection import coordinates

_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?")
_NUMBER_WORDS = set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion first second third fourth fifth sixth seventh eighth ninth tenth n".split()
)


def word_kind(word: str) -> str:
    """'year' (1500-2099), 'number' (digits, number words, PTB's 'n' for numbers) or 'other'."""
    if _YEAR.fullmatch(word):
        return "year"
    if _NUMBER.fullmatch(word) or word in _NUMBER_WORDS:
        return "number"
    return "other"


def frequent_words(vectors: WordVectors, n: int) -> list[int]:
    """Ids of the ``n`` most frequent words, skipping ``<unk>`` and punctuation-only tokens."""
    ids = [i for i in np.argsort(-vectors.counts, kind="stable")
           if vectors.words[i] != UNK and any(ch.isalnum() for ch in vectors.words[i])]
    return ids[:n]


def project(vectors: WordVectors, n_words: int = 1000, method: str = "t-SNE", dimensions: int = 2,
            perplexity: float = 30.0, iterations: int = 1000, clusters: int = 10, n_neighbors: int = 15,
            min_dist: float = 0.1, metric: str = "cosine", seed: int = 0) -> pd.DataFrame:
    """The ``n_words`` most frequent words placed by t-SNE (PCA initialisation), UMAP or PCA.

    Columns: word, rank (1 = most frequent), kind, cluster (k-means on the unit
    vectors, numbered from 1), x, y and z for 3-D. t-SNE runs on cosine distances;
    UMAP's ``n_neighbors``, ``min_dist`` and ``metric`` are its own settings.
    """
    from sklearn.cluster import KMeans  # here, not at the top: the home page reads this module's training status

    ids = frequent_words(vectors, n_words)
    if len(ids) < max(5, dimensions + 1):
        raise InputError("Too few words to draw a map: train on a longer corpus.")
    placed = coordinates(vectors.vectors[ids], method, dimensions, perplexity=perplexity, iterations=iterations,
                         n_neighbors=n_neighbors, min_dist=min_dist, metric=metric, seed=seed)
    labels = KMeans(n_clusters=min(clusters, len(ids)), n_init=4, random_state=seed).fit_predict(vectors.unit[ids])
    frame = pd.DataFrame({"word": [vectors.words[i] for i in ids], "rank": np.arange(1, len(ids) + 1),
                          "kind": [word_kind(vectors.words[i]) for i in ids], "cluster": (labels + 1).astype(str)})
    for axis, column in zip("xyz", placed.T):
        frame[axis] = column
    return frame


def projected(vectors: WordVectors, settings: MapSettings, progress: TrainingProgress | None = None) -> pd.DataFrame:
    """The map of ``settings`` (see :func:`project`), computed now; a job's progress says what it does."""
    (progress or TrainingProgress()).update(0.0, f"Projecting {settings.n_words:,} words with {settings.method}")
    return project(vectors, **asdict(settings))


def saved_projection(architecture: str, corpus: str, vectors: WordVectors, settings: MapSettings,
                     progress: TrainingProgress | None = None) -> pd.DataFrame:
    """The map of the app's model for (architecture, named corpus), from the model cache or projected and saved."""
    spec = map_spec(architecture, corpus, settings)

    def compute(folder, progress: TrainingProgress) -> None:
        projected(vectors, settings, progress).to_csv(folder / "map.csv", index=False)

    def load(folder) -> pd.DataFrame:
        # keep_default_na=False: words such as "nan", "null" or "n/a" stay words
        return pd.read_csv(folder / "map.csv", keep_default_na=False,
                           dtype={"word": str, "kind": str, "cluster": str})

    return ModelCache().get_or_train(spec, compute, load, progress)


def trained_map(architecture: str, corpus: str, settings: MapSettings,
                progress: TrainingProgress | None = None) -> pd.DataFrame:
    """The map of the app's model for (architecture, named corpus), training the model first if needed."""
    progress = progress or TrainingProgress()
    model = trained_model(architecture, corpus, progress.part(0.0, 0.9, "word2vec"))
    return saved_projection(architecture, corpus, model.vectors, settings, progress.part(0.9, 1.0, "map"))
