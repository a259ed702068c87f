"""Collaborative filtering on MovieLens with scikit-surprise: compare, tune, recommend, explain.

Ratings come in as a tidy frame (``user``, ``item``, ``rating``) and reach
Surprise through ``Dataset.load_from_df``. Model comparison uses Surprise's
``cross_validate`` (RMSE, MAE, fit/test time) and a train/test split scored
for ranking (precision@k, recall@k); tuning uses ``GridSearchCV``.
:class:`Recommender` wraps one fitted algorithm for a person: their top-N
unseen movies, similar movies, one explained prediction, and cold start
(a new user's ratings are folded into the data and the model is refitted).

Fitted models are never saved: Surprise models only persist through pickle, and
an SVD on ml-latest-small refits in seconds. The slow evaluations (cross-validation,
grid searches) are kept as JSON in the model cache, keyed by their configuration
and the data's checksum.
"""
from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from surprise import (SVD, BaselineOnly, Dataset, KNNBaseline, KNNBasic, KNNWithMeans, NormalPredictor, Reader,
                      SVDpp, accuracy)
from surprise.model_selection import GridSearchCV, KFold, cross_validate, train_test_split

from data.movielens import load_movielens_small
from core.cache import ArtifactSpec, ModelCache
from core.progress import TrainingProgress
from core.errors import InputError
from models.recommender.artifacts import ALGORITHM_NAMES, default_comparison_spec, evaluation_setup

ALGORITHMS = dict(zip(ALGORITHM_NAMES, (SVD, SVDpp, KNNBasic, KNNWithMeans, KNNBaseline, BaselineOnly, NormalPredictor)))
FACTOR_MODELS = ("SVD", "SVD++")
KNN_MODELS = ("KNNBasic", "KNNWithMeans", "KNNBaseline")
SIMILARITIES = ("msd", "cosine", "pearson", "pearson_baseline")
MAX_ITEM_BASED_ITEMS = 2500
"""Item-based k-NN keeps an items x items similarity matrix (several, while computing it); above this many
movies only the most-rated ones are kept so it fits in memory (ml-latest-small has 9,724 rated movies)."""
SVD_GRID = {"n_factors": [50, 100], "n_epochs": [20, 30], "lr_all": [0.005, 0.01], "reg_all": [0.02, 0.1]}
KNN_GRID = {"k": [20, 40], "similarity": ["msd", "pearson_baseline"], "user_based": [True, False]}
GRID_MEASURES = ("RMSE", "RMSE std", "MAE", "fit time (s)")
"""The columns of a grid search's table that are measured; the others are the parameters."""


# ---------------------------------------------------------------- building blocks

def to_dataset(ratings: pd.DataFrame) -> Dataset:
    """A Surprise Dataset from a ratings frame; the rating scale is the frame's own min..max."""
    reader = Reader(rating_scale=(float(ratings["rating"].min()), float(ratings["rating"].max())))
    return Dataset.load_from_df(ratings[["user", "item", "rating"]], reader)


def make_algorithm(name: str, k: int = 40, similarity: str = "msd", user_based: bool = True, **params):
    """A Surprise algorithm by name; k-NN options as flat ``k``/``similarity``/``user_based``, the rest as Surprise's.

    Random algorithms get ``random_state=0`` so a page and the bench see the same numbers; chatter is off.
    """
    if name not in ALGORITHMS:
        raise InputError(f"Unknown algorithm {name!r}; choose one of {', '.join(ALGORITHMS)}.")
    if name in KNN_MODELS:
        if similarity not in SIMILARITIES:
            raise InputError(f"Unknown similarity {similarity!r}; choose one of {', '.join(SIMILARITIES)}.")
        return ALGORITHMS[name](k=int(k), sim_options={"name": similarity, "user_based": bool(user_based)},
                                verbose=False, **params)
    if name == "SVD++":  # caching each user's ratings makes it faster, with identical results
        return SVDpp(random_state=0, cache_ratings=True, **params)
    if name == "SVD":
        return SVD(random_state=0, **params)
    if name == "BaselineOnly":
        return BaselineOnly(verbose=False, **params)
    return NormalPredictor()


