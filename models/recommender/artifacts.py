"""The recommender's slow results kept in the model cache: their cache keys and the pre-trainable comparison.

Light: importing this module does not import Surprise.
"""
from __future__ import annotations

from core.artifacts import Artifact
from core.cache import ArtifactSpec
from core.settings import quick_mode
from data.locate import dataset_checksum

ALGORITHM_NAMES = ("SVD", "SVD++", "KNNBasic", "KNNWithMeans", "KNNBaseline", "BaselineOnly", "NormalPredictor")
QUICK_USERS = 100
"""Quick mode (tests, CI) evaluates on the first 100 users' ratings only."""
DEFAULT_COMPARED = [name for name in ALGORITHM_NAMES if name != "SVD++"]  # SVD++ alone takes minutes
DEFAULT_K, DEFAULT_THRESHOLD = 10, 4.0


def comparison_spec(data_checksum: str, users: int | None, names: list[str], folds: int, k: int,
                    threshold: float) -> ArtifactSpec:
    """What identifies a comparison run (``users``: the quick-mode subset size, None for all users)."""
    return ArtifactSpec("recommender-comparison", {"users": users, "names": list(names), "folds": folds, "k": k,
                                                   "threshold": threshold}, data_checksum)


def grid_spec(data_checksum: str, users: int | None, algorithm: str, grid: dict, folds: int) -> ArtifactSpec:
    """What identifies a grid search run."""
    return ArtifactSpec("recommender-grid", {"users": users, "algorithm": algorithm,
                                             "grid": {p: list(v) for p, v in grid.items()}, "folds": folds},
                        data_checksum)


def evaluation_setup() -> tuple[int | None, int]:
    """(users kept, CV folds): every user and 5 folds, or ``QUICK_USERS`` users and 3 folds in quick mode."""
    return (QUICK_USERS, 3) if quick_mode() else (None, 5)


def default_comparison_spec() -> ArtifactSpec:
    """The comparison the page shows first: ml-latest-small, ``DEFAULT_COMPARED``, precision@10 at 4 stars."""
    users, folds = evaluation_setup()
    return comparison_spec(dataset_checksum("movielens-small"), users, DEFAULT_COMPARED, folds, DEFAULT_K,
                           DEFAULT_THRESHOLD)


DEFAULT_COMPARISON = Artifact(
    name="recommender-comparison",
    description="MovieLens ml-latest-small: 5-fold CV and precision/recall@10 of six Surprise algorithms "
                "(about a minute on a fit worker)",
    spec=default_comparison_spec,
    build="models.recommender.model:default_comparison",
    data=("movielens-small",),
    estimate=60.0,
)
