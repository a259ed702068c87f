"""What a fit, a comparison or a grid search of the recommender will cost, estimated before anything runs.

The page's sliders multiply: latent factors × epochs for SVD and SVD++, the grid's
combinations × its folds for a search, the algorithms × (folds + 1) for a comparison.
Each estimate is the work the algorithm does, in seconds measured on one core of the
2-core Xeon the app is measured on (MovieLens ml-latest-small, 100,836 ratings, idle machine):

- SVD: one epoch visits every rating once, ``factors`` multiply-adds each plus a fixed part:
  0.40 s (10 factors, 5 epochs), 3.25 s (100, 20), 5.35 s (200, 20), 20.4 s (100, 100), 30.0 s (200, 100).
- SVD++: each rating also sums the implicit factors of every movie its user rated, so an epoch costs
  Σ_u (ratings of u)² × factors (6.1·10⁷ × factors on ml-latest-small): 6.6 s (2 factors, 5 epochs),
  21.1 s (10, 5), 65.2 s (20, 5).
- k-NN: the similarity matrix, one term per pair of ratings sharing a movie (user-based) or a user
  (item-based, on the most-rated movies): msd 0.43 s and pearson_baseline 1.47 s over users,
  7.8 s and 11.1 s over movies.
"""
from __future__ import annotations

import pandas as pd

from core.errors import InputError
from core.jobs import FIT, duration
from models.recommender.model import KNN_MODELS, most_rated_items

FIT_BUDGET_SECONDS = FIT.time_limit / 3
"""Estimated seconds a fit, comparison or grid search may take: a third of a fit job's time limit (15 min), so a
job still ends in time when the two cores are shared (two fit workers, a training and the server: measured
fits run up to twice as slow under such load) and the estimate is off by half again."""
SVD_SECONDS_PER_STEP = 12e-9
"""SVD: seconds per rating × epoch × (factors + ``SVD_FIXED_FACTORS``), fitted to the timings above (rounded up)."""
SVD_FIXED_FACTORS = 55
"""SVD's per-rating work that does not grow with the factors (biases, the error), in factor-equivalents."""
SVDPP_SECONDS_PER_STEP = 10e-9
"""SVD++: seconds per Σ_u (ratings of u)² × epoch × (factors + 2), fitted to the timings above (rounded up)."""
KNN_SECONDS_PER_PAIR = 3.5e-7
"""k-NN: seconds per pair of ratings compared while building the similarity matrix (pearson_baseline, the costliest
similarity: 2.5e-7 over users, 3.3e-7 over movies, rounded up)."""
FLAT_SECONDS = 2.0
"""BaselineOnly (10 rounds over the ratings) and NormalPredictor: a couple of seconds at most on these data sets."""


def _pairs(ratings: pd.DataFrame, by: str) -> float:
    """Σ (ratings per ``by`` value)²: the pairs of ratings that share a user (``by="user"``) or a movie."""
    return float((ratings[by].value_counts().astype(float) ** 2).sum())


def fit_seconds(ratings: pd.DataFrame, algorithm: str, params: dict) -> float:
    """The estimated seconds of one fit of ``algorithm`` with ``params`` (the page's flat names) on ``ratings``."""
    if algorithm == "SVD":
        return (len(ratings) * params.get("n_epochs", 20) * (params.get("n_factors", 100) + SVD_FIXED_FACTORS)
                * SVD_SECONDS_PER_STEP)
    if algorithm == "SVD++":
        return (_pairs(ratings, "user") * params.get("n_epochs", 20) * (params.get("n_factors", 20) + 2)
                * SVDPP_SECONDS_PER_STEP)
    if algorithm in KNN_MODELS:
        if params.get("user_based", True):
            return _pairs(ratings, "item") * KNN_SECONDS_PER_PAIR
        return _pairs(most_rated_items(ratings), "user") * KNN_SECONDS_PER_PAIR
    return FLAT_SECONDS


def comparison_seconds(ratings: pd.DataFrame, names: list[str], folds: int) -> float:
    """A comparison: each algorithm (Surprise's defaults) fitted on every fold and on one train/test split."""
    return sum(fit_seconds(ratings, name, {}) for name in names) * (folds + 1)


def grid_seconds(ratings: pd.DataFrame, algorithm: str, grid: dict, folds: int) -> float:
    """A grid search: every combination of the grid's values fitted on every fold."""
    combinations = [{}]
    for parameter, values in grid.items():
        combinations = [{**combination, parameter: value} for combination in combinations for value in values]
    return sum(fit_seconds(ratings, algorithm, combination) for combination in combinations) * folds


def within_budget(seconds: float, what: str, advice: str) -> None:
    """InputError naming the estimate and the budget when ``seconds`` is over :data:`FIT_BUDGET_SECONDS`."""
    if seconds > FIT_BUDGET_SECONDS:
        raise InputError(f"{what} would take about {duration(seconds)} (estimated from its size); the limit is "
                         f"{duration(FIT_BUDGET_SECONDS)}, so that a fit ends well within a job's time limit of "
                         f"{duration(FIT.time_limit)}. {advice}")