def most_rated_items(ratings: pd.DataFrame, max_items: int = MAX_ITEM_BASED_ITEMS) -> pd.DataFrame:
    """The ratings of the ``max_items`` most-rated movies (all ratings when there are no more movies than that)."""
    counts = ratings["item"].value_counts()
    if len(counts) <= max_items:
        return ratings
    return ratings[ratings["item"].isin(counts.index[:max_items])]


def first_users(ratings: pd.DataFrame, n_users: int) -> pd.DataFrame:
    """The ratings of the ``n_users`` lowest user ids: a small, reproducible subset for quick runs."""
    keep = np.sort(ratings["user"].unique())[:n_users]
    return ratings[ratings["user"].isin(keep)].reset_index(drop=True)


def predictions_frame(predictions) -> pd.DataFrame:
    """Surprise predictions as a frame: user, item, rating (true), estimate."""
    return pd.DataFrame([(p.uid, p.iid, p.r_ui, p.est) for p in predictions],
                        columns=["user", "item", "rating", "estimate"])


def precision_recall_at_k(predictions: pd.DataFrame, k: int = 10, threshold: float = 4.0) -> tuple[float, float]:
    """Mean precision@k and recall@k over users, from held-out ratings and their estimates.

    For each user, the held-out movies are ranked by estimate and the top ``k`` are "recommended"; a movie is
    relevant when its true rating is >= ``threshold``. precision@k = relevant among the top k / number in the
    top k (fewer than k when the user has fewer test ratings), averaged over users with test ratings;
    recall@k = relevant among the top k / all relevant, averaged over users with at least one relevant movie.
    """
    if k < 1:
        raise InputError("k must be at least 1.")
    ranked = predictions.sort_values(["user", "estimate", "item"], ascending=[True, False, True], kind="mergesort")
    ranked = ranked.assign(top=ranked.groupby("user").cumcount() < k, relevant=ranked["rating"] >= threshold)
    per_user = ranked.assign(hit=ranked["top"] & ranked["relevant"]).groupby("user")[["hit", "top", "relevant"]].sum()
    precision = (per_user["hit"] / per_user["top"]).mean()
    with_relevant = per_user[per_user["relevant"] > 0]
    recall = (with_relevant["hit"] / with_relevant["relevant"]).mean() if len(with_relevant) else float("nan")
    return float(precision), float(recall)


# ---------------------------------------------------------------- comparing and tuning

def cross_validate_algorithms(ratings: pd.DataFrame, names: list[str], folds: int = 5, seed: int = 0,
                              progress: TrainingProgress | None = None) -> pd.DataFrame:
    """Surprise's ``cross_validate`` per algorithm (default parameters) on the same ``folds`` folds.

    One row per algorithm: mean and std of RMSE and MAE over folds, total fit and test time, wall time (s).
    """
    progress = progress or TrainingProgress()
    data, splits = to_dataset(ratings), KFold(n_splits=folds, random_state=seed)
    rows = []
    for index, name in enumerate(names):
        progress.update(index / len(names), f"{folds}-fold cross-validation of {name} ({index + 1}/{len(names)})")
        np.random.seed(seed)  # NormalPredictor draws from numpy's global generator
        started = time.perf_counter()
        scores = cross_validate(make_algorithm(name), data, ["rmse", "mae"], cv=splits)
        rows.append({"algorithm": name, "RMSE": np.mean(scores["test_rmse"]), "RMSE std": np.std(scores["test_rmse"]),
                     "MAE": np.mean(scores["test_mae"]), "MAE std": np.std(scores["test_mae"]),
                     "fit time (s)": float(np.sum(scores["fit_time"])),
                     "test time (s)": float(np.sum(scores["test_time"])),
                     "wall time (s)": time.perf_counter() - started})
    progress.update(1.0, "Cross-validation done")
    return pd.DataFrame(rows)


