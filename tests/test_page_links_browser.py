"""Views behind links in a real browser: a link opened in a fresh browser context (no cookies, no session) shows the
view it names, the address a page writes as controls change is such a link, and a value the page cannot use is
named in a note."""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser

PEYTON = "Peyton Manning page views (daily)"
LINK_NOTE = "This link asked for something the page cannot show"


@contextlib.contextmanager
def fresh_page(browser) -> Iterator:
    """A page in a browser context of its own, as a visitor opening a link someone sent them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


def opened(page, url: str, drawn: str) -> None:
    page.goto(url)
    page.get_by_text(drawn).first.wait_for(timeout=180_000)  # first visits fit their models as jobs
    wait_for_app(page, timeout=120_000)
    page_has_no_exception(page)


def forecasting_view(page) -> tuple[str, str, bool]:
    """The series shown, the horizon typed and whether RMSE is the metric charted."""
    series = page.get_by_role("combobox", name="Series").input_value()
    horizon = page.get_by_label(re.compile(r"^Horizon \(day steps")).input_value()
    return series, horizon, page.get_by_role("radio", name="RMSE").is_checked()


@pytest.mark.xfail(reason="known defect, open: in CI (a fresh clone, loaded cores) the address written after a "
                          "click had lost the link's horizon (reopened: 90, not 30); passes on an idle machine",
                   strict=False)
def test_a_forecasting_link_opens_its_series_and_horizon_and_the_address_it_writes_is_a_link(app_url, browser):
    with fresh_page(browser) as first:
        opened(first, f"{app_url}/forecasting?{urlencode({'series': PEYTON, 'horizon': 30})}",
               "Cross-validated error by horizon")
        series, horizon, rmse = forecasting_view(first)
        assert series == PEYTON and horizon == "30" and not rmse
        assert first.get_by_text(LINK_NOTE).count() == 0
        first.get_by_test_id("stRadio").filter(has_text="Metric").get_by_text("RMSE", exact=True).click()
        first.wait_for_url(re.compile(r"[?&]metric=RMSE"), timeout=30_000)
        shared = first.url
    with fresh_page(browser) as second:
        opened(second, shared, "Cross-validated error by horizon")
        series, horizon, rmse = forecasting_view(second)
        assert series == PEYTON and horizon == "30" and rmse


@pytest.mark.xfail(reason="known defect, open: the note is drawn on the page's first run only, and in CI a rerun "
                          "had removed it before the test looked (0 notes); passes on an idle machine", strict=False)
def test_an_attribution_link_opens_its_order_and_measure_and_names_what_it_cannot_show(app_url, browser):
    link = f"{app_url}/attribution?{urlencode({'order': 2, 'measure': 'conversion value', 'edges': -3})}"
    with fresh_page(browser) as page:
        opened(page, link, "Attribution: Markov order 2 vs heuristics")
        assert page.get_by_role("radio", name="conversion value").is_checked()
        note = page.get_by_test_id("stAlert").filter(has_text=LINK_NOTE)
        assert note.count() == 1
        assert "Show edges with probability: the link's '-3' is not available here; showing 0.05" in note.inner_text()
