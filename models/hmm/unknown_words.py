"""Guessing the tag of a word never seen in training from its last letters and its shape, as TnT does.

Brants (2000), TnT: the tag distribution of rare training words (at most ``max_word_frequency`` occurrences,
the words most like unseen ones) is counted for every suffix of up to ``max_suffix_length`` letters, and an
unseen word's distribution is built by *successive abstraction*: from the shape's distribution, each longer
suffix the training words share refines the estimate, P(t | l_i..l_n) = (P^(t | l_i..l_n) + θ P(t | l_{i+1}..l_n))
/ (1 + θ), with θ the standard deviation of the rare words' tag probabilities. TnT keeps separate counts for
capitalised and lower-case words; here every shape (lower-case, capitalised, number, symbol, web address) has its own.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

SHAPES = ("lower", "capitalised", "number", "symbol", "web")
_WEB = re.compile(r"(^https?:|^www\.|@.+\.|\.(com|org|net|edu|gov)\b)", re.IGNORECASE)


def shape(word: str) -> str:
    """Which family of words ``word`` belongs to, for the unknown-word model."""
    if _WEB.search(word):
        return "web"
    if any(character.isdigit() for character in word):
        return "number"
    if not any(character.isalnum() for character in word):
        return "symbol"
    return "capitalised" if word[0].isupper() else "lower"


class SuffixGuesser:
    """P(tag | an unseen word) from the suffixes and shapes of rare training words."""

    def __init__(self, max_suffix_length: int = 4, max_word_frequency: int = 5):
        self.max_suffix_length = max_suffix_length
        self.max_word_frequency = max_word_frequency

    def fit(self, words: Sequence[str], tag_ids: Sequence[int], tags: int) -> "SuffixGuesser":
        """Count the tags of rare words' tokens (``tag_ids[i]`` is the tag of ``words[i]``) per shape and suffix."""
        frequency = Counter(words)
        counts: dict[str, np.ndarray] = {}
        for word, tag in zip(words, tag_ids):
            if frequency[word] <= self.max_word_frequency:
                for key in self._keys(word):
                    counts.setdefault(key, np.zeros(tags, dtype=np.int64))[tag] += 1
        self.keys_ = {key: row for row, key in enumerate(counts)}
        self.counts_ = np.array(list(counts.values()), dtype=np.int64).reshape(len(counts), tags)
        rare = np.bincount([t for w, t in zip(words, tag_ids) if frequency[w] <= self.max_word_frequency],
                           minlength=tags).astype(float)
        self.prior_ = rare / rare.sum()
        self.theta_ = float(np.std(self.prior_, ddof=1))
        return self

    def _keys(self, word: str) -> list[str]:
        """The word's shape, then its shape with each of its suffixes, shortest first."""
        family, lower = shape(word), word.lower()
        return [family] + [f"{family}|{lower[-length:]}" for length in range(1, min(len(lower), self.max_suffix_length) + 1)]

    def tag_probabilities(self, word: str) -> np.ndarray:
        """P(t | word) for an unseen ``word``: the shape's distribution refined by each known suffix in turn."""
        probabilities = self.prior_
        for key in self._keys(word):
            row = self.keys_.get(key)
            if row is None:
                break  # a longer suffix is unknown too
            counts = self.counts_[row]
            probabilities = (counts / counts.sum() + self.theta_ * probabilities) / (1.0 + self.theta_)
        return probabilities

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"guesser_keys": np.array(list(self.keys_), dtype=str), "guesser_counts": self.counts_,
                "guesser_prior": self.prior_, "guesser_theta": np.array(self.theta_)}

    @classmethod
    def from_arrays(cls, arrays, max_suffix_length: int, max_word_frequency: int) -> "SuffixGuesser":
        guesser = cls(max_suffix_length, max_word_frequency)
        guesser.keys_ = {str(key): row for row, key in enumerate(arrays["guesser_keys"])}
        guesser.counts_ = arrays["guesser_counts"]
        guesser.prior_ = arrays["guesser_prior"]
        guesser.theta_ = float(arrays["guesser_theta"])
        return guesser
