"""The forecasting page in a real browser: the built-in series is forecast, evaluated and downloadable."""
import pytest

from conftest import page_has_no_exception

pytestmark = pytest.mark.browser


def test_forecasting_page_renders_forecast_and_comparison(app_url, page):
    page.goto(f"{app_url}/forecasting")
    page.get_by_text("Cross-validated error by horizon").wait_for(timeout=120_000)
    body = page.inner_text("body")
    assert "Forecast at the horizon" in body and "Prophet CV MAE" in body
    assert "Seasonal naive" in body and "Holt-Winters (ETS)" in body
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the forecast (CSV)").click()
    assert download.value.suggested_filename == "forecast.csv"
    page_has_no_exception(page)
