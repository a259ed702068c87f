"""Bagging, boosting and stacking on wine quality, compared honestly on held-out wines.

The quality score (0-10) is binned into classes (low <= 5, medium 6, high >= 7 by
default) and encoded as 0..k-1. A stratified split with a fixed seed keeps a test
set aside; every model is chosen and cross-validated on the training part only.

- Bagging: a random forest (deep trees voting in parallel: lowers variance), its
  hyperparameters tuned by a randomized search with stratified k-fold CV.
- Boosting: histogram gradient boosting and AdaBoost over shallow trees (weak
  learners in sequence, each focusing on what the previous ones got wrong).
- Stacking: a logistic regression that learns from the three models' out-of-fold
  class probabilities.

Usage: ``WineEnsembles(EnsembleConfig(...)).fit(frame, progress)`` then
``comparison()``, ``reports_``, ``importances_`` and ``predict_wine(measurements)``.
"""
from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import randint
from sklearn.base import clone
from sklearn.ensemble import (
    AdaBoostClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    StackingClassifier,
)
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold, cross_val_score, train_test_split
from sklearn.tree import DecisionTreeClassifier

from data.wine import MEASUREMENTS
from core.progress import TrainingProgress
from core.errors import InputError

SEED = 42
N_JOBS = 2
MAX_BINS = 5
BIN_NAMES = {
    2: ("low", "high"),
    3: ("low", "medium", "high"),
    4: ("low", "medium", "good", "excellent"),
    5: ("poor", "low", "medium", "good", "excellent"),
}
MODELS = {
    "random_forest": ("Random forest", "bagging"),
    "hist_gradient_boosting": ("Histogram gradient boosting", "boosting"),
    "adaboost": ("AdaBoost", "boosting"),
    "stacking": ("Stacking (logistic regression)", "stacking"),
}
"""Model key -> (display name, ensemble family), in the order they are fitted and shown."""
SEARCHED_PARAMETERS = ("n_estimators", "max_depth", "max_features", "min_samples_split", "min_samples_leaf", "bootstrap")


# ---------------------------------------------------------------- the target: quality bins


def parse_edges(text: str) -> tuple[int, ...]:
    """Bin edges typed as "5, 6" -> (5, 6); a clear InputError for anything else."""
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    if not parts:
        raise InputError("Type at least one bin edge, e.g. '5, 6' for low <= 5, medium 6, high >= 7.")
    try:
        edges = tuple(int(part) for part in parts)
    except ValueError:
        raise InputError(f"Bin edges must be whole quality scores separated by commas (e.g. '5, 6'), not '{text}'.") from None
    return QualityBins(edges).edges


@dataclass(frozen=True)
class QualityBins:
    """Quality scores cut into ordered classes.

    ``edges`` are the highest score of every bin but the last: (5, 6) makes
    low (<= 5), medium (6) and high (>= 7).
    """

    edges: tuple[int, ...] = (5, 6)

    def __post_init__(self):
        edges = tuple(self.edges)
        if not 1 <= len(edges) <= MAX_BINS - 1:
            raise InputError(f"Give between 1 and {MAX_BINS - 1} bin edges (2 to {MAX_BINS} classes), not {len(edges)}.")
        if any(not 0 <= e <= 9 for e in edges):
            raise InputError("Bin edges must be quality scores between 0 and 9 (the scale runs 0-10).")
        if any(b <= a for a, b in zip(edges, edges[1:])):
            raise InputError(f"Bin edges must increase strictly, e.g. '5, 6'; got {', '.join(map(str, edges))}.")
        object.__setattr__(self, "edges", edges)

    @property
    def labels(self) -> tuple[str, ...]:
        """Readable class names with their score ranges, e.g. 'low (<= 5)', 'medium (6)', 'high (>= 7)'."""
        names = BIN_NAMES[len(self.edges) + 1]
        ranges = [f"<= {self.edges[0]}"]
        for low, high in zip(self.edges, self.edges[1:]):
            ranges.append(str(high) if low + 1 == high else f"{low + 1}-{high}")
        ranges.append(f">= {self.edges[-1] + 1}")
        return tuple(f"{name} ({span})" for name, span in zip(names, ranges))

    def codes(self, quality) -> np.ndarray:
        """The class code (0 = lowest bin) of each quality score."""
        return np.searchsorted(np.asarray(self.edges), np.asarray(quality), side="left")

    def counts(self, quality) -> pd.Series:
        """How many wines fall in each bin (empty bins included)."""
        counts = np.bincount(self.codes(quality), minlength=len(self.labels))
        return pd.Series(counts, index=list(self.labels), name="wines")

    def encode(self, quality) -> np.ndarray:
        """Class codes, refusing bins that no wine falls in (a class nothing can be learnt for)."""
        counts = self.counts(quality)
        empty = counts.index[counts == 0].tolist()
        if empty:
            scores = np.asarray(quality)
            raise InputError(
                f"No wine falls in the bin{'s' if len(empty) > 1 else ''} {', '.join(empty)} "
                f"(quality here runs {scores.min()}-{scores.max()}). Move or remove a bin edge so every bin holds wines."
            )
        return self.codes(quality)


