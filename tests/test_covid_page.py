"""The COVID-19 lockdowns & mobility page, driven by Streamlit's AppTest: defaults and unusual selections."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import page_has_no_exception, wait_for_app
from streamlit.testing.v1 import AppTest

PAGE = "pages/covid_mobility.py"


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(f"../{PAGE}", default_timeout=120).run()


def texts(at: AppTest, kind: str) -> str:
    return " ".join(element.value for element in getattr(at, kind))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_defaults_compare_the_articles_four_countries(app):
    assert not app.exception
    assert app.multiselect[0].value == ["Germany", "Sweden", "Italy", "New Zealand"]
    assert app.slider[0].value == 6 and "13-day centred window" in texts(app, "caption")
    shown = metrics(app)
    assert shown["Germany: peak index"] == "70.8" and shown["Peak date"] == "2020-04-29"
    assert shown["Workplaces low (%)"] == "-47.3"
    relation, ranking = app.dataframe[0].value, app.dataframe[1].value
    assert set(relation["country"]) == {"Germany", "Sweden", "Italy", "New Zealand"}
    sweden = relation[(relation["country"] == "Sweden") & (relation["category"] == "Workplaces")].iloc[0]
    assert sweden["mobility extreme"] == pytest.approx(-38.923, abs=1e-3)
    assert len(ranking) == 185
    assert "**Sweden** ranks 158 of 185" in texts(app, "markdown")
    # 4 category charts, the index, the twin-axis view and the scatter.
    assert len(app.get("plotly_chart")) == 7
    assert len(app.get("download_button")) == 2
    credits = texts(app, "caption")
    assert "CC BY 4.0" in credits and "Google COVID-19 Community Mobility Reports" in credits
    assert "Terms of Service" in credits
    assert not app.warning  # the four have full mobility in the article's period


def test_a_country_without_mobility_is_named_and_charted_by_its_index_only(app):
    app.multiselect[0].set_value(["Sweden", "United Kingdom"]).run()
    assert not app.exception
    assert "United Kingdom: no Google mobility data" in texts(app, "warning")
    app.selectbox[1].set_value("United Kingdom").run()
    assert not app.exception
    assert metrics(app)["United Kingdom: peak index"]
    relation = app.dataframe[0].value
    uk = relation[relation["country"] == "United Kingdom"]
    assert len(uk) == 4 and uk["mobility extreme"].isna().all()


def test_sweden_ending_early_is_noted_for_a_long_period(app):
    app.date_input[0].set_value((dt.date(2020, 3, 1), dt.date(2021, 3, 1))).run()
    assert not app.exception
    assert "Sweden runs 2020-02-15 to 2020-10-09; in the chosen period it ends early" in texts(app, "warning")


def test_an_empty_selection_explains_and_keeps_the_ranking(app):
    app.multiselect[0].set_value([]).run()
    assert not app.exception
    assert "Choose at least one country" in texts(app, "info")
    assert len(app.dataframe) == 1 and len(app.dataframe[0].value) == 185
    app.multiselect[0].set_value(["Italy"]).run()
    app.multiselect[1].set_value([]).run()
    assert not app.exception
    assert "Choose at least one mobility category" in texts(app, "info")
    assert metrics(app)["Italy: peak index"] == "85.4"  # the index figures do not need a category


def test_a_period_outside_the_mobility_data(app):
    app.date_input[0].set_value((dt.date(2022, 1, 1), dt.date(2022, 6, 30))).run()
    assert not app.exception
    warning = texts(app, "warning")
    assert "covers 2020-02-15 to 2021-06-19 only" in warning and "none of it falls in the chosen period" in warning
    assert "No Google mobility data for these countries in this period." in texts(app, "info")
    ranking = app.dataframe[-1].value
    assert len(ranking) == 185 and ranking.filter(like="(%)").isna().all().all()
    app.date_input[0].set_value((dt.date(2022, 1, 1),)).run()  # half-picked range
    assert not app.exception and "end date" in texts(app, "info")


def test_a_period_before_any_measure_rises(app):
    app.date_input[0].set_value((dt.date(2020, 1, 2), dt.date(2020, 1, 6))).run()
    assert not app.exception  # no country's index rises: the first-rise column is empty, not a crash


def test_other_index_window_and_lags(app):
    app.selectbox[0].set_value("stringency").run()
    app.slider[0].set_value(0).run()
    app.slider[1].set_value((0, 7)).run()
    assert not app.exception
    assert "1-day centred window" in texts(app, "caption")
    lags = app.dataframe[0].value["best lag (days)"].dropna()
    assert lags.between(0, 7).all()


@pytest.mark.browser
def test_page_in_the_browser_shows_charts_figures_and_ranking(app_url, page):
    page.goto(f"{app_url}/covid_mobility")
    wait_for_app(page)
    page.get_by_text("ranks 158 of 185").wait_for(timeout=60_000)
    page_has_no_exception(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
    peak = page.get_by_text("Germany: peak index")
    peak.wait_for(timeout=60_000)  # the metrics come after the first chart
    assert peak.count() == 1
