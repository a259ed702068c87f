"""What defines a trained word2vec model (architecture, dimensions, window, sampling, epochs) and a word map."""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import InputError
from core.settings import quick_mode

ARCHITECTURES = {"cbow": "CBOW", "skipgram": "Skip-gram"}


@dataclass(frozen=True)
class Word2VecConfig:
    """Everything that defines a trained model (part of the cache key)."""

    architecture: str = "cbow"
    dim: int = 100
    window: int = 5
    negative: int = 5
    loss: str = "negative"
    """"negative" sampling, or "softmax" (full softmax, for small vocabularies)."""
    min_count: int = 5
    sample: float = 1e-3
    epochs: int = 5
    learning_rate: float = 0.025
    max_norm: float | None = None
    batch_size: int = 1024
    seed: int = 1

    def __post_init__(self):
        if self.architecture not in ARCHITECTURES:
            raise InputError(f"Unknown architecture '{self.architecture}': choose {' or '.join(ARCHITECTURES)}.")
        if self.loss not in ("negative", "softmax"):
            raise InputError(f"Unknown loss '{self.loss}': choose 'negative' or 'softmax'.")



QUICK_DOCUMENTS = 800
FULL_EPOCHS = 3


def default_config(architecture: str) -> Word2VecConfig:
    """The configuration the app trains: the paper's settings at dimension 100, 1 epoch in quick mode."""
    return Word2VecConfig(architecture=architecture, epochs=1 if quick_mode() else FULL_EPOCHS)


PROJECTIONS = ("t-SNE", "UMAP", "PCA")
"""How a map places the words: t-SNE and UMAP keep neighbourhoods, PCA keeps the directions of most variance."""
UMAP_METRICS = ("cosine", "euclidean")


@dataclass(frozen=True)
class MapSettings:
    """What a map is drawn with (the page's defaults)."""

    n_words: int = 500
    method: str = "t-SNE"
    dimensions: int = 2
    perplexity: float = 30.0
    iterations: int = 1000
    clusters: int = 10
    n_neighbors: int = 15
    """UMAP: how many neighbours shape each word's neighbourhood (local detail against global layout)."""
    min_dist: float = 0.1
    """UMAP: how tightly words may be packed together on the map."""
    metric: str = "cosine"
    """UMAP: the distance between word vectors."""

    def __post_init__(self):
        if self.method not in PROJECTIONS:
            raise InputError(f"Unknown projection '{self.method}': choose {', '.join(PROJECTIONS)}.")
        if self.dimensions not in (2, 3):
            raise InputError("A map has 2 or 3 dimensions.")
        if self.metric not in UMAP_METRICS:
            raise InputError(f"Unknown metric '{self.metric}': choose {' or '.join(UMAP_METRICS)}.")

    def parameters(self) -> dict:
        """The settings that change this map (its cache key): t-SNE's own for t-SNE, UMAP's for UMAP, neither for
        PCA. A t-SNE map's parameters are the ones maps had before UMAP came, so the maps kept on disk stay valid."""
        shared = {"n_words": self.n_words, "method": self.method, "dimensions": self.dimensions,
                  "clusters": self.clusters}
        if self.method == "t-SNE":
            return {**shared, "perplexity": self.perplexity, "iterations": self.iterations}
        if self.method == "UMAP":
            return {**shared, "n_neighbors": self.n_neighbors, "min_dist": self.min_dist, "metric": self.metric}
        return shared
