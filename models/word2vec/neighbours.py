"""The nearest neighbours of words among a set of candidates (the words on a map), by cosine or euclidean distance,
as TensorFlow's Embedding Projector lists them for a selected point."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.errors import InputError
from models.word2vec.vectors import WordVectors

METRICS = {"cosine": "cosine similarity", "euclidean": "euclidean distance"}
"""Each metric and the column its values go in (cosine: higher is nearer; euclidean: lower is nearer)."""


def nearest_among(vectors: WordVectors, word: str, candidates: Sequence[int], k: int = 10,
                  metric: str = "cosine") -> pd.DataFrame:
    """The ``k`` candidates (word ids) nearest to ``word``, nearest first; the word itself and ``<unk>`` excluded.

    Cosine compares the unit vectors; euclidean the vectors as trained (their lengths count). Columns: neighbour
    and the metric's column of :data:`METRICS`.
    """
    if metric not in METRICS:
        raise InputError(f"Unknown metric '{metric}': choose {' or '.join(METRICS)}.")
    if k < 1:
        raise InputError("Ask for at least one neighbour.")
    (i,) = vectors.check(word)
    ids = np.array([c for c in dict.fromkeys(candidates) if c not in (i, 0)], dtype=np.int64)
    if metric == "cosine":
        values = vectors.unit[ids] @ vectors.unit[i]
        order = np.argsort(-values, kind="stable")
    else:
        values = np.linalg.norm(vectors.vectors[ids] - vectors.vectors[i], axis=1)
        order = np.argsort(values, kind="stable")
    best = order[:k]
    return pd.DataFrame({"neighbour": [vectors.words[j] for j in ids[best]],
                         METRICS[metric]: values[best].astype(np.float64)})


def neighbour_table(vectors: WordVectors, words: Sequence[str], candidates: Sequence[str], k: int = 10,
                    metric: str = "cosine") -> pd.DataFrame:
    """For each of ``words``, its ``k`` nearest among the ``candidates``: word, rank (1 = nearest), neighbour and
    the metric's column."""
    candidate_ids = [vectors.index[w] for w in candidates if w in vectors]
    parts = []
    for word in words:
        nearest = nearest_among(vectors, word, candidate_ids, k, metric)
        parts.append(nearest.assign(word=word, rank=np.arange(1, len(nearest) + 1)))
    columns = ["word", "rank", "neighbour", METRICS[metric]]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
