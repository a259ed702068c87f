"""The movie-recommendations page in quick mode: recommendations, explanations, cold start, bad input."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import run_until_ready
from models.recommender.model import Recommender

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
    app.text_input(key="similar_movie").set_value("no such film zzz").run()
    app.text_input(key="explain_movie").set_value("999999").run()
    no_exception(app)
    errors = " ".join(e.value for e in app.error)
    assert "User 99999 is not in the data" in errors
    assert "No rated movie has 'no such film zzz' in its title" in errors
    assert "Movie id 999999 is not among the rated movies" in errors


def test_k_larger_than_the_neighbours_is_explained(app):
    app.selectbox(key="algorithm").select("KNNWithMeans").run()
    app.number_input(key="knn_k").set_value(500).run()
    no_exception(app)
    warnings = " ".join(w.value for w in app.warning)
    assert "k = 500 is more than the 100 users" in warnings
    assert "but only" in warnings and "users who rated this movie exist" in warnings
    assert any(not d.value.empty and "neighbour" in d.value.columns for d in app.dataframe)


def test_cold_start(app, monkeypatch):
    def in_the_server(*args, **kwargs):
        raise AssertionError("the cold-start refit ran in the server process, not as a job")

    monkeypatch.setattr(Recommender, "fit", in_the_server)  # the page's own model is fitted already
    app.multiselect(key="cold_movies").set_value([1, 260, 1196]).run()  # Toy Story, Star Wars IV and V
    click(app, "Recommend for me")
    run_until_ready(app)
    no_exception(app)
    top = [d.value for d in app.dataframe if "predicted rating" in d.value.columns][-1]  # the last tab's table
    assert len(top) == 10 and not {1, 260, 1196} & set(top["item"])
    assert f"Your top pick: **{top['title'].iloc[0]}**" in app.success[-1].value


def test_comparison_and_grid_search_run_once_then_are_kept(app):
    app.multiselect(key="compare").set_value(["KNNBasic", "BaselineOnly", "NormalPredictor"]).run()
    click(app, "Run the comparison")
    app.radio(key="tune").set_value("k-NN").run()
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
    assert app.number_input(key="knn_k").value == grid.sort_values("RMSE")["k"].iloc[0]
    assert app.radio(key="knn_neighbours").value == "users" and app.selectbox(key="knn_similarity").value == "msd"

    again = fresh()  # a new session: both results come from the model cache, no button needed
    again.multiselect(key="compare").set_value(["KNNBasic", "BaselineOnly", "NormalPredictor"]).run()
    assert "Lowest RMSE: BaselineOnly" in metrics(again)
    assert not [b for b in again.button if b.label == "Run the comparison"]


def test_ml_100k_works_too(app):
    app.radio[0].set_value("ml-100k").run()
    no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert metrics(app)["Users"] == "100" and "User 1 and Star Wars (1977)" in " ".join(m.value for m in app.markdown)


def test_a_fit_over_the_cost_budget_is_refused_before_any_job(app):
    from components.recommender_inputs import fit_key
    from core.jobs import job_board

    app.session_state["svdpp_factors"], app.session_state["svdpp_epochs"] = 200, 100
    app.selectbox(key="algorithm").select("SVD++").run()
    no_exception(app)
    errors = " ".join(e.value for e in app.error)
    assert "Fitting SVD++ with 200 latent factors and 100 epochs on 15,448 ratings would take about" in errors
    assert "the limit is 5 min" in errors and "Choose fewer latent factors or epochs" in errors
    params = {"n_factors": 200, "n_epochs": 100, "lr_all": 0.007, "reg_all": 0.02}
    assert job_board().status(fit_key("ml-latest-small", "SVD++", params)).state == "unknown"
    assert not app.dataframe  # the page stopped at the message


def test_a_grid_search_over_the_cost_budget_is_refused_before_its_button(app):
    from components.recommender_inputs import GRID_FOLDS
    from core.jobs import job_board
    from data.locate import dataset_checksum
    from models.recommender.artifacts import QUICK_USERS, grid_spec

    from components.recommender_inputs import LEARNING_RATES, REGULARISATIONS

    grid = {"n_factors": [20, 50, 100, 150], "n_epochs": [10, 20, 30, 50], "lr_all": LEARNING_RATES,
            "reg_all": REGULARISATIONS}  # every value offered
    for label, parameter in [("Latent factors", "n_factors"), ("Epochs", "n_epochs"), ("Learning rate", "lr_all"),
                             ("Regularisation", "reg_all")]:
        next(m for m in app.multiselect if m.label == label).set_value(grid[parameter])
    app.run()
    no_exception(app)
    errors = " ".join(e.value for e in app.error)
    assert "The grid search (256 combinations × 3 folds of SVD) would take about" in errors
    assert "the limit is 5 min" in errors
    assert not [b for b in app.button if b.label == "Run the grid search"]
    spec = grid_spec(dataset_checksum("movielens-small"), QUICK_USERS, "SVD", grid, GRID_FOLDS)
    assert job_board().status(spec.key).state == "unknown"


def test_what_surprise_raises_on_its_own_becomes_a_message_and_is_logged(caplog):
    """A ValueError Surprise raises on settings, and a MemoryError, are shown in words; the log has the full error."""
    def page():
        import numpy as np
        import streamlit as st
        from surprise.model_selection import KFold

        from components.recommender_inputs import errors_explained
        from data.movielens import load_movielens_100k
        from models.recommender.model import to_dataset

        with errors_explained():
            next(KFold(n_splits=1).split(to_dataset(load_movielens_100k().ratings)))  # Surprise: n_splits must be >= 2
        with errors_explained():
            np.ones((10**7, 10**7))  # 728 TiB: numpy raises a MemoryError at once
        st.write("the page goes on")

    with caplog.at_level("ERROR", logger="ml_atlas"):
        app = AppTest.from_function(page, default_timeout=60).run()
    no_exception(app)
    errors = [e.value for e in app.error]
    assert len(errors) == 2 and "Surprise could not work with these settings (Incorrect value for n_splits" in errors[0]
    assert "ran out of memory" in errors[1] and "the page goes on" in app.markdown[0].value
    logged = [r for r in caplog.records if r.name == "ml_atlas"]
    assert [type(r.exc_info[1]).__name__ for r in logged] == ["ValueError", "MemoryError"]
