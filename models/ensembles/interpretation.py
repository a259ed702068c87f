"""What the ensembles page reads off the wines and a run: checked bins, tables shaped for its charts, orders, and
the figures its sentences state."""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.ensembles.model import EnsembleConfig, QualityBins, WineEnsembles, parse_edges


def checked_bins(edges_text: str, quality: pd.Series) -> QualityBins:
    """The bins of the typed edges, refused with an InputError unless every bin holds wines."""
    bins = QualityBins(parse_edges(edges_text))
    bins.encode(quality)
    return bins


def bin_table(bins: QualityBins, quality: pd.Series) -> pd.DataFrame:
    """Each bin's class code, name, number of wines and share of them."""
    counts = bins.counts(quality)
    return pd.DataFrame({"class code": range(len(counts)), "bin": counts.index, "wines": counts.to_numpy(),
                         "share": counts.to_numpy() / counts.sum()})


def quality_counts(quality: pd.Series, bins: QualityBins) -> pd.DataFrame:
    """Wines per quality score (columns quality, wines) and the bin each score falls in."""
    counts = quality.value_counts().sort_index().rename_axis("quality").reset_index(name="wines")
    counts["bin"] = [bins.labels[c] for c in bins.codes(counts["quality"])]
    return counts


def overview(frame: pd.DataFrame) -> dict[str, int]:
    """The size and cleanliness of a data set: rows (wines), columns, missing values and duplicate rows."""
    return {"Wines": len(frame), "Columns": frame.shape[1], "Missing values": int(frame.isna().sum().sum()),
            "Duplicate rows": int(frame.duplicated().sum())}


def strongest_correlates(correlations: pd.DataFrame, target: str = "quality", count: int = 2) -> pd.Series:
    """The ``count`` columns correlating most with ``target`` in either direction, strongest first, with signed r."""
    r = correlations[target].drop(target)
    return r[r.abs().sort_values(ascending=False).index[:count]]


def correlation_sentence(correlations: pd.DataFrame) -> str:
    """Which two measurements quality correlates with most, and their r."""
    first, second = (f"**{name}** (r = {r:+.2f})" for name, r in strongest_correlates(correlations).items())
    return f"Quality correlates most with {first} and {second}."


def category_order(values: pd.Series) -> list[str]:
    """Distinct values as text: numbers in numeric order first, then words ('none', 'sqrt', 'True')."""
    def key(text: str) -> tuple:
        try:
            return (0, float(text), "")
        except ValueError:
            return (1, 0.0, text)
    return sorted(values.astype(str).unique(), key=key)


def majority_share(model: WineEnsembles) -> float:
    """The test accuracy of always predicting the largest bin: the score any model has to beat."""
    return model.reports_["random_forest"].per_class["support"].max() / model.n_test_


def baseline_note(model: WineEnsembles, folds: int) -> str:
    """What accuracy to beat (always the largest bin) and what the CV scores and their variance are."""
    return (f"Always predicting the largest bin would score {majority_share(model):.3f} test accuracy. CV scores are "
            f"accuracies on the same {folds} folds of the training wines for every model; the variance across folds "
            f"is how much a model's score depends on which wines it was trained on.")


def steadiest_and_shakiest(comparison: pd.DataFrame) -> tuple[str, str]:
    """The models with the lowest and the highest variance of CV accuracy across folds."""
    return comparison["CV variance"].idxmin(), comparison["CV variance"].idxmax()


def variance_verdict(comparison: pd.DataFrame, folds: int) -> str:
    """Which model's CV accuracy varies least and most across folds, with the variances."""
    low, high = steadiest_and_shakiest(comparison)
    return (f"Lowest variance of CV accuracy across folds: **{low}** ({comparison.loc[low, 'CV variance']:.5f}); "
            f"highest: **{high}** ({comparison.loc[high, 'CV variance']:.5f}). Bagging promises low variance; "
            f"with {folds} folds these estimates are themselves noisy.")


def fold_scores(model: WineEnsembles) -> pd.DataFrame:
    """Every model's accuracy on every cross-validation fold: columns model, fold (from 1), CV accuracy."""
    return pd.DataFrame([{"model": r.name, "fold": i + 1, "CV accuracy": s}
                         for r in model.reports_.values() for i, s in enumerate(r.cv_scores)])


def per_class_scores(model: WineEnsembles) -> pd.DataFrame:
    """Test precision, recall, F1 and support of every class of every model: a row per model and class."""
    per_class = pd.concat({r.name: r.per_class for r in model.reports_.values()}, names=["model", "class"])
    return per_class.reset_index()


def precision_recall(per_class: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of :func:`per_class_scores` one per row: columns model, class, metric, value."""
    return per_class.melt(id_vars=["model", "class"], value_vars=["precision", "recall"], var_name="metric")


def features_by_importance(importances: pd.DataFrame) -> list[str]:
    """The features from the highest mean permutation importance across models to the lowest."""
    return importances.groupby("feature")["permutation"].mean().sort_values().index.tolist()[::-1]


def probabilities_by_class(predictions: pd.DataFrame) -> pd.DataFrame:
    """:meth:`WineEnsembles.predict_wine`'s probabilities one per row: columns model, class, probability."""
    return predictions.drop(columns="predicted class").reset_index().melt(
        id_vars="model", var_name="class", value_name="probability")


def slider_range(values: pd.Series) -> dict[str, float | str]:
    """A slider's range, start, step and format for a measurement: from its smallest to its largest value in steps
    giving a few hundred positions (a power of ten), starting at the median rounded to a step."""
    low, high = float(values.min()), float(values.max())
    step = float(10 ** (np.floor(np.log10(max(high - low, 1e-9))) - 2))
    start = float(np.clip(np.round(values.median() / step) * step, low, high))
    return {"min_value": low, "max_value": high, "value": start, "step": step,
            "format": f"%.{max(0, int(-np.log10(step)))}f"}


def run_config(bins: QualityBins, n_iter: int, folds: int, quick: bool) -> EnsembleConfig:
    """The configuration of a run with the chosen bins, search budget and folds; the small one in quick mode."""
    settings = {"bins": bins, "n_iter": n_iter, "folds": folds}
    return EnsembleConfig.quick(**settings) if quick else EnsembleConfig(**settings)


def run_key(wines: str, config: EnsembleConfig) -> str:
    """What identifies a run's results in the server's memory: the wine set and every setting of the run."""
    return f"wine-ensembles-{wines}-{config!r}"


def split_note(model: WineEnsembles, config: EnsembleConfig) -> str:
    """How many wines the models were trained and tested on, and how they were split."""
    return (f"{model.n_train_:,} training wines, {model.n_test_:,} held-out test wines (stratified split, seed "
            f"{config.seed}).")


def run_cost(config: EnsembleConfig) -> str:
    """What a run fits and about how long it takes."""
    return (f"A run tries {config.n_iter * config.folds} random-forest fits in the search, then cross-validates and "
            f"fits the boosters and the stack (about a minute for red or white and two for both on two cores).")


def quick_note(config: EnsembleConfig) -> str:
    """How a quick run is smaller than a full one."""
    return (f"Quick mode: a stratified subset of {config.max_rows} wines, forests of at most {config.max_trees} trees "
            f"and {config.boost_rounds} boosting rounds.")
