"""Why the network read a drawing as it did: the saliency of the reading and of a digit the visitor picks, and the
training digits the network places nearest to the drawing. Its controls live in the page's URL."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from components.artifact_store import in_memory, loaded
from components.charts.digit_saliency import saliency_overlay
from components.charts.images import upscaled
from components.url_state import BIND
from models.digits.artifacts import DIGITS_EMBEDDING
from models.digits.explain import PATCH, PATCH_SIZES, TrainingEmbedding, occlusion
from models.digits.model import DigitClassifier, Reading

RUNNER_UP = "runner-up"
LABELS = {"brush": "Brush width", "compare": "Compare with", "patch": "Occlusion patch (pixels)",
          "nearest": "Nearest training digits"}
"""The page's controls bound to its URL: URL name -> label."""
NEIGHBOUR_COLUMNS = 8
SALIENCY_ZOOM = 10
"""Screen pixels per input pixel of a saliency map (280 px wide)."""


@dataclass(frozen=True)
class ExplainSettings:
    compare: str
    """A digit "0" to "9", or the reading's runner-up."""
    patch: int
    nearest: int

    def compared_digit(self, reading: Reading) -> int:
        """The digit to set beside the reading: the one picked, or the runner-up when none is (or the reading is)."""
        runner_up = int(np.argsort(reading.probabilities)[-2])
        return runner_up if self.compare in (RUNNER_UP, str(reading.digit)) else int(self.compare)


def percent(probability: float) -> str:
    return f"{probability:.1%}" if probability >= 0.001 else "under 0.1%"


def explain_settings() -> ExplainSettings:
    """The explanation's controls, in a row, bound to the URL."""
    left, middle, right = st.columns(3)
    compare = left.selectbox(LABELS["compare"], [RUNNER_UP, *map(str, range(10))], key="compare", bind=BIND,
                             help="The digit whose saliency is shown beside the reading's: why this and not that?")
    patch = middle.select_slider(LABELS["patch"], PATCH_SIZES, PATCH, key="patch", bind=BIND,
                                 help="The square blanked at each place. Small patches miss parts of the drawing "
                                      "wider than themselves (blanking half of a stroke leaves a stroke).")
    nearest = right.slider(LABELS["nearest"], 4, 16, 8, key="nearest", bind=BIND)
    return ExplainSettings(compare, patch, nearest)


def embedding_if_ready() -> TrainingEmbedding | None:
    """The training digits' embedding once it is computed, else None: a drawing is read without waiting for it
    (the page asks for it at its end, where its job's progress shows)."""
    ready = in_memory(DIGITS_EMBEDDING) is not None or DIGITS_EMBEDDING.is_trained()
    return loaded(DIGITS_EMBEDDING) if ready else None


def show_saliency(classifier: DigitClassifier, reading: Reading, settings: ExplainSettings) -> None:
    """The occlusion maps of the reading and of the compared digit, side by side, each on its own colour scale."""
    digits = [reading.digit, settings.compared_digit(reading)]
    maps = occlusion(classifier, reading.prepared.image, settings.patch)[digits]
    for column, digit, saliency, role in zip(st.columns(2), digits, maps, ("The reading", "Compared with")):
        scale = float(np.abs(saliency).max())
        column.image(saliency_overlay(reading.prepared.image, saliency, scale, SALIENCY_ZOOM), clamp=True,
                     width=28 * SALIENCY_ZOOM,
                     caption=f"{role}: {digit} (probability {percent(reading.probabilities[digit])}); full colour: "
                             f"log-probability ±{scale:.2f}")
    if settings.compare == str(reading.digit):
        st.caption(f"{reading.digit} is the reading itself, so the runner-up is shown beside it.")
    st.caption(f"Each {settings.patch}×{settings.patch} patch of ink is blanked in turn. **Red**: blanking it makes "
               "the digit less likely, so the ink there speaks for it. **Blue**: blanking it makes the digit more "
               "likely, so the ink there speaks against it. Colours are scaled to each map's strongest pixel (the "
               "fall in log-probability, averaged over the patches covering it: 0.69 halves the probability). The "
               "background is never blanked: what a drawing lacks shows in the strokes around the gap.")


def show_neighbours(classifier: DigitClassifier, reading: Reading, embedding: TrainingEmbedding | None,
                    nearest: int) -> None:
    """The training digits nearest to the drawing in the penultimate layer, with their labels."""
    if embedding is None:
        st.info("The nearest training digits appear once the network's map of its training digits is computed; "
                "its progress is at the end of the page.", icon=":material/hourglass_top:")
        return
    found = embedding.nearest(classifier, reading.prepared.image, nearest)
    st.write(f"**{int((found.labels == reading.digit).sum())} of the {nearest}** training digits the network places "
             f"nearest to your drawing (of {len(embedding.labels):,}, by cosine similarity in its penultimate "
             f"layer) are {reading.digit}s:")
    for start in range(0, nearest, NEIGHBOUR_COLUMNS):
        for column, image, label, similarity in zip(st.columns(NEIGHBOUR_COLUMNS), found.images[start:],
                                                    found.labels[start:], found.similarities[start:]):
            column.image(upscaled(image / 255.0, 3), clamp=True, caption=f"{label} · {similarity:.3f}")