# ---------------------------------------------------------------- data preparation


def features(frame: pd.DataFrame) -> pd.DataFrame:
    """The 11 measurements, plus ``is_red`` (1/0) when red and white wines are mixed."""
    X = frame[list(MEASUREMENTS)].astype(float)
    if "colour" in frame:
        X = X.assign(is_red=(frame["colour"].astype(str) == "red").astype(float).to_numpy())
    return X


def stratified_subset(codes: np.ndarray, size: int, minimum: int, seed: int = SEED) -> np.ndarray:
    """Row indices of a class-proportional sample of about ``size`` rows, keeping >= ``minimum`` of each class.

    Quick runs train on a subset; rare classes keep enough rows to be split and cross-validated.
    """
    rng = np.random.default_rng(seed)
    share = size / len(codes)
    chosen = []
    for code in np.unique(codes):
        members = np.flatnonzero(codes == code)
        take = min(len(members), max(minimum, round(share * len(members))))
        chosen.append(rng.choice(members, size=take, replace=False))
    return np.sort(np.concatenate(chosen))


def check_bin_sizes(codes: np.ndarray, labels: tuple[str, ...], needed: int, where: str) -> None:
    """Every class needs ``needed`` wines in ``where`` (to be split, or cross-validated); say which bin is short."""
    counts = np.bincount(codes, minlength=len(labels))
    for label, count in zip(labels, counts):
        if count < needed:
            raise InputError(
                f"The bin {label} has only {count} wine(s) {where}; at least {needed} are needed. "
                f"Widen that bin (move a bin edge) or use fewer cross-validation folds."
            )


# ---------------------------------------------------------------- the models


