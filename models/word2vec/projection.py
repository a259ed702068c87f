"""Word vectors placed in 2-D or 3-D: t-SNE, UMAP or PCA, each deterministic for a seed.

The libraries are imported inside the functions: the home page reads the word map's training status
without them, and UMAP's first import compiles with numba for several seconds (it runs in a job worker).
"""
from __future__ import annotations

import numpy as np

from core.errors import InputError
from models.word2vec.config import PROJECTIONS


def pca_coordinates(unit: np.ndarray, dimensions: int = 2, seed: int = 0) -> np.ndarray:
    from sklearn.decomposition import PCA

    return PCA(n_components=dimensions, random_state=seed).fit_transform(unit)


def tsne_coordinates(unit: np.ndarray, dimensions: int = 2, perplexity: float = 30.0, iterations: int = 1000,
                     seed: int = 0) -> np.ndarray:
    """t-SNE on cosine distances with a PCA start; the perplexity is capped at a third of the words."""
    from sklearn.manifold import TSNE

    perplexity = min(perplexity, (len(unit) - 1) / 3)
    return TSNE(n_components=dimensions, perplexity=perplexity, max_iter=max(250, iterations), init="pca",
                metric="cosine", random_state=seed).fit_transform(unit)


def umap_coordinates(vectors: np.ndarray, dimensions: int = 2, n_neighbors: int = 15, min_dist: float = 0.1,
                     metric: str = "cosine", seed: int = 0) -> np.ndarray:
    """UMAP (McInnes et al. 2018, ``umap-learn``); ``n_neighbors`` is capped below the number of words.

    A seed makes it deterministic (and single-threaded, which a one-thread job worker is anyway).
    """
    if len(vectors) <= dimensions + 1:
        raise InputError(f"UMAP needs more than {dimensions + 1} words.")
    if not 0.0 <= min_dist <= 1.0:
        raise InputError("UMAP's minimum distance is between 0 and 1.")
    import warnings

    with warnings.catch_warnings():  # "n_jobs overridden by setting random_state": what a seed means
        warnings.simplefilter("ignore", UserWarning)
        from umap import UMAP

        reducer = UMAP(n_components=dimensions, n_neighbors=max(2, min(n_neighbors, len(vectors) - 1)),
                       min_dist=min_dist, metric=metric, random_state=seed)
        return reducer.fit_transform(np.asarray(vectors, dtype=np.float32))


def coordinates(vectors: np.ndarray, method: str, dimensions: int = 2, *, perplexity: float = 30.0,
                iterations: int = 1000, n_neighbors: int = 15, min_dist: float = 0.1, metric: str = "cosine",
                seed: int = 0) -> np.ndarray:
    """Word vectors (one per row) placed by ``method``: an array of shape (words, dimensions).

    PCA and t-SNE see the unit vectors (t-SNE with cosine distances); UMAP sees the vectors as they are, so that
    its euclidean metric differs from its cosine one.
    """
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    if method == "PCA":
        return pca_coordinates(unit, dimensions, seed)
    if method == "t-SNE":
        return tsne_coordinates(unit, dimensions, perplexity, iterations, seed)
    if method == "UMAP":
        return umap_coordinates(vectors, dimensions, n_neighbors, min_dist, metric, seed)
    raise InputError(f"Unknown projection '{method}': choose {', '.join(PROJECTIONS)}.")
