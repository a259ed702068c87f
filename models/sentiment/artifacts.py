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
DESIGNS = {
    "classic": "Embedding (10,000 words × 32) → LSTM (100 units) → Dense (1, sigmoid); reviews cut to their last "
               "500 words; Adam, batches of 64: the well-known Keras tutorial.",
    "best": "Embedding: word2vec Skip-gram vectors (100 dimensions) trained on the training reviews' own text and kept "
            "fixed, so the network cannot learn film-specific words; a bidirectional LSTM (64 units each way) that "
            "skips padding, its outputs max- and mean-pooled over the review; dropout 0.4; 30,000-word vocabulary, "
            "first 600 words; Adam on batches of reviews of similar length.",
    "baseline": "TF-IDF of words and word pairs (sublinear term frequency, up to 200,000 terms) and a logistic "
                "regression whose regularisation C was chosen on the validation split.",
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
                settings["word_vector_epochs"] = 1
    return settings


def spec(name: str) -> ArtifactSpec:
    return ArtifactSpec(f"sentiment-{name}", config(name), dataset_checksum("imdb"))


SENTIMENT_MODELS = {
    name: Artifact(name=f"sentiment-{name}", description=f"IMDB sentiment: {TITLES[name]}",
                   spec=lambda name=name: spec(name), build="models.sentiment.model:trained_model", arguments=(name,),
                   data=("imdb",))
    for name in MODEL_NAMES
}
