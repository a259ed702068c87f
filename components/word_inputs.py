"""The word pages' controls, each bound to the page's URL: the corpus, the map's projection and its settings, the
custom axes, and the words whose neighbours the map lists (typed, or selected by clicking points on the map).

Each chooser returns what it chose and what its controls hold as the URL writes them, for the note on a link's
values the page could not use (:func:`components.url_state.note_link_fallbacks`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from components.url_state import BIND
from data.text import CORPORA, DEFAULT_CORPUS
from models.word2vec.axes import Axis
from models.word2vec.config import ARCHITECTURES, PROJECTIONS, UMAP_METRICS, MapSettings
from models.word2vec.neighbours import METRICS
from models.word2vec.vectors import WordVectors, word_list

CUSTOM_AXES = "Custom axes"
COLOURS = {"word kind": "kind", "k-means cluster": "cluster"}
MAX_SELECTED = 12
"""Words selected on the map at once (a lasso over a crowd keeps the first ones): their neighbours stay readable."""
WORDS_CHARS = 80
"""The longest a box of typed words may be (it goes into the page's URL)."""
LABELS = {"model": "Model", "corpus": "Corpus", "n": "Most frequent words", "projection": "Projection",
          "dims": "Dimensions", "perplexity": "Perplexity", "iterations": "Iterations", "neighbors": "UMAP neighbours",
          "min_dist": "UMAP minimum distance", "umap_metric": "UMAP metric", "x_from": "x axis from",
          "x_to": "x axis to", "y_from": "y axis from", "y_to": "y axis to", "colour": "Colour by",
          "clusters": "k-means clusters", "find": "Find a word", "words": "Selected words", "k": "Neighbours",
          "metric": "Neighbour metric"}
"""What each URL parameter of the word pages is called on the page."""


def choose_architecture(place: Any = st) -> tuple[str, dict]:
    label = place.radio("Model", list(ARCHITECTURES.values()), horizontal=True, key="model", bind=BIND)
    return next(name for name, shown in ARCHITECTURES.items() if shown == label), {"model": label}


def choose_corpus(label: str, extra: Sequence[str] = (), place: Any = st) -> tuple[str, dict]:
    """A named corpus (or one of the ``extra`` options, such as an upload), its description under it."""
    corpus = place.selectbox(label, [*CORPORA, *extra], index=list(CORPORA).index(DEFAULT_CORPUS), key="corpus",
                             bind=BIND)
    if corpus in CORPORA:
        place.caption(CORPORA[corpus])
    return corpus, {"corpus": corpus}


@dataclass(frozen=True)
class MapView:
    """How the map is drawn: the projection's settings, the custom axes (None for t-SNE, UMAP and PCA) and what
    colours the points."""

    settings: MapSettings
    axes: tuple[Axis, Axis] | None
    colour: str
    """A column of the map: kind or cluster."""

    @property
    def method(self) -> str:
        return CUSTOM_AXES if self.axes else self.settings.method


def choose_map(available: int) -> tuple[MapView, dict]:
    """The map's controls: how many words, the projection (t-SNE, UMAP, PCA or custom axes) with its settings,
    2-D or 3-D, the colouring. ``available``: the words of the vocabulary."""
    held: dict[str, Any] = {}
    c1, c2, c3 = st.columns(3)
    if available > 100:
        n_words = held["n"] = c1.slider("Most frequent words", 100, min(3000, available), min(500, available),
                                        step=100, key="n", bind=BIND)
    else:
        n_words = available
        c1.caption(f"All {available} words of the vocabulary")
    method = held["projection"] = c2.radio("Projection", [*PROJECTIONS, CUSTOM_AXES], horizontal=True,
                                           key="projection", bind=BIND)
    dims = held["dims"] = c3.radio("Dimensions", ["2-D", "3-D"], horizontal=True, key="dims", bind=BIND,
                                   disabled=method == CUSTOM_AXES, help="Custom axes are drawn in 2-D.")
    c1, c2, c3 = st.columns(3)
    own: dict[str, Any] = {}  # the projection's own settings
    if method == "t-SNE":
        held["perplexity"] = c1.slider("Perplexity", 5, 50, 30, key="perplexity", bind=BIND,
                                       help="Roughly how many neighbours each word tries to keep close.")
        own["perplexity"] = float(held["perplexity"])  # as the pre-trained default map's key has it
        own["iterations"] = held["iterations"] = c2.slider("Iterations", 250, 2000, 1000, step=250,
                                                           key="iterations", bind=BIND)
    elif method == "UMAP":
        own["n_neighbors"] = held["neighbors"] = c1.slider(
            "Neighbours (n_neighbors)", 2, 100, 15, key="neighbors", bind=BIND,
            help="Small: local detail; large: the global layout.")
        own["min_dist"] = held["min_dist"] = c2.slider("Minimum distance (min_dist)", 0.0, 0.99, 0.1, step=0.01,
                                                       key="min_dist", bind=BIND, help="How tightly words may pack.")
        own["metric"] = held["umap_metric"] = c3.radio("Metric", UMAP_METRICS, horizontal=True, key="umap_metric",
                                                       bind=BIND, help="Euclidean counts the vectors' lengths too.")
    axes = None
    if method == CUSTOM_AXES:  # the words, kinds and clusters of a PCA map, placed anew on the axes
        axes, held_axes = choose_axes()
        held |= held_axes
    c1, c2 = st.columns(2)
    colour = held["colour"] = c1.radio("Colour by", list(COLOURS), horizontal=True, key="colour", bind=BIND)
    clusters = held["clusters"] = c2.slider("k-means clusters", 2, 20, 10, key="clusters", bind=BIND)
    settings = MapSettings(n_words, "PCA" if axes else method, 2 if axes else int(dims[0]), clusters=clusters, **own)
    return MapView(settings, axes, COLOURS[colour]), held


def choose_axes() -> tuple[tuple[Axis, Axis], dict]:
    """Two axes, each from a word (or the mean of several) to another, as TensorFlow's Embedding Projector draws."""
    st.caption("Each axis runs from one word to another; several words, separated by commas, stand for their mean. "
               "A word's position on an axis is how far its vector points that way.")
    held = {}
    boxes = (("x_from", "x axis: from", "man"), ("x_to", "x axis: to", "woman"), ("y_from", "y axis: from", "bad"),
             ("y_to", "y axis: to", "good"))
    for column, (key, label, default) in zip(st.columns(4), boxes):
        held[key] = column.text_input(label, default, max_chars=WORDS_CHARS, key=key, bind=BIND)
    x_axis = Axis(tuple(word_list(held["x_from"])), tuple(word_list(held["x_to"])))
    y_axis = Axis(tuple(word_list(held["y_from"])), tuple(word_list(held["y_to"])))
    return (x_axis, y_axis), held


@dataclass(frozen=True)
class Focus:
    """The words whose nearest neighbours the map lists and highlights, how many, and by which metric."""

    words: list[str]
    k: int
    metric: str


def select_on_map(chart_key: str):
    """The map's selection callback: the clicked, boxed or lassoed words become the selected words."""
    def selected() -> None:
        points = st.session_state[chart_key].selection.points
        words = selected_words(points)
        if words:
            st.session_state["words"] = words
    return selected


def selected_words(points: list[dict]) -> list[str]:
    """The words of a map selection's points (each point carries its word as custom data), each once, at most
    :data:`MAX_SELECTED`."""
    words = [point["customdata"][0] for point in points if point.get("customdata")]
    return list(dict.fromkeys(words))[:MAX_SELECTED]


def choose_focus(frame: pd.DataFrame, vectors: WordVectors) -> tuple[Focus, dict]:
    """The words to list neighbours of (typed, or selected on the map: ``frame``'s words), k and the metric.

    A typed word that is not in the vocabulary is named, with the closest spellings, and left out."""
    left, right = st.columns(2)
    found = left.text_input("Find a word (it and its nearest neighbours are highlighted)", max_chars=WORDS_CHARS,
                            key="find", bind=BIND, help="Several words: separate them with commas.")
    selected = right.multiselect("Selected on the map", list(frame.word), key="words", bind=BIND,
                                 max_selections=MAX_SELECTED,
                                 placeholder="Click, box or lasso points on the map",
                                 help="Click a point, or drag a box or lasso (the chart's toolbar) around several.")
    left, right = st.columns(2)
    k = left.slider("Neighbours of each word", 1, 30, 10, key="k", bind=BIND)
    metric = right.radio("Neighbour metric", list(METRICS), horizontal=True, key="metric", bind=BIND,
                         help="Cosine compares directions; euclidean compares the vectors, lengths included.")
    words = list(dict.fromkeys([*word_list(found), *selected]))
    for word in words:
        if word not in vectors:
            left.warning(vectors.unknown_word(word))
    return Focus([word for word in words if word in vectors], k, metric), {"find": found, "words": selected, "k": k,
                                                                          "metric": metric}
