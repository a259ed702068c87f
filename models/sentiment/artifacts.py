"""The sentiment models' artifacts: their names, designs, configurations, cache keys and declarations.

Light: importing this module imports neither TensorFlow nor scikit-learn.
"""
from __future__ import annotations

from typing import Any

from core.artifacts import Artifact
from core.cache import ArtifactSpec
from core.settings import quick_mode
from data.locate import dataset_checksum

MODEL_NAMES = ("classic", "best", "baseline")
TITLES = {
    "classic": "Classic LSTM (Embedding 32 → LSTM 100)",
    "best": "Best: masked bidirectional LSTM on word2vec vectors of the reviews",
    "baseline": "Baseline: TF-IDF 1-2 grams + logistic regression",
}
SEED = 7
VALIDATION_SIZE = 2_500
FULL_SETTINGS = {
    "classic": {
        "kind": "lstm", "vocab_size": 10_000, "max_length": 500, "truncating": "end", "embedding": 32,
        "units": 100, "bidirectional": False, "mask": False, "pooling": False, "dropout": 0.0,
        "batch_size": 64, "max_epochs": 10, "patience": 2, "time_budget_s": 1800,
    },
    "best": {
        "kind": "lstm", "vocab_size": 30_000, "max_length": 600, "truncating": "start", "embedding": 100,
        "word_vectors": "skipgram", "word_vector_epochs": 3, "train_embedding": False, "units": 64,
        "bidirectional": True, "mask": True, "pooling": True, "dropout": 0.4, "batch_size": 64, "max_epochs": 12,
        "patience": 3, "halve_learning_rate_after": 1, "time_budget_s": 1140,
    },
    "baseline": {"kind": "tfidf", "ngram_range": [1, 2], "min_df": 2, "max_features": 200_000,
                 "c_grid": [1.0, 4.0, 16.0]},
}
_QUICK = {"train_size": 2_000, "test_size": 1_000, "validation_size": 400}
_QUICK_LSTM = {"vocab_size": 3_000, "max_length": 100, "max_epochs": 3, "units": 16, "embedding": 16}
_QUICK_WORD_VECTORS = {"train_size": 4_000, "word_vector_epochs": 5, "embedding": 32}
"""Fixed word vectors from 1,600 reviews and one epoch carry no sentiment: the quick best model then read 50–56% of
the test reviews right and some runs called every review negative; with these it reads 65–69%, in about 14 s."""


def config(name: str) -> dict[str, Any]:
    """The training configuration of model ``name``; small and fast in quick mode (tests, CI)."""
    if name not in MODEL_NAMES:
        raise ValueError(f"unknown sentiment model {name!r}; choose one of {MODEL_NAMES}")
    settings = dict(FULL_SETTINGS[name], train_size=None, test_size=None, validation_size=VALIDATION_SIZE, seed=SEED)
    if quick_mode():
        settings.update(_QUICK)
        if settings["kind"] == "lstm":
            settings.update(_QUICK_LSTM)
            if settings.get("word_vectors"):
                settings.update(_QUICK_WORD_VECTORS)
    return settings


def design(name: str) -> str:
    """How model ``name`` is built, its sizes read from the configuration in use (:func:`config`)."""
    s = config(name)
    if name == "classic":
        return (f"Embedding ({s['vocab_size']:,} words × {s['embedding']}) → LSTM ({s['units']} units) → "
                f"Dense (1, sigmoid); reviews cut to their {'first' if s['truncating'] == 'start' else 'last'} "
                f"{s['max_length']} words; Adam, batches of {s['batch_size']}: the well-known Keras tutorial.")
    if name == "best":
        return (f"Embedding: word2vec Skip-gram vectors ({s['embedding']} dimensions) trained on the training reviews' "
                f"own text and kept fixed, so the network cannot learn film-specific words; a bidirectional LSTM "
                f"({s['units']} units each way) that skips padding, its outputs max- and mean-pooled over the "
                f"review; dropout {s['dropout']:g}; {s['vocab_size']:,}-word vocabulary, first {s['max_length']} "
                f"words; Adam on batches of reviews of similar length.")
    return (f"TF-IDF of words and word pairs (sublinear term frequency, up to {s['max_features']:,} terms) and a "
            f"logistic regression whose regularisation C was chosen on the validation split.")


def spec(name: str) -> ArtifactSpec:
    return ArtifactSpec(f"sentiment-{name}", config(name), dataset_checksum("imdb"))


TRAINING_SECONDS = {"best": 1120.0, "classic": 677.0, "baseline": 74.0}
"""Measured on a training worker of the default cluster (``bench/warm_start.py``), but the best model's, which is
issue 17's two-thread figure (that run was stopped before it ended): what a page states before training, and the
warm-start order."""

SENTIMENT_MODELS = {
    name: Artifact(name=f"sentiment-{name}", description=f"IMDB sentiment: {TITLES[name]}",
                   spec=lambda name=name: spec(name), build="models.sentiment.model:trained_model", arguments=(name,),
                   data=("imdb",), estimate=TRAINING_SECONDS[name], warm_up="models.sentiment.explain:warm_up")
    for name in MODEL_NAMES
}
