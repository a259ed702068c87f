"""Trained word vectors: nearest words, analogies (3CosAdd, 3CosMul), the odd one out, the similarity of two words
with its rank, closest spellings: what gensim's ``KeyedVectors`` offers, on the app's models."""
from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
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
                raise InputError(self.unknown_word(word))
            ids.append(self.index[word])
        return ids

    def unknown_word(self, word: str) -> str:
        """What to tell someone who typed ``word``, which is not in the vocabulary: the closest spellings in it."""
        suggestions = self.closest_spellings(word)
        hint = f" Closest spellings in it: {', '.join(suggestions)}." if suggestions else ""
        return f"'{word}' is not in the vocabulary of this model.{hint}"

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
        return self.most_similar([b, c], [a], k, method)

    def most_similar(self, positive: list[str], negative: list[str] = (), k: int = 5,
                     method: str = "3cosadd") -> pd.DataFrame:
        """The words closest to the ``positive`` words and farthest from the ``negative`` ones (gensim's
        ``most_similar`` for 3CosAdd, ``most_similar_cosmul`` for 3CosMul); the words asked about are excluded."""
        if not positive:
            raise InputError("Type at least one word to add.")
        positive_ids, negative_ids = self.check(*positive), self.check(*negative)
        scores = combination_scores(self.unit, positive_ids, negative_ids, method)
        return self._top(scores, {*positive_ids, *negative_ids}, k)

    def doesnt_match(self, words: list[str]) -> pd.DataFrame:
        """Each word's cosine with the mean of the words' unit vectors, the odd one out (the lowest) first
        (gensim's ``doesnt_match``)."""
        if len(set(words)) < 3:
            raise InputError("Type at least three different words to find the odd one out.")
        ids = self.check(*dict.fromkeys(words))
        mean = self.unit[ids].mean(axis=0)
        mean /= max(float(np.linalg.norm(mean)), 1e-12)
        table = pd.DataFrame({"word": [self.words[i] for i in ids], "score": self.unit[ids] @ mean})
        return table.sort_values("score", kind="stable", ignore_index=True)

    def similarity(self, a: str, b: str) -> "PairSimilarity":
        """The cosine of two words and where each ranks among the other's nearest words."""
        ia, ib = self.check(a, b)
        if ia == ib:
            raise InputError("Type two different words to compare.")
        cosine = float(self.unit[ia] @ self.unit[ib])
        return PairSimilarity(a, b, cosine, self._rank(ia, ib), self._rank(ib, ia))

    def _rank(self, word: int, other: int) -> int:
        """Where ``other`` ranks among ``word``'s nearest words by cosine (1 = nearest; ties favour ``other``)."""
        closeness = self.unit @ self.unit[word]
        closeness[[0, word]] = -np.inf
        return 1 + int(np.sum(closeness > closeness[other]))

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


@dataclass(frozen=True)
class PairSimilarity:
    """How close two words are: their cosine, and each one's rank among the other's nearest words."""

    a: str
    b: str
    cosine: float
    rank_of_b: int
    """1 if ``b`` is the word nearest to ``a``."""
    rank_of_a: int

    def sentence(self) -> str:
        return (f"**{self.b}** is {self.a}'s {ordinal(self.rank_of_b)} nearest word; "
                f"**{self.a}** is {self.b}'s {ordinal(self.rank_of_a)}.")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def word_list(text: str) -> list[str]:
    """The words of a box that takes several (separated by commas or spaces), lower case, each once."""
    return list(dict.fromkeys(word for word in re.split(r"[,\s]+", text.strip().lower()) if word))


COSMUL_EPSILON = 1e-3
"""Levy and Goldberg's (2014) epsilon in 3CosMul's denominator."""


def combination_scores(unit: np.ndarray, positive: list, negative: list, method: str = "3cosadd") -> np.ndarray:
    """Scores of every word for being near the ``positive`` and far from the ``negative`` words (ids, or arrays of
    ids for a batch of questions), for unit vectors.

    3CosAdd: the cosine with the sum of the positive minus the negative unit vectors. 3CosMul (Levy and Goldberg
    2014): the product of the shifted cosines (cos + 1) / 2 with the positive words divided by that with the
    negative words plus epsilon.
    """
    if method == "3cosadd":
        target = sum(unit[i] for i in positive) - sum((unit[i] for i in negative), np.zeros_like(unit[0]))
        target = target / np.maximum(np.linalg.norm(target, axis=-1, keepdims=True), 1e-12)
        return target @ unit.T

    def shifted(i):
        return (unit[i] @ unit.T + 1) / 2
    if method == "3cosmul":
        return np.prod([shifted(i) for i in positive], axis=0) / (
            np.prod([shifted(i) for i in negative], axis=0) + COSMUL_EPSILON)
    raise InputError(f"Unknown analogy method '{method}': choose 3cosadd or 3cosmul.")


def analogy_scores(unit: np.ndarray, a, b, c, method: str = "3cosadd") -> np.ndarray:
    """Scores of every word as d in a : b :: c : d, for unit vectors; ``a, b, c`` ids or arrays of ids.

    3CosAdd: cos(d, b - a + c). 3CosMul (Levy and Goldberg 2014): cos(d,b) cos(d,c) / (cos(d,a) + 0.001)
    with cosines shifted to [0, 1].
    """
    return combination_scores(unit, [b, c], [a], method)
