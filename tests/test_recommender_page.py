"""The movie-recommendations page in quick mode: recommendations, explanations, cold start, bad input."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import run_until_ready

PAGE = "pages/recommender.py"


@pytest.fixture
def app(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    return fresh()


def fresh() -> AppTest:
    return run_until_ready(AppTest.from_file(f"../{PAGE}", default_timeout=180))


def click(app, label: str) -> None:
    next(b for b in app.button if b.label == label).click().run()


def metrics(app) -> dict:
    return {m.label: m.value for m in app.metric}


def no_exception(app) -> None:
    assert not app.exception, [e.value for e in app.exception]


def test_default_view_recommends_and_explains(app):
    no_exception(app)
    shown = metrics(app)
    assert shown["Users"] == "100" and shown["Movies rated by this user"] == "232"
    assert float(shown["Top pick's predicted rating"]) > 4 and "Top pick for user 1: **" in app.success[0].value
    text = " ".join(m.value for m in app.markdown)
    assert "Movies similar to Toy Story (1995)" in text and "User 1 and Star Wars: Episode IV - A New Hope (1977)" in text
    assert shown["User's actual rating"] == "5"
    assert 0.5 <= float(shown["Predicted rating (SVD)"]) <= 5
    assert any("GroupLens" in c.value and "Licence/terms" in c.value for c in app.caption)


def test_bad_ids_and_titles_get_clear_messages(app):
    app.number_input(key="user").set_value(99999).run()
    app.text_input(key="similar_query").set_value("no such film zzz").run()
    app.text_input(key="explain_query").set_value("999999").run()
    no_exception(app)
    errors = " ".join(e.value for e in app.error)
    assert "User 99999 is not in the data" in errors
    assert "No rated movie has 'no such film zzz' in its title" in errors
    assert "Movie id 999999 is not among the rated movies" in errors


def test_k_larger_than_the_neighbours_is_explained(app):
    app.selectbox(key="algorithm").select("KNNWithMeans").run()
    app.number_input(key="knn k").set_value(500).run()
    no_exception(app)
    warnings = " ".join(w.value for w in app.warning)
    assert "k = 500 is more than the 100 users" in warnings
    assert "but only" in warnings and "users who rated this movie exist" in warnings
    assert any(not d.value.empty and "neighbour" in d.value.columns for d in app.dataframe)


def test_cold_start(app):
    app.multiselect(key="cold_movies").set_value([1, 260, 1196]).run()  # Toy Story, Star Wars IV and V
    click(app, "Recommend for me")
    no_exception(app)
    top = [d.value for d in app.dataframe if "predicted rating" in d.value.columns][-1]  # the last tab's table
    assert len(top) == 10 and not {1, 260, 1196} & set(top["item"])
    assert f"Your top pick: **{top['title'].iloc[0]}**" in app.success[-1].value


def test_comparison_and_grid_search_run_once_then_are_kept(app):
    app.multiselect(key="names").set_value(["KNNBasic", "BaselineOnly", "NormalPredictor"]).run()
    click(app, "Run the comparison")
    app.radio(key="tune_family").set_value("k-NN").run()
    app.multiselect(key="grid_k").set_value([10, 40]).run()
    app.multiselect(key="grid_sim").set_value(["msd"]).run()
    app.multiselect(key="grid_based").set_value(["users"]).run()
    click(app, "Run the grid search")
    no_exception(app)
    shown = metrics(app)
    assert {"Lowest RMSE: BaselineOnly", "Best RMSE"} <= set(shown)
    assert any(label.startswith("Best precision@10: ") for label in shown)
    cv = next(d.value for d in app.dataframe if "wall time (s)" in d.value.columns).set_index("algorithm")
    assert cv.at["NormalPredictor", "RMSE"] > cv.at["BaselineOnly", "RMSE"]
    grid = next(d.value for d in app.dataframe if "similarity" in d.value.columns and "RMSE" in d.value.columns)
    assert len(grid) == 2 and float(shown["Best RMSE"]) == pytest.approx(grid["RMSE"].min(), abs=1e-4)
    assert any("Best parameters:" in m.value for m in app.markdown)
    click(app, "Use these parameters for the model above (KNNBaseline)")  # the model section takes them over
    no_exception(app)
    assert app.selectbox(key="algorithm").value == "KNNBaseline"
    assert app.number_input(key="knn k").value == grid.sort_values("RMSE")["k"].iloc[0]
    assert app.radio(key="knn neighbours").value == "users" and app.selectbox(key="knn similarity").value == "msd"

    again = fresh()  # a new session: both results come from the model cache, no button needed
    again.multiselect(key="names").set_value(["KNNBasic", "BaselineOnly", "NormalPredictor"]).run()
    assert "Lowest RMSE: BaselineOnly" in metrics(again)
    assert not [b for b in again.button if b.label == "Run the comparison"]


def test_ml_100k_works_too(app):
    app.radio[0].set_value("ml-100k").run()
    no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert metrics(app)["Users"] == "100" and "User 1 and Star Wars (1977)" in " ".join(m.value for m in app.markdown)
