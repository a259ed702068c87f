"""Quality bins, the split, the randomized search, boosting, stacking, metrics and importances (small budgets)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import StackingClassifier
from sklearn.linear_model import LogisticRegression

from data.wine import MEASUREMENTS, load_wine
from data.profile import profile
from models.ensembles import interpretation as read
from models.ensembles.model import (SEARCHED_PARAMETERS, EnsembleConfig, QualityBins, WineEnsembles, evaluate, features, forest_search, parse_edges, stratified_subset)
from core.errors import InputError

SMALL = EnsembleConfig(n_iter=3, folds=3, max_trees=30, boost_rounds=20, max_rows=500, permutation_repeats=2)


@pytest.fixture(scope="module")
def red():
    return load_wine("red")


@pytest.fixture(scope="module")
def fitted(red):
    return WineEnsembles(SMALL).fit(red)


# ---------------------------------------------------------------- bins


def test_default_bins_are_low_medium_high_and_encode_in_order():
    bins = QualityBins()
    assert bins.labels == ("low (<= 5)", "medium (6)", "high (>= 7)")
    assert bins.codes([3, 4, 5, 6, 7, 8, 9]).tolist() == [0, 0, 0, 1, 2, 2, 2]


def test_custom_bins_name_their_ranges():
    bins = QualityBins((4, 6, 7))
    assert bins.labels == ("low (<= 4)", "medium (5-6)", "good (7)", "excellent (>= 8)")
    assert bins.codes([3, 4, 5, 6, 7, 8]).tolist() == [0, 0, 1, 1, 2, 3]
    assert QualityBins((5,)).labels == ("low (<= 5)", "high (>= 6)")


def test_counts_match_the_published_red_quality_counts(red):
    counts = QualityBins().counts(red["quality"])
    assert counts.tolist() == [10 + 53 + 681, 638, 199 + 18]


def test_an_empty_bin_is_refused_with_its_name(red):
    bins = QualityBins((5, 6, 8))  # red wines stop at 8: the '>= 9' bin is empty
    assert bins.counts(red["quality"]).iloc[-1] == 0
    with pytest.raises(InputError, match=r"No wine falls in the bin excellent \(>= 9\).*runs 3-8"):
        bins.encode(red["quality"])


@pytest.mark.parametrize("edges, message", [
    ((6, 5), "increase strictly"), ((5, 5), "increase strictly"), ((), "between 1 and 4"),
    ((2, 3, 4, 5, 6), "between 1 and 4"), ((10,), "between 0 and 9"),
])
def test_impossible_edges_are_refused(edges, message):
    with pytest.raises(InputError, match=message):
        QualityBins(edges)


def test_typed_edges_are_parsed_or_explained():
    assert parse_edges(" 5, 6 ") == (5, 6)
    assert parse_edges("4;7") == (4, 7)
    with pytest.raises(InputError, match="whole quality scores"):
        parse_edges("5.5, 6")
    with pytest.raises(InputError, match="at least one"):
        parse_edges("  ")


# ---------------------------------------------------------------- data preparation


def test_colour_becomes_a_feature_only_when_both_sets_are_mixed(red):
    assert list(features(red).columns) == list(MEASUREMENTS)
    both = load_wine("both")
    X = features(both)
    assert list(X.columns) == [*MEASUREMENTS, "is_red"]
    assert X["is_red"].sum() == 1599


def test_subset_keeps_proportions_and_rare_classes():
    codes = np.array([0] * 900 + [1] * 95 + [2] * 5)
    keep = stratified_subset(codes, 100, minimum=4, seed=1)
    assert np.bincount(codes[keep]).tolist() == [90, 10, 4]
    assert np.array_equal(keep, stratified_subset(codes, 100, minimum=4, seed=1))


def test_split_is_stratified_and_reproducible(red):
    config = EnsembleConfig(folds=3)
    X_train, X_test, y_train, y_test = WineEnsembles(config)._prepare(red)
    assert len(X_train) + len(X_test) == len(red)
    assert np.allclose(np.bincount(y_train) / len(y_train), np.bincount(y_test) / len(y_test), atol=0.01)
    again = WineEnsembles(config)._prepare(red)
    assert X_train.index.equals(again[0].index)


def test_a_bin_too_small_for_the_folds_is_explained(red):
    # 18 red wines score 8: about 13 train wines, too few for 20 folds
    with pytest.raises(InputError, match=r"bin high \(>= 8\) has only 1[34] wine\(s\) in the training set"):
        WineEnsembles(EnsembleConfig(bins=QualityBins((7,)), folds=20))._prepare(red)


# ---------------------------------------------------------------- search, models, metrics


def test_search_is_reproducible_with_its_seed(red):
    X, y = features(red).iloc[:300], QualityBins().encode(red["quality"].iloc[:300])
    config = EnsembleConfig(n_iter=2, folds=3, max_trees=12)
    first, second = forest_search(config).fit(X, y), forest_search(config).fit(X, y)
    assert first.cv_results_["params"] == second.cv_results_["params"]
    assert np.array_equal(first.cv_results_["mean_test_score"], second.cv_results_["mean_test_score"])


def test_search_reports_every_candidate_and_its_folds(fitted):
    table = fitted.search_
    assert len(table) == SMALL.n_iter
    assert set(SEARCHED_PARAMETERS) <= set(table.columns)
    folds = table[["fold 1", "fold 2", "fold 3"]]
    assert np.allclose(folds.mean(axis=1), table["mean CV accuracy"])
    best = table[table["rank"] == 1].iloc[0]
    assert fitted.best_cv_score_ == pytest.approx(table["mean CV accuracy"].max())
    assert best["n_estimators"] == fitted.best_params_["n_estimators"]
    assert table["n_estimators"].between(10, SMALL.max_trees).all()
    # the forest's CV scores are its search folds, so bagging's variance is read on the same folds as the others'
    assert np.allclose(fitted.reports_["random_forest"].cv_scores, folds.loc[best.name])


def test_stacking_is_a_logistic_regression_over_the_three_ensembles(fitted):
    stack = fitted.models_["stacking"]
    assert isinstance(stack, StackingClassifier)
    assert isinstance(stack.final_estimator_, LogisticRegression)
    assert list(stack.named_estimators_) == ["random_forest", "hist_gradient_boosting", "adaboost"]
    assert stack.named_estimators_["random_forest"].n_estimators == fitted.best_params_["n_estimators"]


def test_every_model_is_reported_on_the_same_held_out_wines(fitted):
    assert list(fitted.reports_) == ["random_forest", "hist_gradient_boosting", "adaboost", "stacking"]
    for report in fitted.reports_.values():
        confusion = report.confusion.to_numpy()
        assert confusion.sum() == fitted.n_test_
        assert report.accuracy == pytest.approx(np.trace(confusion) / confusion.sum())
        assert report.per_class["recall"].to_numpy() == pytest.approx(confusion.diagonal() / confusion.sum(axis=1))
        assert report.macro_f1 == pytest.approx(report.per_class["f1"].mean())
        assert len(report.cv_scores) == SMALL.folds and ((report.cv_scores > 0) & (report.cv_scores <= 1)).all()
        assert report.fit_seconds > 0
    table = fitted.comparison()
    assert table["family"].tolist() == ["bagging", "boosting", "boosting", "stacking"]
    assert np.allclose(table["CV variance"], table["CV accuracy (std)"] ** 2)
    assert (table["test accuracy"] > 0.45).all()  # well above chance for three classes


def test_metrics_of_known_predictions():
    class Fixed:
        def predict(self, X):
            return np.array([0, 0, 1, 1, 1, 2])

    labels = ("a", "b", "c")
    report = evaluate("adaboost", Fixed(), None, np.array([0, 1, 1, 1, 2, 2]), labels, 1.0, np.array([0.5, 0.7]))
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.confusion.loc["b"].tolist() == [1, 2, 0]
    assert report.per_class.loc["a", "precision"] == pytest.approx(0.5)
    assert report.per_class.loc["c", "recall"] == pytest.approx(0.5)
    assert report.macro_f1 == pytest.approx(np.mean([2 / 3, 2 / 3, 2 / 3]))


def test_importances_side_by_side(fitted):
    table = fitted.importances_.set_index(["model", "feature"])
    assert len(table) == 4 * len(MEASUREMENTS)
    forest = table.loc["Random forest", "impurity"]
    assert forest.sum() == pytest.approx(1.0)
    assert table.loc["Histogram gradient boosting", "impurity"].isna().all()
    assert table.loc["Stacking (logistic regression)", "permutation"].notna().all()


def test_predict_one_wine_with_every_model(fitted, red):
    prediction = fitted.predict_wine({"alcohol": 13.5, "volatile_acidity": 0.3})
    probabilities = prediction[list(fitted.labels_)]
    assert len(prediction) == 4
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (prediction["predicted class"] == probabilities.idxmax(axis=1)).all()
    with pytest.raises(InputError, match="Unknown measurement 'colour'"):
        fitted.predict_wine({"colour": 1.0})


def test_profile_counts_missing_zeros_and_distinct_values():
    frame = pd.DataFrame({"x": [0.0, 1.0, np.nan, 3.0], "colour": ["red", "red", "white", None]})
    report = profile(frame)
    assert report.loc["x", ["missing", "zeros", "distinct"]].tolist() == [1, 1, 3]
    assert report.loc["x", "median"] == 1.0
    assert report.loc["colour", "missing"] == 1 and np.isnan(report.loc["colour", "mean"])


# ---------------------------------------------------------------- what the page reads off the data and a run


def test_typed_bins_are_checked_against_the_wines(red):
    assert read.checked_bins("5, 6", red["quality"]) == QualityBins((5, 6))
    with pytest.raises(InputError, match=r"No wine falls in the bin excellent \(>= 9\)"):
        read.checked_bins("5, 6, 8", red["quality"])


def test_bin_table_counts_and_shares_each_bin(red):
    table = read.bin_table(QualityBins(), red["quality"])
    assert table["class code"].tolist() == [0, 1, 2]
    assert table["bin"].tolist() == ["low (<= 5)", "medium (6)", "high (>= 7)"]
    assert table["wines"].tolist() == [744, 638, 217]
    assert table["share"].sum() == pytest.approx(1.0) and table["share"].iloc[1] == pytest.approx(638 / 1599)


def test_quality_counts_name_the_bin_of_each_score(red):
    counts = read.quality_counts(red["quality"], QualityBins())
    assert counts["quality"].tolist() == [3, 4, 5, 6, 7, 8]
    assert counts["wines"].tolist() == [10, 53, 681, 638, 199, 18]
    assert counts["bin"].tolist() == ["low (<= 5)"] * 3 + ["medium (6)"] + ["high (>= 7)"] * 2


def test_overview_counts_rows_columns_missing_values_and_duplicates():
    frame = pd.DataFrame({"a": [1.0, 1.0, np.nan], "b": [2, 2, 3]})
    assert read.overview(frame) == {"Wines": 3, "Columns": 2, "Missing values": 1, "Duplicate rows": 1}


def test_strongest_correlates_either_way_and_the_sentence_states_them():
    corr = pd.DataFrame({"quality": [1.0, 0.1, -0.6, 0.4]}, index=["quality", "pH", "acidity", "alcohol"])
    assert read.strongest_correlates(corr).to_dict() == {"acidity": -0.6, "alcohol": 0.4}
    assert read.correlation_sentence(corr) == ("Quality correlates most with **acidity** (r = -0.60) and **alcohol** "
                                               "(r = +0.40).")


def test_category_order_puts_numbers_in_numeric_order_before_words():
    values = pd.Series(["10", "sqrt", 2, "none", 0.5, True, "10"])
    assert read.category_order(values) == ["0.5", "2", "10", "True", "none", "sqrt"]


def test_the_baseline_to_beat_is_always_predicting_the_largest_bin(fitted):
    support = fitted.reports_["random_forest"].per_class["support"]
    assert read.majority_share(fitted) == pytest.approx(support.max() / support.sum())
    note = read.baseline_note(fitted, SMALL.folds)
    assert note.startswith(f"Always predicting the largest bin would score {read.majority_share(fitted):.3f}")
    assert f"same {SMALL.folds} folds" in note


def test_variance_verdict_names_the_steadiest_and_the_shakiest_model():
    comparison = pd.DataFrame({"CV variance": [0.002, 0.0005, 0.004]}, index=["forest", "boost", "stack"])
    assert read.steadiest_and_shakiest(comparison) == ("boost", "stack")
    verdict = read.variance_verdict(comparison, 5)
    assert "**boost** (0.00050)" in verdict and "highest: **stack** (0.00400)" in verdict and "with 5 folds" in verdict


def test_fold_scores_and_per_class_scores_are_one_row_per_model_and_fold_or_class(fitted):
    folds = read.fold_scores(fitted)
    assert len(folds) == 4 * SMALL.folds and folds["fold"].tolist()[:SMALL.folds] == [1, 2, 3]
    assert np.allclose(folds["CV accuracy"].iloc[:SMALL.folds], fitted.reports_["random_forest"].cv_scores)
    per_class = read.per_class_scores(fitted)
    assert list(per_class.columns) == ["model", "class", "precision", "recall", "f1", "support"]
    assert len(per_class) == 4 * len(fitted.labels_)
    long = read.precision_recall(per_class)
    assert len(long) == 2 * len(per_class) and set(long["metric"]) == {"precision", "recall"}


def test_features_are_ordered_by_mean_permutation_importance():
    importances = pd.DataFrame({"model": ["a", "a", "b", "b"], "feature": ["x", "y", "x", "y"],
                                "permutation": [0.1, 0.0, 0.1, 0.4]})
    assert read.features_by_importance(importances) == ["y", "x"]


def test_probabilities_by_class_are_one_row_per_model_and_class():
    predictions = pd.DataFrame({"predicted class": ["low"], "low": [0.7], "high": [0.3]},
                               index=pd.Index(["forest"], name="model"))
    table = read.probabilities_by_class(predictions)
    assert table.to_dict("records") == [{"model": "forest", "class": "low", "probability": 0.7},
                                        {"model": "forest", "class": "high", "probability": 0.3}]


def test_a_slider_spans_the_values_in_round_steps_from_the_median():
    span = read.slider_range(pd.Series([0.12, 0.5, 1.6]))
    assert span == {"min_value": 0.12, "max_value": 1.6, "value": 0.5, "step": 0.01, "format": "%.2f"}
    assert read.slider_range(pd.Series([100.0, 234.0, 400.0]))["step"] == 1.0


def test_run_config_and_the_notes_state_its_figures():
    bins = QualityBins()
    quick, full = read.run_config(bins, 4, 3, quick=True), read.run_config(bins, 4, 3, quick=False)
    assert (quick.n_iter, quick.folds, quick.max_rows) == (4, 3, 800) and full.max_rows is None
    assert read.quick_note(quick) == ("Quick mode: a stratified subset of 800 wines, forests of at most 60 trees and "
                                      "40 boosting rounds.")
    assert read.run_cost(quick).startswith("A run tries 12 random-forest fits")


def test_split_note_states_the_training_and_test_wines(fitted):
    assert read.split_note(fitted, SMALL) == (f"{fitted.n_train_:,} training wines, {fitted.n_test_:,} held-out test "
                                              f"wines (stratified split, seed {SMALL.seed}).")


def test_overlapping_runs_leave_the_process_thread_pools_as_they_were(red):
    """A run must not set process-wide thread pools (two sessions' overlapping runs left them at one thread)."""
    from dataclasses import replace

    from test_long_memory import run_overlapping, thread_pools

    tiny = EnsembleConfig(n_iter=1, folds=2, max_trees=20, boost_rounds=10, max_rows=300, permutation_repeats=1)
    before = thread_pools()
    assert any(threads > 1 for _, threads in before), f"this test needs a thread pool of 2+ threads: {before}"
    run_overlapping(lambda: WineEnsembles(tiny).fit(red),
                    lambda: WineEnsembles(replace(tiny, n_iter=3, permutation_repeats=3)).fit(red))
    assert thread_pools() == before


def test_a_run_is_known_by_every_one_of_its_settings():
    """Results kept in memory are found by the wine set and every setting: a quick run never stands for a full one."""
    base = EnsembleConfig(n_iter=10, folds=5)
    variants = [EnsembleConfig.quick(n_iter=10, folds=5), EnsembleConfig(QualityBins((5,)), 10, 5),
                EnsembleConfig(n_iter=11, folds=5), EnsembleConfig(n_iter=10, folds=4),
                EnsembleConfig(n_iter=10, folds=5, test_size=0.3), EnsembleConfig(n_iter=10, folds=5, seed=1),
                EnsembleConfig(n_iter=10, folds=5, max_trees=100), EnsembleConfig(n_iter=10, folds=5, boost_rounds=50),
                EnsembleConfig(n_iter=10, folds=5, max_rows=800), EnsembleConfig(n_iter=10, folds=5, permutation_repeats=2)]
    keys = {read.run_key("red", base), read.run_key("white", base), *(read.run_key("red", v) for v in variants)}
    assert len(keys) == len(variants) + 2
    assert read.run_key("red", base) == read.run_key("red", EnsembleConfig(n_iter=10, folds=5))
