"""Scoring taggers on a treebank split: accuracy on all words and on unseen ones, per tag, the confusion matrix;
and the many-to-one accuracy of unsupervised states."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from data.treebank import UPOS_TAGS, Sentence


@dataclass(frozen=True)
class Scores:
    accuracy: float
    unknown_accuracy: float
    unknown_share: float
    tokens_per_second: float
    per_tag: dict[str, float]
    confusion: list[list[int]]
    """``[true][predicted]`` counts over :data:`UPOS_TAGS`."""

    def to_json(self) -> dict:
        return self.__dict__.copy()


def score(tag: Callable[[Sequence[str]], list[str]], known: Callable[[Sequence[str]], np.ndarray],
          sentences: Sequence[Sentence]) -> Scores:
    """Tag every sentence with ``tag`` (timed) and compare with the gold tags; ``known`` marks seen words."""
    began = time.perf_counter()
    predicted = [tag(sentence.words) for sentence in sentences]
    seconds = time.perf_counter() - began
    index = {t: i for i, t in enumerate(UPOS_TAGS)}
    gold = np.array([index[t] for s in sentences for t in s.tags])
    guess = np.array([index[t] for p in predicted for t in p])
    seen = np.concatenate([known(s.words) for s in sentences])
    right = gold == guess
    confusion = np.zeros((len(UPOS_TAGS), len(UPOS_TAGS)), dtype=int)
    np.add.at(confusion, (gold, guess), 1)
    per_tag = {tag: float(confusion[i, i] / confusion[i].sum()) for i, tag in enumerate(UPOS_TAGS) if confusion[i].sum()}
    return Scores(float(right.mean()), float(right[~seen].mean()) if (~seen).any() else float("nan"),
                  float((~seen).mean()), len(gold) / seconds, per_tag, confusion.tolist())


def many_to_one(states: np.ndarray, gold: np.ndarray, n_states: int, n_tags: int) -> tuple[float, np.ndarray]:
    """Map each state to the gold tag it most often stands on; (the accuracy of that mapping, the mapping)."""
    counts = np.zeros((n_states, n_tags), dtype=np.int64)
    np.add.at(counts, (states, gold), 1)
    mapping = counts.argmax(axis=1)
    return float(counts.max(axis=1).sum() / len(gold)), mapping
