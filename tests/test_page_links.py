"""Views behind links, page by page: a link's values restore the page's controls (the round trip), and a malformed
or unknown value falls back to the control's default with a note on the page, never an error."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from conftest import run_until_ready
from data.wine import MEASUREMENTS

LINK_NOTE = "This link asked for something the page cannot show"


@pytest.fixture(autouse=True)
def quick_models(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "link-models"))


def opened(page: str, timeout: float = 180, **params: str | list[str]) -> AppTest:
    """The page as a fresh browser session opening a link with ``params`` sees it on its first run."""
    app = AppTest.from_file(str(PROJECT_ROOT / "pages" / page), default_timeout=timeout)
    for name, value in params.items():
        app.query_params[name] = value
    run_until_ready(app)  # a model the page needs is trained as a job on first use: follow it, as the page does
    assert not app.exception, app.exception
    return app


def link_note(app: AppTest) -> str:
    notes = [info.value for info in app.info if LINK_NOTE in info.value]
    assert len(notes) == 1, [info.value for info in app.info]
    return notes[0]


def no_link_note(app: AppTest) -> bool:
    return not any(LINK_NOTE in info.value for info in app.info)


# ---------------------------------------------------------------- forecasting
def test_a_forecasting_link_restores_the_series_and_the_settings():
    app = opened("forecasting.py", series="Peyton Manning page views (daily)", horizon="30", growth="linear",
                 holidays="United States", changepoints="0.1", interval="0.9", weekly="false", metric="RMSE")
    assert app.selectbox(key="series").value == "Peyton Manning page views (daily)"
    assert app.number_input(key="horizon").value == 30
    assert app.selectbox(key="holidays").value == "US"  # shown, and in the URL, by its name
    assert app.select_slider(key="changepoints").value == 0.1
    assert app.slider(key="interval").value == 0.9
    assert app.checkbox(key="weekly").value is False
    assert app.radio(key="metric").value == "RMSE"
    assert no_link_note(app)
    assert any("Peyton Manning" in m.value for m in app.caption) or app.metric  # the page ran on to the forecast


def test_a_forecasting_link_restores_logistic_growth_with_its_cap_and_floor():
    app = opened("forecasting.py", growth="logistic", cap="900", use_floor="true", floor="50")
    assert app.radio(key="growth").value == "logistic"
    assert app.number_input(key="cap").value == 900 and app.number_input(key="floor").value == 50
    assert app.checkbox(key="use_floor").value is True
    assert no_link_note(app) and app.metric


def test_forecasting_settings_that_depend_on_the_series_follow_a_new_series():
    app = opened("forecasting.py", series="Peyton Manning page views (daily)", horizon="30")
    app.selectbox(key="series").set_value("Air passengers (monthly)")
    run_until_ready(app)
    assert not app.exception, app.exception
    horizon = app.number_input(key="horizon")
    assert horizon.value == horizon.proto.default != 30  # the new series' own default, not the link's 30 days


def test_a_forecasting_link_with_an_unknown_series_falls_back_with_a_note():
    app = opened("forecasting.py", series="Atlantis tide (hourly)", horizon="many", metric="accuracy")
    assert app.selectbox(key="series").value == "Air passengers (monthly)"
    note = link_note(app)  # one note, though the metric is drawn far below the series and the horizon
    assert "Series: the link's 'Atlantis tide (hourly)' is not available here" in note
    assert "Horizon: the link's 'many'" in note and "Metric: the link's 'accuracy'" in note
    assert app.radio(key="metric").value == "MAE"


# ---------------------------------------------------------------- price elasticity
def test_a_price_elasticity_link_restores_the_years_and_controls():
    app = opened("price_elasticity.py", years=["1985", "1999"], trend="true", log="false")
    assert app.slider(key="years").value == (1985, 1999)
    assert app.checkbox(key="trend").value is True and app.toggle(key="log").value is False
    assert no_link_note(app)
    assert next(m.value for m in app.metric if m.label == "Observations (n)") == "59"


def test_a_price_elasticity_link_with_a_malformed_value_falls_back_with_a_note():
    app = opened("price_elasticity.py", years=["1985", "sometime"], data="a spreadsheet")
    note = link_note(app)
    assert "Years: the link's" in note and "Data: the link's 'a spreadsheet'" in note
    assert app.slider(key="years").value == (1977, 1999)
    assert app.radio(key="data").value == "USDA beef, quarterly 1977-1999"


# ---------------------------------------------------------------- ensembles
def test_an_ensembles_link_restores_the_wine_set_bins_settings_and_one_wine():
    app = opened("ensembles.py", wines="red and white", bins="6", tab="Correlations", iterations="3", folds="4")
    assert app.radio(key="wines").value == "both"  # in the URL as it is labelled
    assert app.text_input(key="bins").value == "6"
    assert app.session_state["tab"] == "Correlations"
    assert app.number_input(key="iterations").value == 3 and app.number_input(key="folds").value == 4
    assert no_link_note(app)
    assert next(m.value for m in app.metric if m.label == "Wines") == "6,497"


def test_an_ensembles_link_with_an_unknown_wine_set_falls_back_with_a_note():
    app = opened("ensembles.py", wines="rosé", folds="eleven", tab="Gossip")
    note = link_note(app)
    assert "Wine set: the link's 'rosé'" in note and "Cross-validation folds: the link's 'eleven'" in note
    assert "Data view: the link's 'Gossip'" in note
    assert app.radio(key="wines").value == "red" and app.number_input(key="folds").value == 5


def fitted(app: AppTest) -> AppTest:
    """The page with its ensembles fitted: press the button unless a fit of these settings is cached already
    (another test's, on the same server process)."""
    button = next((b for b in app.button if b.label == "Run the ensembles"), None)
    if button is not None:
        button.click()
    run_until_ready(app)  # the run is a job: follow it to its end, as the page does
    assert not app.exception, app.exception
    return app


def test_one_wines_measurements_go_back_to_the_median_wine_of_a_new_set():
    app = fitted(opened("ensembles.py", iterations="2", folds="3", alcohol="13.5"))
    assert app.slider(key="alcohol").value == 13.5  # the link's wine
    assert app.slider(key="residual_sugar").value == pytest.approx(2.2)  # and otherwise the median red wine
    app.radio(key="wines").set_value("white").run()
    fitted(app)
    sliders = [app.slider(key=name) for name in MEASUREMENTS]
    assert [slider.value for slider in sliders] == [slider.proto.default[0] for slider in sliders]
    assert app.slider(key="residual_sugar").value == pytest.approx(5.2)  # the median white wine


# ---------------------------------------------------------------- recommender
def test_a_recommender_link_restores_the_model_and_what_it_is_asked():
    app = opened("recommender.py", algorithm="KNNBasic", knn_k="20", knn_similarity="cosine", n="5",
                 tab="Similar movies", similar_movie="Matrix", compare=["SVD", "BaselineOnly"], tune="k-NN")
    assert app.selectbox(key="algorithm").value == "KNNBasic"
    assert app.number_input(key="knn_k").value == 20 and app.selectbox(key="knn_similarity").value == "cosine"
    assert app.slider(key="n").value == 5 and app.text_input(key="similar_movie").value == "Matrix"
    assert app.session_state["tab"] == "Similar movies"
    assert app.multiselect(key="compare").value == ["SVD", "BaselineOnly"] and app.radio(key="tune").value == "k-NN"
    assert no_link_note(app)
    assert any("Top 5 unseen movies for user 1" in m.value for m in app.markdown)


def test_a_recommender_link_with_an_unknown_algorithm_falls_back_with_a_note():
    app = opened("recommender.py", algorithm="DeepMagic", n="lots")
    note = link_note(app)  # one note for the model above the tabs and the view in them
    assert "Algorithm: the link's 'DeepMagic'" in note and "How many recommendations: the link's 'lots'" in note
    assert app.selectbox(key="algorithm").value == "SVD" and app.slider(key="n").value == 10


def test_a_recommender_link_restores_a_newcomers_picks_and_ratings():
    app = opened("recommender.py", tab="You (cold start)", cold_movies=["Toy Story (1995)", "Atlantis (2099)"],
                 cold_1="2.5", svd_factors="500")
    assert app.multiselect(key="cold_movies").value == [1] and app.select_slider(key="cold_1").value == 2.5
    note = link_note(app)
    assert "Movies you have seen: the link's 'Atlantis (2099)' is not available here" in note
    assert "Latent factors (SVD): the link's '500'" in note and app.slider(key="svd_factors").value == 100


# ---------------------------------------------------------------- attribution
def test_an_attribution_link_restores_the_order_measure_threshold_and_path():
    app = opened("attribution.py", order="2", measure="conversion value", edges="0.1", path="alpha > iota")
    assert app.segmented_control(key="order").value == 2
    assert app.radio(key="measure").value == "conversion value" and app.slider(key="edges").value == 0.1
    assert app.text_input(key="path").value == "alpha > iota"
    assert no_link_note(app)
    assert any(s.value.startswith("Attribution: Markov order 2") for s in app.subheader)


def test_an_attribution_link_with_an_unknown_order_falls_back_with_a_note():
    app = opened("attribution.py", order="7", edges="-3")
    note = link_note(app)
    assert "Markov order k: the link's '7'" in note and "Show edges with probability: the link's '-3'" in note
    assert app.segmented_control(key="order").value == 1 and app.slider(key="edges").value == 0.05


# ---------------------------------------------------------------- inside a recurrent network
def test_an_rnn_internals_link_restores_the_controls_and_the_word():
    app = opened("rnn_internals.py", T="12", hidden="8", radius="0.9", k="5", clip="1.5", word="tensor")
    assert (app.slider(key="T").value, app.slider(key="hidden").value, app.slider(key="k").value) == (12, 8, 5)
    assert app.slider(key="radius").value == 0.9 and app.slider(key="clip").value == 1.5
    assert app.text_input(key="word").value == "tensor"
    assert no_link_note(app)
    assert any("T = 12" in h.value for h in app.header) or any("T = 12" in w.value for w in app.markdown)


def test_an_rnn_internals_link_with_a_malformed_value_falls_back_with_a_note():
    app = opened("rnn_internals.py", T="long", radius="x", hidden="12")
    note = link_note(app)
    assert "Sequence length T: the link's 'long'" in note and "Spectral radius of W: the link's 'x'" in note
    assert app.slider(key="T").value == 40 and app.slider(key="radius").value == 3.0
    assert app.slider(key="hidden").value == 12  # the usable value of the same link is kept


# ---------------------------------------------------------------- part-of-speech tagging
def test_a_pos_tagging_link_restores_the_transitions_and_the_sentence():
    app = opened("pos_tagging.py", timeout=600, order="bigram", sentence="Time flies like an arrow.")
    assert app.segmented_control(key="order").value == "bigram"
    assert app.text_input(key="sentence").value == "Time flies like an arrow."
    assert no_link_note(app)
    assert app.dataframe[0].value.word.tolist() == ["Time", "flies", "like", "an", "arrow", "."]


def test_a_pos_tagging_link_with_an_unknown_model_falls_back_with_a_note():
    app = opened("pos_tagging.py", timeout=600, order="4-gram")
    assert "Transitions: the link's '4-gram' is not available here; showing trigram." in link_note(app)
    assert app.segmented_control(key="order").value == "trigram"
