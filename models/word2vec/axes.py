"""Custom projection axes, as in TensorFlow's Embedding Projector: each axis runs from one word (or the mean of a
list of words) to another, and every word is placed by how far its vector points along each axis."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError
from models.word2vec.vectors import WordVectors


@dataclass(frozen=True)
class Axis:
    """A direction in the vector space: from the mean of the ``start`` words to the mean of the ``end`` words."""

    start: tuple[str, ...]
    end: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{', '.join(self.start)} → {', '.join(self.end)}"

    def direction(self, vectors: WordVectors) -> np.ndarray:
        """The unit vector from the mean of the start words' unit vectors to that of the end words'."""
        if not self.start or not self.end:
            raise InputError("Each axis needs a word (or a list of words) at both ends.")
        start, end = vectors.check(*self.start), vectors.check(*self.end)
        direction = vectors.unit[end].mean(axis=0) - vectors.unit[start].mean(axis=0)
        length = float(np.linalg.norm(direction))
        if length < 1e-6:
            raise InputError(f"The axis {self.label} has no direction: its two ends are the same.")
        return direction / length


def axis_positions(vectors: WordVectors, words: Sequence[str], axes: Sequence[Axis]) -> np.ndarray:
    """Where each word lies along each axis (shape: words × axes): its unit vector's dot product with the axis."""
    directions = np.stack([axis.direction(vectors) for axis in axes], axis=1)
    return vectors.unit[vectors.check(*words)] @ directions


def on_custom_axes(frame: pd.DataFrame, vectors: WordVectors, x_axis: Axis, y_axis: Axis) -> pd.DataFrame:
    """The map's words (``frame``: word, rank, kind, cluster, ...) placed on the two axes: x and y replaced, no z."""
    placed = frame.drop(columns=["x", "y", "z"], errors="ignore").copy()
    positions = axis_positions(vectors, list(frame.word), (x_axis, y_axis))
    placed["x"], placed["y"] = positions[:, 0], positions[:, 1]
    return placed
