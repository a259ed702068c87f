"""The COVID-19 page in headless Chromium: a link reopens its view in a fresh browser, the map redraws when its date
moves, and the CSV export carries its metadata."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser

LINK = ("/covid_mobility?countries=Norway&countries=Denmark&period=2020-09-01&period=2021-03-01"
        "&index=Stringency+index&smoothing=3&align=Index+level&level=40&map_date=2020-12-25")
MAP_DATA = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')];
    const map = charts.find(c => c.data && c.data[0] && c.data[0].type === 'choropleth');
    return map ? {z: map.data[0].z, locations: map.data[0].locations, title: map.layout.title.text} : null;
}"""


def opened(page, url: str):
    page.goto(url)
    wait_for_app(page, timeout=120_000)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=120_000)
    wait_for_app(page, timeout=120_000)
    page_has_no_exception(page)
    return page


def map_data(page) -> dict:
    page.wait_for_function(f"({MAP_DATA})() !== null", timeout=60_000)
    return page.evaluate(MAP_DATA)


def test_a_link_opened_in_a_fresh_browser_restores_the_view(app_url, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # no cookies, no session
    try:
        page = opened(context.new_page(), app_url + LINK)
        countries = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
        assert "Norway" in countries and "Denmark" in countries and "Germany" not in countries
        assert page.get_by_text("Stringency index").first.is_visible()
        assert page.get_by_text("A 7-day centred window.").count() == 1
        assert "2020-12-25" in map_data(page)["title"]  # Streamlit wraps the title in <b>
        assert "period=2020-09-01" in page.url and "map_date=2020-12-25" in page.url
        assert page.get_by_text("This link asked for something").count() == 0
    finally:
        context.close()


def test_moving_the_map_date_redraws_the_map(app_url, page):
    opened(page, app_url + "/covid_mobility")
    page.get_by_text("The world on one day: a map").click()  # folded until opened
    before = map_data(page)
    slider = page.get_by_role("slider").filter(has_text="2020-04-15")
    if slider.count() == 0:
        slider = page.locator('[data-testid="stSlider"]').last.get_by_role("slider")
    slider.focus()
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"(() => {{ const m = ({MAP_DATA})(); return m && !m.title.includes('2020-04-15'); }})",
                           timeout=60_000)
    after = map_data(page)
    assert after["locations"] == before["locations"] and after["z"] != before["z"]
    assert "map_date=" in page.url  # the new date is in the address (and opens the map from a link)
    for _ in range(30):
        page.keyboard.press("ArrowLeft")  # back to the default date: the URL must still say the map is open
    page.wait_for_function(f"(() => {{ const m = ({MAP_DATA})(); return m && m.title.includes('2020-04-15'); }})",
                           timeout=60_000)
    page.wait_for_function("() => location.search.includes('show_map=true')", timeout=30_000)
    assert "map_date=" not in page.url


def test_the_csv_export_carries_its_metadata(app_url, page):
    opened(page, app_url + "/covid_mobility")
    button = page.get_by_role("button", name="Shown countries as CSV")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as download:
        button.click()
    text = open(download.value.path(), encoding="utf-8").read()
    header = {line[2:].split(": ", 1)[0]: line[2:].split(": ", 1)[1] for line in text.splitlines()
              if line.startswith("# ")}
    assert "CC BY 4.0" in header["licence (policy)"] and "retrieved" in header["source (mobility)"]
    assert header["smoothing"].startswith("13-day centred moving average")
    assert header["countries"] == "Germany, Sweden, Italy, New Zealand"
    assert "/covid_mobility" in header["view"]
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert set(table["country"]) == {"Germany", "Sweden", "Italy", "New Zealand"}
    assert "workplaces_smoothed" in table.columns
