"""AppTest of the ensembles page: data overview, bad bins, a small run, results kept by settings, one wine."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from conftest import run_until_ready

PAGE = str(PROJECT_ROOT / "pages" / "ensembles.py")
MODELS = ["Random forest", "Histogram gradient boosting", "AdaBoost", "Stacking (logistic regression)"]


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    app = AppTest.from_file(PAGE, default_timeout=240).run()
    no_exception(app)
    return app


def no_exception(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def run_button(app: AppTest):
    return next(b for b in app.button if b.label == "Run the ensembles")


def test_overview_then_a_small_run_then_one_wine(app):
    shown = metrics(app)
    assert shown["Wines"] == "1,599" and shown["Missing values"] == "0"
    assert any("press **Run the ensembles**" in i.value for i in app.info)
    assert "Best CV accuracy" not in shown

    app.number_input[0].set_value(2)
    app.number_input[1].set_value(3)
    run_button(app).click()
    run_until_ready(app)  # the run is a job: follow it to its end, as the page does
    no_exception(app)
    shown = metrics(app)
    assert shown["Forests tried"] == "2"
    assert 0.4 < float(shown["Best CV accuracy"]) <= 1
    for model in MODELS:
        assert shown[model] in ("low (<= 5)", "medium (6)", "high (>= 7)")  # the last metric per name: one wine
    comparison = next(d.value for d in app.dataframe if "test macro F1" in d.value.columns)
    assert list(comparison.index) == MODELS

    # moving a slider predicts again without refitting: the results are kept for these settings
    app.slider[-1].set_value(14.0).run()
    no_exception(app)
    assert "Run the ensembles" not in [b.label for b in app.button]
    assert metrics(app)["Forests tried"] == "2"


@pytest.mark.parametrize("edges, message", [
    ("5, 6, 8", "No wine falls in the bin excellent (>= 9)"),
    ("6, 5", "increase strictly"),
    ("five", "whole quality scores"),
])
def test_bad_bin_edges_are_explained_and_the_data_stays(app, edges, message):
    app.text_input[0].set_value(edges).run()
    no_exception(app)
    assert any(message in e.value for e in app.error), [e.value for e in app.error]
    assert metrics(app)["Wines"] == "1,599"
    assert not [b for b in app.button if b.label == "Run the ensembles"]


def test_white_wines_with_two_bins(app):
    app.radio[0].set_value("white").run()
    app.text_input[0].set_value("5").run()
    no_exception(app)
    assert metrics(app)["Wines"] == "4,898"
    bins = next(d.value for d in app.dataframe if "class code" in d.value.columns)
    assert bins["bin"].tolist() == ["low (<= 5)", "high (>= 6)"]
    assert bins["wines"].tolist() == [20 + 163 + 1457, 2198 + 880 + 175 + 5]


def test_a_bin_too_small_for_the_folds_stops_the_run_with_a_message(app):
    app.radio[0].set_value("white").run()
    app.text_input[0].set_value("8").run()  # only 5 white wines score 9
    run_button(app).click()
    run_until_ready(app)  # the run is a job: follow it to its end, as the page does
    no_exception(app)
    assert any("bin high (>= 9) has only" in e.value and "fewer cross-validation folds" in e.value for e in app.error)
    assert metrics(app)["Wines"] == "4,898"
    assert "Best CV accuracy" not in metrics(app)


@pytest.mark.browser
def test_page_in_a_browser_shows_the_data_and_explains_an_empty_bin(app_url, page):
    from conftest import page_has_no_exception, wait_for_app

    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Ensembles on wine quality").first.click()
    page.get_by_text("1,599", exact=True).wait_for(timeout=60_000)  # the red wines' overview
    page.get_by_role("button", name="Run the ensembles").wait_for(timeout=60_000)
    edges = page.get_by_role("textbox", name="Quality bin edges")
    edges.fill("5, 6, 8")
    edges.press("Enter")
    page.get_by_text("No wine falls in the bin excellent (>= 9)").wait_for(timeout=30_000)
    page.get_by_role("button", name="Run the ensembles").wait_for(state="detached", timeout=30_000)
    page_has_no_exception(page)
