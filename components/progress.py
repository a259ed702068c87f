"""Training progress drawn on the page."""
from __future__ import annotations

import streamlit as st

from core.progress import TrainingProgress


class StreamlitProgress(TrainingProgress):
    """A progress bar with the trainer's message (epoch, loss, ...) under a heading."""

    def __init__(self, heading: str):
        self._status = st.status(heading, expanded=True)
        self._bar = self._status.progress(0.0)

    def update(self, fraction: float, message: str = "") -> None:
        self._bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    def done(self, label: str = "Model ready") -> None:
        self._status.update(label=label, state="complete", expanded=False)