@dataclass(frozen=True)
class EnsembleConfig:
    """Everything that determines a run: bins, search budget, split, seeds and model sizes."""

    bins: QualityBins = field(default_factory=QualityBins)
    n_iter: int = 10
    folds: int = 5
    test_size: float = 0.25
    seed: int = SEED
    max_trees: int = 200
    boost_rounds: int = 100
    max_rows: int | None = None
    permutation_repeats: int = 5

    def __post_init__(self):
        if not 1 <= self.n_iter <= 200:
            raise InputError(f"The search needs between 1 and 200 iterations, not {self.n_iter}.")
        if not 2 <= self.folds <= 20:
            raise InputError(f"Cross-validation needs between 2 and 20 folds, not {self.folds}.")

    @classmethod
    def quick(cls, **settings) -> "EnsembleConfig":
        """A small configuration for tests and CI: a subset of wines, few trees and boosting rounds."""
        return cls(**{"max_trees": 60, "boost_rounds": 40, "max_rows": 800, "permutation_repeats": 3, **settings})

    def folds_splitter(self) -> StratifiedKFold:
        """The same shuffled, stratified folds for every model, so their CV scores are comparable."""
        return StratifiedKFold(n_splits=self.folds, shuffle=True, random_state=self.seed)

    def search_space(self) -> dict[str, Any]:
        """Random forest hyperparameters to sample: tree count, depth, features per split, leaf sizes, bootstrap."""
        return {
            "n_estimators": randint(max(10, self.max_trees // 6), self.max_trees + 1),
            "max_depth": [None, 5, 10, 15, 20, 30],
            "max_features": ["sqrt", 0.5],
            "min_samples_split": randint(2, 11),
            "min_samples_leaf": randint(1, 5),
            "bootstrap": [True, False],
        }


def forest_search(config: EnsembleConfig) -> RandomizedSearchCV:
    """Bagging: a random forest whose hyperparameters a randomized search picks by k-fold CV accuracy."""
    return RandomizedSearchCV(
        RandomForestClassifier(random_state=config.seed, n_jobs=1),
        config.search_space(),
        n_iter=config.n_iter,
        cv=config.folds_splitter(),
        scoring="accuracy",
        n_jobs=N_JOBS,
        random_state=config.seed,
    )


def boosting_models(config: EnsembleConfig) -> dict[str, Any]:
    """Boosting: gradient boosting on histograms, and AdaBoost over depth-3 trees (weak, high-bias learners)."""
    return {
        "hist_gradient_boosting": HistGradientBoostingClassifier(max_iter=config.boost_rounds, random_state=config.seed),
        "adaboost": AdaBoostClassifier(
            DecisionTreeClassifier(max_depth=3, random_state=config.seed),
            n_estimators=config.boost_rounds, learning_rate=0.5, random_state=config.seed,
        ),
    }


def stacking_model(bases: Mapping[str, Any], config: EnsembleConfig) -> StackingClassifier:
    """Stacking: a logistic regression over the base models' out-of-fold class probabilities.

    Its inner fits run one after another: the stack is itself cross-validated in parallel over folds.
    """
    return StackingClassifier(
        [(name, clone(model)) for name, model in bases.items()],
        final_estimator=LogisticRegression(max_iter=2000),
        cv=config.folds_splitter(),
        stack_method="predict_proba",
    )


def search_table(search: RandomizedSearchCV) -> pd.DataFrame:
    """Every candidate of a fitted search: its parameters, mean and spread of CV accuracy, each fold's score, rank."""
    results = search.cv_results_
    folds = search.n_splits_
    table = pd.DataFrame([dict(params) for params in results["params"]])
    table["max_depth"] = table["max_depth"].astype(object).where(table["max_depth"].notna(), "none")
    table["max_features"] = table["max_features"].astype(str)
    table["mean CV accuracy"] = results["mean_test_score"]
    table["std across folds"] = results["std_test_score"]
    for fold in range(folds):
        table[f"fold {fold + 1}"] = results[f"split{fold}_test_score"]
    table["mean fit seconds"] = results["mean_fit_time"]
    table["rank"] = results["rank_test_score"]
    table.index = pd.RangeIndex(1, len(table) + 1, name="candidate")
    return table


# ---------------------------------------------------------------- evaluation


@dataclass
class ModelReport:
    """How one fitted model does: on the held-out test set, across CV folds, and how long it took to fit."""

    key: str
    accuracy: float
    macro_f1: float
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    fit_seconds: float
    cv_scores: np.ndarray

    @property
    def name(self) -> str:
        return MODELS[self.key][0]


def evaluate(key: str, model, X_test: pd.DataFrame, y_test: np.ndarray, labels: tuple[str, ...],
             fit_seconds: float, cv_scores: np.ndarray) -> ModelReport:
    """Test accuracy, macro F1, per-class precision/recall and the confusion matrix of a fitted model."""
    predicted = model.predict(X_test)
    codes = list(range(len(labels)))
    precision, recall, f1, support = precision_recall_fscore_support(y_test, predicted, labels=codes, zero_division=0)
    per_class = pd.DataFrame({"precision": precision, "recall": recall, "f1": f1, "support": support}, index=list(labels))
    confusion = pd.DataFrame(confusion_matrix(y_test, predicted, labels=codes), index=list(labels), columns=list(labels))
    return ModelReport(
        key=key,
        accuracy=float(accuracy_score(y_test, predicted)),
        macro_f1=float(f1_score(y_test, predicted, labels=codes, average="macro", zero_division=0)),
        per_class=per_class,
        confusion=confusion,
        fit_seconds=fit_seconds,
        cv_scores=np.asarray(cv_scores, dtype=float),
    )


def importances(models: Mapping[str, Any], X_test: pd.DataFrame, y_test: np.ndarray, repeats: int,
                seed: int = SEED) -> pd.DataFrame:
    """Impurity-based importance (trees only, from training) next to permutation importance (any model, on test).

    Impurity importance is free but favours features with many split points and
    says nothing about held-out data; permutation importance is the drop in
    test accuracy when one feature's values are shuffled.
    """
    rows = []
    for key, model in models.items():
        permuted = permutation_importance(model, X_test, y_test, scoring="accuracy", n_repeats=repeats,
                                          random_state=seed, n_jobs=1)
        impurity = getattr(model, "feature_importances_", np.full(X_test.shape[1], np.nan))
        for i, feature in enumerate(X_test.columns):
            rows.append({"model": MODELS[key][0], "feature": feature, "impurity": float(impurity[i]),
                         "permutation": float(permuted.importances_mean[i]),
                         "permutation std": float(permuted.importances_std[i])})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the whole comparison


class WineEnsembles:
    """Fit the tuned random forest, the two boosters and the stack on one wine set; report on held-out wines."""

    def __init__(self, config: EnsembleConfig | None = None):
        self.config = config or EnsembleConfig()

    def _prepare(self, frame: pd.DataFrame):
        """Features, encoded classes, and the stratified train/test split (subset first in quick runs)."""
        config = self.config
        codes = config.bins.encode(frame["quality"])
        X = features(frame)
        if config.max_rows and len(X) > config.max_rows:
            keep = stratified_subset(codes, config.max_rows, minimum=config.folds + 2, seed=config.seed)
            X, codes = X.iloc[keep].reset_index(drop=True), codes[keep]
        check_bin_sizes(codes, config.bins.labels, 2, "in this wine set")
        X_train, X_test, y_train, y_test = train_test_split(
            X, codes, test_size=config.test_size, stratify=codes, random_state=config.seed)
        check_bin_sizes(y_train, config.bins.labels, config.folds, f"in the training set for {config.folds}-fold CV")
        return X_train, X_test, y_train, y_test

    def fit(self, frame: pd.DataFrame, progress: TrainingProgress | None = None) -> "WineEnsembles":
        """Search, fit, cross-validate and test every model; ``progress`` hears about each stage.

        Parallelism comes from joblib workers over candidates and folds (``N_JOBS``,
        each worker held to one native thread by joblib). The calling process's own thread
        pools are left as they are (changing them is process-wide, and a server runs many
        requests at once): the page runs this as a fit job, whose worker is started with one
        OpenMP and BLAS thread (``core.cluster``), so gradient boosting's threads do not spin
        against the joblib workers there.
        """
        progress = progress or TrainingProgress()
        config = self.config
        X_train, X_test, y_train, y_test = self._prepare(frame)
        self.labels_ = config.bins.labels
        self.features_ = list(X_train.columns)
        self.n_train_, self.n_test_ = len(X_train), len(X_test)
        self.train_medians_ = X_train.median()
        splitter = config.folds_splitter()

        progress.update(0.02, f"Randomized search: {config.n_iter} random forests x {config.folds} folds")
        search = forest_search(config)
        started = time.perf_counter()
        search.fit(X_train, y_train)
        self.search_seconds_ = time.perf_counter() - started
        self.search_ = search_table(search)
        self.best_params_ = dict(search.best_params_)
        self.best_cv_score_ = float(search.best_score_)
        best_folds = self.search_.loc[search.best_index_ + 1, [f"fold {i + 1}" for i in range(config.folds)]]

        self.models_ = {"random_forest": search.best_estimator_}
        fit_seconds = {"random_forest": float(search.refit_time_)}
        cv_scores = {"random_forest": best_folds.to_numpy(float)}
        bases = {"random_forest": clone(search.best_estimator_), **boosting_models(config)}
        candidates = {**bases, "stacking": stacking_model(bases, config)}
        steps = [("hist_gradient_boosting", 0.45), ("adaboost", 0.55), ("stacking", 0.65)]
        for key, fraction in steps:
            progress.update(fraction, f"Cross-validating and fitting {MODELS[key][0]}")
            model = candidates[key]
            cv_scores[key] = cross_val_score(clone(model), X_train, y_train, cv=splitter, scoring="accuracy",
                                             n_jobs=N_JOBS)
            started = time.perf_counter()
            self.models_[key] = model.fit(X_train, y_train)
            fit_seconds[key] = time.perf_counter() - started

        progress.update(0.9, "Testing on held-out wines and measuring feature importance")
        self.reports_ = {
            key: evaluate(key, model, X_test, y_test, self.labels_, fit_seconds[key], cv_scores[key])
            for key, model in self.models_.items()
        }
        self.importances_ = importances(self.models_, X_test, y_test, config.permutation_repeats, config.seed)
        progress.update(1.0, "Done")
        return self

    def comparison(self) -> pd.DataFrame:
        """Bagging vs boosting vs stacking: held-out scores, CV mean and variance across folds, fit time."""
        rows = []
        for key, report in self.reports_.items():
            rows.append({
                "model": report.name, "family": MODELS[key][1],
                "test accuracy": report.accuracy, "test macro F1": report.macro_f1,
                "CV accuracy (mean)": report.cv_scores.mean(), "CV accuracy (std)": report.cv_scores.std(),
                "CV variance": report.cv_scores.var(), "fit seconds": report.fit_seconds,
            })
        return pd.DataFrame(rows).set_index("model")

    def predict_wine(self, measurements: Mapping[str, float]) -> pd.DataFrame:
        """Each model's predicted class and class probabilities for one wine (missing values: training medians)."""
        row = self.train_medians_.copy()
        for name, value in measurements.items():
            if name not in row.index:
                raise InputError(f"Unknown measurement '{name}'; expected one of {', '.join(row.index)}.")
            if not math.isfinite(float(value)):
                raise InputError(f"The value of {name} must be a finite number.")
            row[name] = float(value)
        X = row.to_frame().T[self.features_]
        table = []
        for key, model in self.models_.items():
            probabilities = model.predict_proba(X)[0]
            full = np.zeros(len(self.labels_))
            full[model.classes_] = probabilities
            table.append({"model": MODELS[key][0], "predicted class": self.labels_[int(np.argmax(full))],
                          **dict(zip(self.labels_, full))})
        return pd.DataFrame(table).set_index("model")
