"""A visitor's own drawings in one session: each with the network's reading, the digit the visitor says it is, and
how often the network was right."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.digits.model import Reading


@dataclass
class Drawing:
    """One drawing as the network saw and read it."""
    image: np.ndarray
    """(28, 28) in [0, 1]: what the network saw."""
    probabilities: np.ndarray
    verdict: str
    true_digit: int | None = None
    """What the visitor says they drew (None until they say)."""

    @property
    def digit(self) -> int:
        """The network's best guess (also when it was unsure)."""
        return int(self.probabilities.argmax())

    @property
    def right(self) -> bool | None:
        return None if self.true_digit is None else self.digit == self.true_digit


@dataclass
class SessionGallery:
    """The drawings of a session, one per canvas: a canvas's drawing is replaced as strokes are added to it."""
    drawings: dict[int, Drawing] = field(default_factory=dict)

    def keep(self, canvas: int, reading: Reading) -> None:
        """The latest reading of canvas number ``canvas`` (the digit marked for it stays)."""
        marked = self.drawings[canvas].true_digit if canvas in self.drawings else None
        self.drawings[canvas] = Drawing(reading.prepared.image, reading.probabilities, reading.verdict, marked)

    def mark(self, canvas: int, true_digit: int | None) -> None:
        self.drawings[canvas].true_digit = true_digit

    def newest_first(self) -> list[tuple[int, Drawing]]:
        return sorted(self.drawings.items(), reverse=True)

    def score(self) -> tuple[int, int]:
        """(read right, marked): over the drawings whose true digit the visitor gave."""
        marked = [drawing.right for drawing in self.drawings.values() if drawing.right is not None]
        return sum(marked), len(marked)
