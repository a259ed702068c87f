"""The forecasting page in a real browser: the built-in series is forecast, evaluated and downloadable."""
import pytest

from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def test_forecasting_page_renders_forecast_and_comparison(app_url, page):
    page.goto(f"{app_url}/forecasting")
    page.get_by_text("Cross-validated error by horizon").wait_for(timeout=120_000)
    wait_for_app(page, timeout=120_000)  # the script may still be drawing the rest of the page
    for text in ("Forecast at the horizon", "Prophet CV MAE", "Seasonal naive", "Holt-Winters (ETS)"):
        page.get_by_text(text).first.wait_for(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the forecast (CSV)").click()
    assert download.value.suggested_filename == "forecast.csv"
    page_has_no_exception(page)
