"""Saliency drawn over what the network saw: red where the ink speaks for a digit, blue where it speaks against it.

Returned as RGB pixel arrays for ``st.image``, like the other digit views: cheaper than a figure on every stroke.
"""
from __future__ import annotations

import numpy as np

from components.charts.images import upscaled

FOR = np.array([0.93, 0.16, 0.12], dtype=np.float32)
AGAINST = np.array([0.13, 0.45, 1.0], dtype=np.float32)
DIGIT_BRIGHTNESS = 0.6
"""The digit is drawn dimmed, in grey, under the colours."""


def saliency_overlay(image: np.ndarray, saliency: np.ndarray, scale: float, factor: int = 6) -> np.ndarray:
    """(28 * factor, 28 * factor, 3) RGB in [0, 1]: the (28, 28) image in grey, coloured by ``saliency``, full colour
    at ``scale`` (the same for maps that are compared) and beyond."""
    strength = np.clip(saliency / max(scale, 1e-9), -1.0, 1.0)[..., None]
    grey = np.repeat(np.clip(image, 0.0, 1.0)[..., None] * DIGIT_BRIGHTNESS, 3, axis=-1)
    colour = np.where(strength >= 0, FOR, AGAINST)
    opacity = 0.85 * np.abs(strength) ** 0.7
    blended = grey * (1 - opacity) + colour * opacity
    return np.stack([upscaled(blended[..., channel], factor) for channel in range(3)], axis=-1)
