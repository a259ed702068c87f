"""Progress of a long computation, reported to whoever is watching (a page, a terminal, nobody)."""
from __future__ import annotations


class TrainingProgress:
    """Receives progress from training code; the default does nothing.

    Model modules call ``progress.update(fraction, message)``; the app passes a
    subclass that draws a Streamlit progress bar, the pre-train command one
    that prints.
    """

    def update(self, fraction: float, message: str = "") -> None:  # noqa: D401 - protocol method
        pass

    def part(self, start: float, end: float, label: str) -> "TrainingProgress":
        """A progress for one stage of a longer training: its 0..1 is this one's ``start``..``end``."""
        return _ProgressPart(self, start, end, label)


class _ProgressPart(TrainingProgress):
    def __init__(self, whole: TrainingProgress, start: float, end: float, label: str):
        self.whole, self.start, self.end, self.label = whole, start, end, label

    def update(self, fraction: float, message: str = "") -> None:
        self.whole.update(self.start + (self.end - self.start) * fraction, f"{self.label}: {message}")
