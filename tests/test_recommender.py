"""Recommender logic on a tiny generated ratings frame whose right answers are known."""
import numpy as np
import pandas as pd
import pytest

from core.cache import ModelCache
from core.errors import InputError
from models.recommender.artifacts import comparison_spec, grid_spec
from models.recommender.interpretation import (additive_terms, at_ceiling, combination_labels, comparison_winners,
                                               cv_errors, describe_parameters, matrix_density, neighbour_population,
                                               rating_steps)
from models.recommender.model import (KNN_GRID, MAX_ITEM_BASED_ITEMS, Recommender, cold_start, cross_validate_algorithms, fold_in, grid_search, grid_size, precision_recall_at_k, split_evaluation, stored_comparison, stored_grid_search)

LIKED_BY_A, LIKED_BY_B = [1, 2, 3, 4, 5], [6, 7, 8, 9, 10]
TARGET = 0  # a group-A user who has rated movies 1-3 (5 stars) and 6-7 (1 star)


def taste_groups() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Users 1-8 love movies 1-5 and hate 6-10; users 9-16 the opposite; user 0 is group A with 5 ratings.

    Every movie is loved by half the raters and hated by the other half, so only collaborative filtering (not
    movie popularity) can tell user 0 that movies 4 and 5 are the best unseen ones.
    """
    rng = np.random.default_rng(0)
    rows = []
    for user in range(1, 17):
        loved = LIKED_BY_A if user <= 8 else LIKED_BY_B
        for item in LIKED_BY_A + LIKED_BY_B:
            rating = rng.choice([4.0, 5.0]) if item in loved else rng.choice([1.0, 2.0])
            rows.append((user, item, float(rating), 0))
    rows += [(TARGET, item, 5.0, 0) for item in (1, 2, 3)] + [(TARGET, item, 1.0, 0) for item in (6, 7)]
    ratings = pd.DataFrame(rows, columns=["user", "item", "rating", "timestamp"])
    movies = pd.DataFrame({"item": range(1, 12), "title": [f"Movie {i}" for i in range(1, 12)],
                           "genres": ["Drama"] * 5 + ["Horror"] * 5 + ["Comedy"]})  # movie 11 has no ratings
    return ratings, movies


@pytest.fixture(scope="module")
def data():
    return taste_groups()


@pytest.mark.parametrize("algorithm, params", [
    ("KNNBasic", {"k": 5, "similarity": "pearson"}),
    ("KNNWithMeans", {"k": 5, "similarity": "cosine", "user_based": False}),
    ("SVD", {"n_factors": 2, "n_epochs": 200, "lr_all": 0.01}),
])
def test_top_recommendations_are_the_unseen_movies_the_users_group_loves(data, algorithm, params):
    ratings, movies = data
    top = Recommender(algorithm, **params).fit(ratings, movies).recommend(TARGET, n=2)
    assert set(top["item"]) == {4, 5}
    assert list(top.columns) == ["item", "title", "predicted rating", "genres", "ratings"]
    assert set(top["title"]) == {"Movie 4", "Movie 5"} and set(top["genres"]) == {"Drama"}
    assert (top["predicted rating"] > 3.5).all()


def test_recommendations_are_unseen_only_and_ranked(data):
    ratings, movies = data
    model = Recommender("KNNBasic", k=5, similarity="pearson").fit(ratings, movies)
    everything = model.recommend(TARGET, n=100)
    assert set(everything["item"]) == {4, 5, 8, 9, 10}  # never 1-3, 6-7 (rated) nor 11 (no ratings at all)
    assert everything["predicted rating"].is_monotonic_decreasing
    assert set(model.rated(TARGET)["item"]) == {1, 2, 3, 6, 7}
    assert model.rated(TARGET)["rating"].tolist() == [5.0, 5.0, 5.0, 1.0, 1.0]


def test_a_user_who_rated_every_movie_gets_a_clear_message(data):
    ratings, movies = data
    model = Recommender("BaselineOnly").fit(ratings, movies)
    with pytest.raises(InputError, match="rated every movie"):
        model.recommend(1)


def test_unknown_user_and_movie_ids_are_input_errors(data):
    ratings, movies = data
    model = Recommender("SVD", n_epochs=5).fit(ratings, movies)
    with pytest.raises(InputError, match="User 999 is not in the data"):
        model.recommend(999)
    with pytest.raises(InputError, match="Movie id 11 is not among the rated movies.*Movie 11"):
        model.predict(1, 11)
    with pytest.raises(InputError, match="Movie id 42"):
        model.similar_items(42)


def test_similar_movies_share_the_taste_pattern(data):
    ratings, movies = data
    for model in (Recommender("KNNBaseline", k=5, similarity="pearson_baseline", user_based=False),
                  Recommender("SVD", n_factors=2, n_epochs=200, lr_all=0.01)):
        similar = model.fit(ratings, movies).similar_items(1, n=4)
        assert set(similar["item"]) == {2, 3, 4, 5}
    with pytest.raises(InputError, match="item-based"):
        Recommender("KNNBasic").fit(ratings, movies).similar_items(1)


def test_explanations_add_up_and_name_the_neighbours(data):
    ratings, movies = data
    svd = Recommender("SVD", n_factors=2, n_epochs=50).fit(ratings, movies).explain(TARGET, 4)
    terms = svd.parts.set_index("term")["value"]
    total = terms[~terms.index.str.startswith("  of which")].sum()
    assert svd.estimate == pytest.approx(np.clip(total, 1, 5))
    baseline = Recommender("BaselineOnly").fit(ratings, movies).explain(TARGET, 4)
    assert baseline.estimate == pytest.approx(np.clip(baseline.parts["value"].sum(), 1, 5))

    knn = Recommender("KNNBasic", k=100, similarity="pearson").fit(ratings, movies).explain(TARGET, 4)
    assert len(knn.parts) == 16 and set(knn.parts["neighbour"]) == {f"user {u}" for u in range(1, 17)}
    used = knn.parts[knn.parts["used"]]
    assert set(used["neighbour"]) == {f"user {u}" for u in range(1, 9)}  # only like-minded users are similar
    assert knn.estimate == pytest.approx(np.average(used["their rating"], weights=used["similarity"]))
    assert "k = 100 but only 16 users who rated this movie exist" in knn.note
    own = Recommender("KNNBasic", similarity="pearson").fit(ratings, movies).explain(TARGET, 1)  # a rated movie
    assert "user 0 (this user)" in set(own.parts["neighbour"])


def test_precision_and_recall_at_k_by_hand():
    predictions = pd.DataFrame({
        "user": [1, 1, 1, 1, 2, 2, 3],
        "item": [10, 11, 12, 13, 10, 11, 10],
        "rating": [5.0, 2.0, 4.0, 4.5, 1.0, 2.0, 3.0],   # relevant (>= 4): user 1 items 10, 12, 13; none else
        "estimate": [4.8, 4.6, 3.0, 4.1, 3.0, 2.0, 5.0],
    })
    # k = 2. user 1: top 2 = {10, 11}: 1 hit -> precision 1/2, recall 1/3. user 2: top {10, 11}: 0 hits -> 0/2,
    # no relevant so no recall. user 3: top {10}: 0/1. precision = (1/2 + 0 + 0) / 3, recall = 1/3 (user 1 only).
    precision, recall = precision_recall_at_k(predictions, k=2, threshold=4.0)
    assert precision == pytest.approx(1 / 6) and recall == pytest.approx(1 / 3)
    # k = 3: user 1 top {10, 11, 13}: 2 hits -> 2/3 and 2/3.
    precision, recall = precision_recall_at_k(predictions, k=3, threshold=4.0)
    assert precision == pytest.approx((2 / 3 + 0 + 0) / 3) and recall == pytest.approx(2 / 3)
    # a lower threshold makes user 3's only movie relevant: precision (1/2 + 0 + 1) / 3 at k = 2
    precision, _ = precision_recall_at_k(predictions, k=2, threshold=3.0)
    assert precision == pytest.approx(1.5 / 3)


def test_cold_start_folds_the_new_ratings_in(data):
    ratings, movies = data
    folded, new_user = fold_in(ratings, {1: 5.0, 2: 5.0, 6: 1.0})
    assert new_user == 17 and len(folded) == len(ratings) + 3
    assert folded[folded.user == new_user].set_index("item")["rating"].to_dict() == {1: 5.0, 2: 5.0, 6: 1.0}
    _, user, top = cold_start(ratings, movies, {1: 5.0, 2: 5.0, 6: 1.0, 7: 1.0}, "KNNBasic", n=3,
                              k=5, similarity="pearson")
    assert user == 17 and set(top["item"]) == {3, 4, 5}
    for bad, message in (({}, "at least one"), ({11: 4.0}, "no ratings"), ({1: 9.0}, "from 1 to 5")):
        with pytest.raises(InputError, match=message):
            fold_in(ratings, bad)


def test_algorithm_comparison_ranks_collaborative_filtering_above_the_floor(data):
    ratings, _ = data
    names = ["KNNBasic", "BaselineOnly", "NormalPredictor"]
    cv = cross_validate_algorithms(ratings, names, folds=3).set_index("algorithm")
    assert list(cv.index) == names and (cv["fit time (s)"] >= 0).all()
    assert cv.at["KNNBasic", "RMSE"] < cv.at["BaselineOnly", "RMSE"] < cv.at["NormalPredictor", "RMSE"]
    split = split_evaluation(ratings, names, test_size=0.3, k=3, threshold=4.0).set_index("algorithm")
    assert {"RMSE", "MAE", "precision@3", "recall@3"} <= set(split.columns)
    assert split.at["KNNBasic", "precision@3"] > split.at["NormalPredictor", "precision@3"] - 1e-9


def test_grid_search_reports_every_combination_best_first(data):
    ratings, _ = data
    svd = grid_search(ratings, "SVD", {"n_factors": [1, 2], "n_epochs": [5, 50], "lr_all": [0.01], "reg_all": [0.02]})
    assert len(svd.table) == 4 == grid_size({"n_factors": [1, 2], "n_epochs": [5, 50]})
    assert svd.table["RMSE"].is_monotonic_increasing and svd.best_rmse == svd.table["RMSE"].iloc[0]
    assert set(svd.best_params) == {"n_factors", "n_epochs", "lr_all", "reg_all"}
    knn = grid_search(ratings, "KNNBasic", KNN_GRID)
    assert len(knn.table) == grid_size(KNN_GRID) == 8
    assert set(knn.best_params) == {"k", "similarity", "user_based"} and knn.n_items == 10
    Recommender("KNNBasic", **knn.best_params).fit(*data)  # the best parameters are usable as they are
    with pytest.raises(InputError, match="at least one value"):
        grid_search(ratings, "SVD", {"n_factors": []})


def test_movies_are_found_by_id_or_title_words(data):
    ratings, movies = data
    model = Recommender("BaselineOnly").fit(ratings, movies)
    assert model.find(" 7 ") == 7 and model.find("movie 10") == 10 and model.find("MOVIE 3") == 3
    for query, message in (("", "Type a movie id"), ("Casablanca", "No rated movie has 'Casablanca'"),
                           ("11", "Movie id 11 is not among the rated movies")):
        with pytest.raises(InputError, match=message):
            model.find(query)


def test_slow_results_are_computed_once_and_read_back_from_json(data, tmp_path):
    ratings, _ = data
    cache = ModelCache(tmp_path)
    spec = comparison_spec("tiny", None, ["KNNBasic", "NormalPredictor"], 3, 3, 4.0)
    cv, split = stored_comparison(ratings, spec, cache=cache)
    assert cache.has(spec) and list(tmp_path.glob("*/results.json")) and not list(tmp_path.rglob("*.pkl"))
    cv_again, split_again = stored_comparison(ratings.iloc[:0], spec, cache=cache)  # no data needed the 2nd time
    pd.testing.assert_frame_equal(cv, cv_again)
    pd.testing.assert_frame_equal(split, split_again)
    spec = grid_spec("tiny", None, "KNNBasic", {"k": [2, 5], "similarity": ["msd"], "user_based": [True, False]}, 3)
    first = stored_grid_search(ratings, spec, cache=cache)
    again = stored_grid_search(ratings.iloc[:0], spec, cache=cache)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert again.best_params == first.best_params and again.best_rmse == first.best_rmse
    assert isinstance(again.best_params["user_based"], bool)


def test_the_default_comparison_is_pretrainable_in_quick_mode(monkeypatch, tmp_path):
    from models.recommender import artifacts

    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(artifacts, "DEFAULT_COMPARED", ["BaselineOnly", "NormalPredictor"])  # keep it fast
    item = artifacts.DEFAULT_COMPARISON  # what `python -m models train recommender-comparison` runs
    assert item.name == "recommender-comparison"
    assert not item.is_trained()
    cv, split = item.train(None)
    assert item.is_trained() and list(cv["algorithm"]) == ["BaselineOnly", "NormalPredictor"]
    assert "precision@10" in split and artifacts.default_comparison_spec().config["users"] == 100


def test_a_users_own_rating_is_looked_up(data):
    ratings, movies = data
    model = Recommender("BaselineOnly").fit(ratings, movies)
    assert model.rating_of(TARGET, 1) == 5.0 and model.rating_of(TARGET, 6) == 1.0
    assert model.rating_of(TARGET, 4) is None  # not rated


def test_the_rating_matrix_is_measured(data):
    ratings, _ = data
    assert matrix_density(ratings) == pytest.approx((16 * 10 + 5) / (17 * 10))
    assert neighbour_population(ratings, user_based=True) == 17
    assert neighbour_population(ratings, user_based=False) == 10
    many = pd.DataFrame({"user": 1, "item": range(MAX_ITEM_BASED_ITEMS + 5), "rating": 3.0})
    assert neighbour_population(many, user_based=False) == MAX_ITEM_BASED_ITEMS


def test_predictions_at_the_ceiling_are_counted_and_the_scale_has_its_steps():
    recommendations = pd.DataFrame({"predicted rating": [5.0, 5.0, 4.9, 3.0]})
    assert at_ceiling(recommendations, 5.0) == 2 and at_ceiling(recommendations, 4.9) == 3
    assert rating_steps(0.5, 5.0) == [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
    assert rating_steps(1.0, 5.0) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_the_terms_that_add_up_to_an_estimate_are_named_short():
    parts = pd.DataFrame({"term": ["global mean μ", "user bias b_u (this user rates higher/lower than average)",
                                   "factor interaction q_i·p_u (taste match)", "  of which factor 3"],
                          "value": [3.5, 0.25, 0.5, 0.4]})
    terms = additive_terms(parts)
    assert list(terms["term"]) == ["global mean μ", "user bias b_u", "factor interaction q_i·p_u"]
    assert list(terms["value"]) == [3.5, 0.25, 0.5]


def test_the_comparisons_winners_and_long_error_table():
    cv = pd.DataFrame({"algorithm": ["SVD", "NormalPredictor"], "RMSE": [0.9, 1.4], "RMSE std": [0.01, 0.02],
                       "MAE": [0.7, 1.1], "MAE std": [0.03, 0.04]})
    split = pd.DataFrame({"algorithm": ["SVD", "NormalPredictor"], "precision@5": [0.6, 0.7], "recall@5": [0.5, 0.4]})
    assert comparison_winners(cv, split, 5) == [("Lowest RMSE", "SVD", 0.9), ("Best precision@5", "NormalPredictor", 0.7),
                                                ("Best recall@5", "SVD", 0.5)]
    errors = cv_errors(cv)
    assert list(errors.columns) == ["algorithm", "metric", "error", "std"]
    assert errors.set_index(["algorithm", "metric"]).loc[("NormalPredictor", "MAE")].tolist() == [1.1, 0.04]
    assert errors.set_index(["algorithm", "metric"]).loc[("SVD", "RMSE")].tolist() == [0.9, 0.01]


def test_grid_combinations_and_parameters_are_labelled():
    table = pd.DataFrame({"k": [20, 40], "similarity": ["msd", "cosine"], "RMSE": [0.9, 1.0],
                          "RMSE std": [0.01, 0.02], "MAE": [0.7, 0.8], "fit time (s)": [0.1, 0.2]})
    assert list(combination_labels(table)) == ["20, msd", "40, cosine"]
    assert describe_parameters({"k": 20, "user_based": True}) == "k = 20, user_based = True"
