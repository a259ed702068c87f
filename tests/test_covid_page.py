"""The COVID-19 lockdowns & mobility page, driven by Streamlit's AppTest: defaults and unusual selections."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import page_has_no_exception, wait_for_app
from streamlit.testing.v1 import AppTest

PAGE = "pages/covid_mobility.py"


SECTIONS = ("show_policies", "show_country", "show_clock", "show_map", "show_ranking")


@pytest.fixture
def app() -> AppTest:
    """The page with every folded section open (as a link that opens them all does)."""
    return linked(**{section: "true" for section in SECTIONS})


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
    # 4 category charts, the index, the twin-axis view, the scatter, the common clock and the world map, and with
    # the indicators downloaded a timeline per country; under each chart its PNG and SVG, and 3 CSVs.
    from data.oxcgrt_indicators import indicators_available

    charts = 9 + (4 if indicators_available() else 0)
    assert len(app.get("plotly_chart")) == charts
    assert len(app.get("download_button")) == 2 * charts + 3
    credits = texts(app, "caption")
    assert "CC BY 4.0" in credits and "Google COVID-19 Community Mobility Reports" in credits
    assert "Terms of Service" in credits
    assert not app.warning  # the four have full mobility in the article's period
    assert not app.info or "link" not in app.info[0].value  # no link note without a link


def test_a_first_visit_draws_the_first_charts_and_folds_the_rest():
    at = AppTest.from_file(f"../{PAGE}", default_timeout=120).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 5  # the 4 categories and the index; nothing folded is computed
    assert not at.dataframe and not at.metric
    assert [e.label for e in at.expander][-4:] == [
        "One country: index and mobility together, the relation quantified", "Countries on a common clock",
        "The world on one day: a map", "All countries ranked"]
    assert "**Sweden** ranks 158 of 185" in texts(at, "markdown")  # the article's question, answered unfolded
    opened = linked(show_map="true")
    assert len(opened.get("plotly_chart")) == 6 and chart_spec(opened, "Containment & health index, 2020-04-15")


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
    assert page.get_by_text("Germany: peak index").count() == 0  # folded: not computed until opened
    page.get_by_text("One country: index and mobility together").click()
    peak = page.get_by_text("Germany: peak index")
    peak.wait_for(timeout=60_000)
    assert peak.count() == 1 and "show_country=true" in page.url


def chart_spec(at: AppTest, title_part: str) -> dict:
    """The plotly figure whose title (or one of its x axes' titles) contains ``title_part``."""
    import json

    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        layout = spec["layout"]
        titles = [(layout.get(name) or {}).get("title") or {} for name in layout if name.startswith("xaxis")]
        if any(title_part in (title.get("text") or "") for title in [layout.get("title") or {}, *titles]):
            return spec
    raise AssertionError(f"no chart titled like {title_part!r}")


def linked(**params) -> AppTest:
    at = AppTest.from_file(f"../{PAGE}", default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def test_a_link_reopens_countries_period_index_alignment_and_map_date():
    at = linked(countries=["Norway", "Denmark"], period=["2020-09-01", "2021-03-01"], index="Stringency index",
                categories=["Parks", "Workplaces"], smoothing="3", lags=["-7", "14"], align="Index level", level="40",
                axes="independent", map="Workplaces mobility (smoothed % change)", map_date="2020-12-25",
                focus="Denmark")
    assert not at.exception
    assert at.multiselect(key="countries").value == ["Norway", "Denmark"]
    assert at.date_input(key="period").value == (dt.date(2020, 9, 1), dt.date(2021, 3, 1))
    assert at.selectbox(key="index").value == "stringency"
    assert at.multiselect(key="categories").value == ["parks", "workplaces"]
    assert at.slider(key="smoothing").value == 3 and at.slider(key="lags").value == (-7, 14)
    assert at.radio(key="align").value == "index" and at.slider(key="level").value == 40
    assert at.radio(key="axes").value == "independent" and at.selectbox(key="focus").value == "Denmark"
    assert at.slider(key="map_date").value == dt.date(2020, 12, 25)
    assert not [i for i in at.info if "link" in i.value]  # everything the link asked for is shown
    world = chart_spec(at, "Workplaces mobility (smoothed % change), 2020-12-25")
    z = dict(zip(world["data"][0]["locations"], world["data"][0]["z"]))
    assert z["NOR"] is not None and z["NOR"] < 0  # workplaces below the baseline at Christmas
    clock = chart_spec(at, "days since stringency index first reached 40")
    assert {a["text"] for a in clock["layout"]["annotations"]} >= {"Norway", "Denmark"}


def test_a_malformed_link_falls_back_to_the_defaults_with_a_note():
    at = linked(countries=["Atlantis", "Sweden"], period=["2020-13-45", "x"], index="Happiness index", smoothing="99",
                map_date="1999-01-01", align="Horoscope")
    assert not at.exception
    assert at.multiselect(key="countries").value == ["Sweden"]
    assert at.date_input(key="period").value == (dt.date(2020, 3, 1), dt.date(2020, 6, 4))
    assert at.selectbox(key="index").value == "containment_health" and at.slider(key="smoothing").value == 6
    assert at.slider(key="map_date").value == dt.date(2020, 4, 15) and at.radio(key="align").value == "index"
    note = next(i.value for i in at.info if "This link asked for something" in i.value)
    for asked in ("'Atlantis'", "'Happiness index'", "'99'", "'1999-01-01'", "'Horoscope'", "'2020-13-45'"):
        assert asked in note


def test_the_map_date_moves_the_map_and_a_mobility_map_uses_its_own_days(app):
    before = chart_spec(app, "Containment & health index, 2020-04-15")["data"][0]
    app.slider(key="map_date").set_value(dt.date(2021, 1, 10)).run()
    assert not app.exception
    after = chart_spec(app, "Containment & health index, 2021-01-10")["data"][0]
    assert before["locations"] == after["locations"] and before["z"] != after["z"]
    frames = chart_spec(app, "Containment & health index, 2021-01-10")["frames"]
    assert frames[0]["name"] == "2021-01-10" and frames[1]["name"] == "2021-01-17"  # play: a week a step
    app.selectbox(key="map").set_value("parks").run()
    assert not app.exception
    last = dt.datetime(2021, 6, 19, tzinfo=dt.timezone.utc).timestamp() * 1e6  # the slider's bound, in microseconds
    assert app.slider(key="map_date").max == last  # the mobility data's last day, not OxCGRT's


def test_the_common_clock_lists_countries_that_never_reach_the_level(app):
    app.slider(key="level").set_value(85).run()
    assert not app.exception
    assert "Never reached in the period, so left out: Germany, Sweden, New Zealand." in texts(app, "info")
    assert "Italy 2020-04-" in texts(app, "caption")


def _map_click_on_norway_sweden_and_the_sea() -> None:
    from types import SimpleNamespace

    import streamlit as st

    from components.covid_sections import add_clicked_country

    st.session_state["countries"] = ["Sweden"]
    points = [{"location": "NOR"}, {"location": "SWE"}, {"location": "XXX"}]
    st.session_state["world_map"] = SimpleNamespace(selection=SimpleNamespace(points=points))
    add_clicked_country()  # what the map's on_select runs with the points Plotly reports


def test_a_click_on_the_map_adds_the_country_once_and_ignores_what_is_no_country():
    at = AppTest.from_function(_map_click_on_norway_sweden_and_the_sea, default_timeout=120).run()
    assert not at.exception
    assert at.session_state["countries"] == ["Sweden", "Norway"]