def split_evaluation(ratings: pd.DataFrame, names: list[str], test_size: float = 0.2, k: int = 10,
                     threshold: float = 4.0, seed: int = 0, progress: TrainingProgress | None = None) -> pd.DataFrame:
    """Fit each algorithm on one random train split and score the held-out ratings: RMSE, MAE, precision@k, recall@k."""
    progress = progress or TrainingProgress()
    train, test = train_test_split(to_dataset(ratings), test_size=test_size, random_state=seed)
    rows = []
    for index, name in enumerate(names):
        progress.update(index / len(names), f"Train/test evaluation of {name} ({index + 1}/{len(names)})")
        np.random.seed(seed)
        predictions = make_algorithm(name).fit(train).test(test)
        precision, recall = precision_recall_at_k(predictions_frame(predictions), k, threshold)
        rows.append({"algorithm": name, "RMSE": accuracy.rmse(predictions, verbose=False),
                     "MAE": accuracy.mae(predictions, verbose=False),
                     f"precision@{k}": precision, f"recall@{k}": recall})
    progress.update(1.0, "Train/test evaluation done")
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class GridResult:
    table: pd.DataFrame
    """One row per parameter combination, best (lowest mean RMSE) first."""
    best_params: dict
    best_rmse: float
    best_mae: float
    n_items: int
    """Movies in the data searched (fewer than in the data set when item-based k-NN forced a cut)."""


def _surprise_grid(algorithm: str, grid: dict) -> dict:
    """Our flat grid as Surprise's ``param_grid`` (k-NN similarity options nest under ``sim_options``)."""
    if algorithm == "SVD++":
        return {**grid, "random_state": [0], "cache_ratings": [True]}
    if algorithm == "SVD":
        return {**grid, "random_state": [0]}
    if algorithm in KNN_MODELS:
        rest = {key: value for key, value in grid.items() if key not in ("similarity", "user_based")}
        sim = {"name": grid.get("similarity", ["msd"]), "user_based": grid.get("user_based", [True])}
        return {**rest, "sim_options": sim, "verbose": [False]}
    raise InputError(f"Grid search is offered for SVD, SVD++ and k-NN, not {algorithm}.")


def _flat_params(params: dict) -> dict:
    """Surprise's parameters back as our flat names, without the fixed ones."""
    flat = {key: value for key, value in params.items() if key not in ("random_state", "cache_ratings", "verbose", "sim_options")}
    if "sim_options" in params:
        flat["similarity"] = params["sim_options"]["name"]
        flat["user_based"] = params["sim_options"]["user_based"]
    return flat


def grid_search(ratings: pd.DataFrame, algorithm: str, grid: dict, folds: int = 3, seed: int = 0,
                progress: TrainingProgress | None = None) -> GridResult:
    """``GridSearchCV`` over ``grid`` (flat names, lists of values) on ``folds`` folds, ranked by RMSE.

    The grid is run one value of its first parameter at a time (same folds each time) so progress can be
    shown between the slices. With item-based k-NN in the grid, only the most-rated movies are used.
    """
    progress = progress or TrainingProgress()
    if any(not values for values in grid.values()):
        raise InputError("Give at least one value for every parameter of the grid.")
    if grid.get("user_based", [True]) != [True]:
        ratings = most_rated_items(ratings)
    data, splits = to_dataset(ratings), KFold(n_splits=folds, random_state=seed)
    first, *_ = grid
    tables = []
    for index, value in enumerate(grid[first]):
        progress.update(index / len(grid[first]), f"Grid search: {first} = {value} ({index + 1}/{len(grid[first])})")
        search = GridSearchCV(ALGORITHMS[algorithm], _surprise_grid(algorithm, {**grid, first: [value]}),
                              measures=["rmse", "mae"], cv=splits)
        search.fit(data)
        results = search.cv_results
        tables.append(pd.DataFrame([_flat_params(p) for p in results["params"]]).assign(
            RMSE=results["mean_test_rmse"], **{"RMSE std": results["std_test_rmse"]}, MAE=results["mean_test_mae"],
            **{"fit time (s)": results["mean_fit_time"]}))
    progress.update(1.0, "Grid search done")
    table = pd.concat(tables, ignore_index=True).sort_values("RMSE", kind="mergesort").reset_index(drop=True)
    parameters = [column for column in table if column not in GRID_MEASURES]
    best = table.iloc[0]
    return GridResult(table, {key: _plain(best[key]) for key in parameters}, float(best["RMSE"]),
                      float(best["MAE"]), int(ratings["item"].nunique()))


