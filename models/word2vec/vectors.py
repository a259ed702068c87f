"""Trained word vectors: nearest words, analogies (3CosAdd, 3CosMul), closest spellings."""
from __future__ import annotations

import difflib
import hashlib
import json
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError
from models.word2vec.corpus import UNK


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

    @cached_property
    def digest(self) -> str:
        """A checksum of the words and their vectors, for keying results computed from them."""
        return hashlib.sha256(self.vectors.tobytes() + "\n".join(self.words).encode()).hexdigest()[:16]

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


