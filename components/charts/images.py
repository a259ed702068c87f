"""Image-model views: small grey images and feature maps blown up for display, and a class-probabilities bar.

Images are returned as pixel arrays for ``st.image``: cheaper than a figure on every stroke of a drawing.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from models.digits.model import tile_maps

FEATURE_MAP_PIXELS = 112


def upscaled(image: np.ndarray, factor: int) -> np.ndarray:
    """A small grey image (0-1) blown up with square pixels, so what a model saw is shown as it is."""
    return np.kron(np.clip(image, 0.0, 1.0), np.ones((factor, factor), dtype=np.float32))


def feature_maps(activation: np.ndarray) -> np.ndarray:
    """A layer's first 16 feature maps (height × width × channels) side by side, each about 112 pixels wide."""
    return upscaled(tile_maps(activation), FEATURE_MAP_PIXELS // activation.shape[0])


def digit_probabilities(probabilities: np.ndarray) -> go.Figure:
    """The probability of each digit 0-9 as bars (graph_objects, not express: half the cost on every stroke)."""
    figure = go.Figure(go.Bar(x=[str(d) for d in range(10)], y=probabilities))
    figure.update_layout(height=260, margin={"t": 10, "b": 10}, xaxis={"type": "category", "title": "digit"},
                         yaxis={"range": [0, 1], "title": "probability"})
    return figure