def _plain(value):
    """numpy scalars as Python ones (for display and as keyword arguments)."""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------- one model, for one person

@dataclass(frozen=True)
class Explanation:
    estimate: float
    summary: str
    """How the estimate was formed, in words."""
    parts: pd.DataFrame
    """The terms of the estimate (baseline + factors) or the neighbours used."""
    note: str = ""
    """A caveat (fewer neighbours than k, prediction impossible, ...), empty when there is none."""


class Recommender:
    """One Surprise algorithm fitted on every rating; top-N, similar movies and explained predictions.

    ``Recommender("KNNBaseline", k=40, similarity="pearson_baseline", user_based=False).fit(ratings, movies)``.
    Item-based k-NN is fitted on the most-rated movies only (see ``MAX_ITEM_BASED_ITEMS``).
    """

    def __init__(self, algorithm: str = "SVD", **params):
        self.algorithm = algorithm
        self.params = params

    @property
    def item_based(self) -> bool:
        return self.algorithm in KNN_MODELS and not self.params.get("user_based", True)

    def fit(self, ratings: pd.DataFrame, movies: pd.DataFrame) -> "Recommender":
        self.ratings_ = most_rated_items(ratings) if self.item_based else ratings
        self.movies_ = movies.set_index("item")[["title", "genres"]]
        self.trainset_ = to_dataset(self.ratings_).build_full_trainset()
        np.random.seed(0)
        self.algo_ = make_algorithm(self.algorithm, **self.params).fit(self.trainset_)
        self.counts_ = self.ratings_["item"].value_counts()
        return self

    # -- lookups
    def _inner_user(self, user) -> int:
        try:
            return self.trainset_.to_inner_uid(user)
        except ValueError:
            users = self.ratings_["user"]
            raise InputError(f"User {user} is not in the data: user ids run from {users.min()} to {users.max()} "
                             f"({users.nunique():,} users).") from None

    def _inner_item(self, item) -> int:
        try:
            return self.trainset_.to_inner_iid(item)
        except ValueError:
            known = "" if item not in self.movies_.index else f" ({self.movies_.at[item, 'title']} has no ratings here)"
            raise InputError(f"Movie id {item} is not among the rated movies{known}. Pick another movie id; "
                             f"e.g. {self.counts_.index[0]} = {self.title(self.counts_.index[0])}.") from None

    def find(self, query: str) -> int:
        """A movie id from what a person typed: an id, or words of a title (the most-rated match wins)."""
        text = str(query).strip()
        if not text:
            raise InputError("Type a movie id or a few words of its title.")
        if text.isdigit():
            self._inner_item(int(text))
            return int(text)
        rated = self.movies_[self.movies_.index.isin(self.counts_.index)]
        matches = rated.index[rated["title"].str.contains(text, case=False, regex=False)]
        if not len(matches):
            raise InputError(f"No rated movie has {text!r} in its title; try fewer words or a movie id.")
        return int(self.counts_[matches].idxmax())

    def title(self, item) -> str:
        return str(self.movies_.at[item, "title"]) if item in self.movies_.index else f"movie {item}"

    def _describe(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Add title (first), genres and number of ratings (last) to a frame with an ``item`` column."""
        described = frame.join(self.movies_, on="item").assign(ratings=lambda f: f["item"].map(self.counts_))
        return described[["item", "title"] + [c for c in frame if c != "item"] + ["genres", "ratings"]]

    # -- a user
    def rated(self, user) -> pd.DataFrame:
        """The user's own ratings, best first, with titles and genres."""
        inner = self._inner_user(user)
        own = pd.DataFrame([(self.trainset_.to_raw_iid(i), r) for i, r in self.trainset_.ur[inner]],
                           columns=["item", "rating"])
        return self._describe(own.sort_values(["rating", "item"], ascending=[False, True]).reset_index(drop=True))

    def rating_of(self, user, item) -> float | None:
        """The user's own rating of ``item``, None when they have not rated it."""
        own = self.rated(user).set_index("item")["rating"]
        return float(own[item]) if item in own.index else None

    def recommend(self, user, n: int = 10, min_ratings: int = 1) -> pd.DataFrame:
        """The ``n`` unseen movies with the highest predicted rating (only movies rated by >= ``min_ratings`` people)."""
        inner = self._inner_user(user)
        seen = {i for i, _ in self.trainset_.ur[inner]}
        unseen = [self.trainset_.to_raw_iid(i) for i in self.trainset_.all_items() if i not in seen]
        if not unseen:
            raise InputError(f"User {user} has rated every movie in the data: there is nothing left to recommend.")
        candidates = [item for item in unseen if self.counts_[item] >= min_ratings]
        if not candidates:
            raise InputError(f"No unseen movie has at least {min_ratings} ratings; lower the minimum.")
        # Ranked on unclipped estimates: many strong candidates would otherwise tie at the top of the scale.
        raw = np.array([self.algo_.predict(user, item, clip=False).est for item in candidates])
        low, high = self.trainset_.rating_scale
        top = pd.DataFrame({"item": candidates, "predicted rating": np.clip(raw, low, high), "score": raw})
        top = top.sort_values(["score", "item"], ascending=[False, True], kind="mergesort").head(n)
        return self._describe(top.drop(columns="score").reset_index(drop=True))

    def predict(self, user, item) -> float:
        self._inner_user(user), self._inner_item(item)
        return float(self.algo_.predict(user, item).est)

    # -- similar movies
    def similar_items(self, item, n: int = 10, min_ratings: int = 1) -> pd.DataFrame:
        """Movies most similar to ``item``: the item-based k-NN similarity, or the cosine of SVD item factors."""
        inner = self._inner_item(item)
        if self.algorithm in FACTOR_MODELS:
            factors = self.algo_.qi
            norms = np.linalg.norm(factors, axis=1) * np.linalg.norm(factors[inner]) + 1e-12
            similarity = factors @ factors[inner] / norms
        elif self.item_based:
            similarity = np.asarray(self.algo_.sim[inner], dtype=float)
        else:
            raise InputError("Similar movies come from SVD / SVD++ item factors or an item-based k-NN model: "
                             "pick one of those (k-NN with 'item-based').")
        frame = pd.DataFrame({"item": [self.trainset_.to_raw_iid(i) for i in range(len(similarity))],
                              "similarity": similarity})
        frame = frame[(frame["item"] != item) & (frame["item"].map(self.counts_) >= min_ratings)]
        top = frame.sort_values(["similarity", "item"], ascending=[False, True], kind="mergesort").head(n)
        return self._describe(top.reset_index(drop=True))

    # -- explaining one prediction
    def explain(self, user, item) -> Explanation:
        """How the rating of ``item`` by ``user`` is predicted: baseline + factor terms, or the neighbours used."""
        u, i = self._inner_user(user), self._inner_item(item)
        prediction = self.algo_.predict(user, item)
        if prediction.details.get("was_impossible"):
            return Explanation(prediction.est, "The algorithm could not predict this rating, so it fell back to "
                               f"the mean of all ratings ({self.trainset_.global_mean:.2f}).", pd.DataFrame(),
                               f"Reason: {prediction.details.get('reason')}")
        if self.algorithm in FACTOR_MODELS:
            return self._explain_factors(u, i, prediction.est)
        if self.algorithm in KNN_MODELS:
            return self._explain_neighbours(u, i, prediction)
        if self.algorithm == "BaselineOnly":
            return self._explain_baseline(u, i, prediction.est)
        return Explanation(prediction.est, "NormalPredictor ignores who and what: it draws a random rating from a "
                           "normal distribution fitted to all ratings. It is the floor every model must beat.",
                           pd.DataFrame())

    def _baseline_parts(self, u: int, i: int, bu: np.ndarray, bi: np.ndarray) -> list[tuple[str, float]]:
        return [("global mean μ", self.trainset_.global_mean),
                ("user bias b_u (this user rates higher/lower than average)", float(bu[u])),
                ("movie bias b_i (this movie is rated higher/lower than average)", float(bi[i]))]

    def _explain_baseline(self, u: int, i: int, estimate: float) -> Explanation:
        parts = self._baseline_parts(u, i, self.algo_.bu, self.algo_.bi)
        return Explanation(estimate, "Baseline estimate: global mean + user bias + movie bias (clipped to the scale).",
                           pd.DataFrame(parts, columns=["term", "value"]))

    def _explain_factors(self, u: int, i: int, estimate: float) -> Explanation:
        algo = self.algo_
        user_vector = algo.pu[u].copy()
        if self.algorithm == "SVD++":  # implicit feedback: the factors of every movie the user rated
            rated = [j for j, _ in self.trainset_.ur[u]]
            user_vector += algo.yj[rated].sum(axis=0) / np.sqrt(len(rated))
        contributions = algo.qi[i] * user_vector
        strongest = np.argsort(-np.abs(contributions))[:3]
        parts = self._baseline_parts(u, i, algo.bu, algo.bi) + [
            ("factor interaction q_i·p_u (taste match)", float(contributions.sum()))] + [
            (f"  of which factor {f}", float(contributions[f])) for f in strongest]
        implicit = " (p_u includes the implicit factors of the movies the user rated)" if self.algorithm == "SVD++" else ""
        return Explanation(estimate, f"Estimate = μ + b_u + b_i + q_i·p_u{implicit}, clipped to the rating scale. "
                           "The interaction is how well this movie's latent factors match the user's.",
                           pd.DataFrame(parts, columns=["term", "value"]))

    def _explain_neighbours(self, u: int, i: int, prediction) -> Explanation:
        algo, trainset = self.algo_, self.trainset_
        k = int(self.params.get("k", 40))
        x, neighbours = (u, trainset.ir[i]) if not self.item_based else (i, trainset.ur[u])
        scored = sorted(((float(algo.sim[x, other]), other, r) for other, r in neighbours), reverse=True)[:k]
        def label(other: int) -> str:  # Surprise counts a rating the user already gave, so x itself can appear
            if self.item_based:
                return self.title(trainset.to_raw_iid(other)) + (" (this movie)" if other == x else "")
            return f"user {trainset.to_raw_uid(other)}" + (" (this user)" if other == x else "")

        rows = [{"neighbour": label(other), "similarity": sim,
                 "their rating" if not self.item_based else "user's rating": r, "used": sim > 0}
                for sim, other, r in scored]
        kind = "users who rated this movie" if not self.item_based else "movies this user rated"
        centred = {"KNNBasic": "", "KNNWithMeans": " around each neighbour's mean rating",
                   "KNNBaseline": " around each neighbour's baseline (μ + b_u + b_i)"}[self.algorithm]
        summary = (f"Similarity-weighted average of the ratings of the {k} most similar {kind}{centred}; "
                   f"{prediction.details.get('actual_k', 0)} neighbour(s) with positive similarity were used.")
        note = ""
        if len(neighbours) < k:
            note = (f"k = {k} but only {len(neighbours)} {kind} exist, so every one of them was a neighbour "
                    f"(the prediction rests on {len(neighbours)}, not {k}).")
        return Explanation(prediction.est, summary, pd.DataFrame(rows), note)


# ---------------------------------------------------------------- cold start

def fold_in(ratings: pd.DataFrame, new_ratings: dict) -> tuple[pd.DataFrame, int]:
    """The ratings with a new user's ratings appended (``{movie id: rating}``), and the new user's id."""
    if not new_ratings:
        raise InputError("Rate at least one movie to get recommendations.")
    low, high = ratings["rating"].min(), ratings["rating"].max()
    known = set(ratings["item"].unique())
    for item, rating in new_ratings.items():
        if item not in known:
            raise InputError(f"Movie id {item} has no ratings in this data set; pick movies from the list.")
        if not low <= rating <= high:
            raise InputError(f"Ratings run from {low:g} to {high:g}; {rating:g} is outside that.")
    new_user = int(ratings["user"].max()) + 1
    added = pd.DataFrame({"user": new_user, "item": list(new_ratings), "rating": [float(r) for r in new_ratings.values()],
                          "timestamp": int(time.time())})
    return pd.concat([ratings, added], ignore_index=True), new_user


def cold_start(ratings: pd.DataFrame, movies: pd.DataFrame, new_ratings: dict, algorithm: str = "SVD",
               n: int = 10, min_ratings: int = 1, **params) -> tuple[Recommender, int, pd.DataFrame]:
    """Recommendations for someone new: fold their ratings in and refit the model on everything (exact, a few s)."""
    folded, new_user = fold_in(ratings, new_ratings)
    model = Recommender(algorithm, **params).fit(folded, movies)
    return model, new_user, model.recommend(new_user, n, min_ratings)


def cold_start_job(ratings: pd.DataFrame, movies: pd.DataFrame, new_ratings: dict, algorithm: str, n: int,
                   min_ratings: int, params: dict, progress: TrainingProgress | None = None) -> pd.DataFrame:
    """:func:`cold_start` as a job: only the newcomer's top ``n`` is sent back, not the refitted model."""
    return cold_start(ratings, movies, new_ratings, algorithm, n, min_ratings, **params)[2]


def grid_size(grid: dict) -> int:
    """How many parameter combinations a grid has."""
    return math.prod(len(values) for values in grid.values())


# ---------------------------------------------------------------- slow results, kept as JSON

def _stored(spec: ArtifactSpec, compute: Callable[[TrainingProgress], dict], progress: TrainingProgress | None,
            cache: ModelCache | None) -> dict:
    """``compute(progress)`` once, saved as results.json in the model cache; read back afterwards."""
    def train(folder: Path, progress: TrainingProgress) -> None:
        (folder / "results.json").write_text(json.dumps(compute(progress)))

    def load(folder: Path) -> dict:
        return json.loads((folder / "results.json").read_text())

    return (cache or ModelCache()).get_or_train(spec, train, load, progress)


def _frame(text: str) -> pd.DataFrame:
    return pd.read_json(io.StringIO(text), orient="split")


def stored_comparison(ratings: pd.DataFrame, spec: ArtifactSpec, progress: TrainingProgress | None = None,
                      cache: ModelCache | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``cross_validate_algorithms`` and ``split_evaluation`` as configured in ``spec``, computed once."""
    config = spec.config

    def compute(progress: TrainingProgress) -> dict:
        cv = cross_validate_algorithms(ratings, config["names"], config["folds"], progress=progress)
        split = split_evaluation(ratings, config["names"], k=config["k"], threshold=config["threshold"],
                                 progress=progress)
        return {"cv": cv.to_json(orient="split"), "split": split.to_json(orient="split")}

    results = _stored(spec, compute, progress, cache)
    return _frame(results["cv"]), _frame(results["split"])


def stored_grid_search(ratings: pd.DataFrame, spec: ArtifactSpec, progress: TrainingProgress | None = None,
                       cache: ModelCache | None = None) -> GridResult:
    """``grid_search`` as configured in ``spec``, computed once."""
    config = spec.config

    def compute(progress: TrainingProgress) -> dict:
        result = grid_search(ratings, config["algorithm"], config["grid"], config["folds"], progress=progress)
        return {"table": result.table.to_json(orient="split"), "best_params": result.best_params,
                "best_rmse": result.best_rmse, "best_mae": result.best_mae, "n_items": result.n_items}

    results = _stored(spec, compute, progress, cache)
    return GridResult(_frame(results.pop("table")), **results)


# ---------------------------------------------------------------- the default comparison, pre-trainable

def default_comparison(progress: TrainingProgress | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison the page shows first (see :func:`models.recommender.artifacts.default_comparison_spec`)."""
    users, _ = evaluation_setup()
    ratings = load_movielens_small().ratings
    return stored_comparison(first_users(ratings, users) if users else ratings, default_comparison_spec(), progress)
