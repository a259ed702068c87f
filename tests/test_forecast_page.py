"""AppTests of the forecasting page: a built-in series end to end, bad uploads, a repaired upload, bad settings."""
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from models.forecasting.series import prepare_series

PAGE = str(PROJECT_ROOT / "pages" / "forecasting.py")


@pytest.fixture(autouse=True)
def quick_isolated_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path / "models"))


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label.startswith(label))


def texts(elements) -> str:
    return " ".join(e.value for e in elements)


def test_builtin_series_shows_forecast_components_and_an_honest_comparison():
    app = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not app.exception, app.exception
    assert float(metric(app, "Forecast at the horizon")) > 300  # air passengers, thousands, around 1961
    verdict = texts(app.success) + texts(app.warning)
    assert "Seasonal naive" in verdict and "Holt-Winters (ETS)" in verdict and "%" in verdict
    comparison = app.dataframe[0].value
    assert list(comparison["model"]) == ["Prophet", "Holt-Winters (ETS)", "Seasonal naive"]
    by_horizon = app.dataframe[1].value
    assert set(by_horizon["model"]) == set(comparison["model"]) and len(by_horizon) == 3 * 6  # 12 months in bands of 2
    assert len(app.get("download_button")) == 1
    assert "Example time series from Prophet" in texts(app.caption)
    horizon = app.slider[0]
    horizon.set_value(5).run()
    assert not app.exception and len(app.dataframe[1].value) == 3 * 5


def upload(content: bytes, **state) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["forecast_source"] = "Upload your own CSV"  # skip the built-in series' fit
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    app.file_uploader[0].set_value(("mine.csv", content, "text/csv")).run()
    assert not app.exception, app.exception
    return app


def csv(dates, values) -> bytes:
    return pd.DataFrame({"date": dates, "sales": values}).to_csv(index=False).encode()


DAYS = pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d").tolist()


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (csv(DAYS[:-1] + ["someday"], range(60)), "not dates"),
    (csv(DAYS, ["12"] * 59 + ["twelve"]), "not numeric"),
    (csv(DAYS[:8], range(8)), "at least 20"),
    (csv(DAYS, [7] * 60), "constant"),
])
def test_bad_uploads_get_a_message_not_a_traceback(content, message):
    app = upload(content)
    assert message in texts(app.error)
    assert not app.metric


def test_an_upload_with_duplicates_and_gaps_is_repaired_forecast_and_explained():
    values = 50 + 5 * np.sin(2 * np.pi * np.arange(60) / 7)
    frame = pd.DataFrame({"date": DAYS, "sales": values})
    frame.loc[10, "sales"] = np.nan
    frame = pd.concat([frame, frame.iloc[[3]]])  # one date twice
    key = prepare_series(frame, "date", "sales").key  # the page keys its per-series widgets by this
    state = {f"forecast_horizon_{key}": 7, f"forecast_cap_{key}": 10.0, "forecast_growth": "logistic"}
    app = upload(frame.to_csv(index=False).encode(), **state)
    notes = texts(app.info)
    assert "1 duplicated date" in notes and "left as gaps" in notes
    assert "outside the cap/floor range" in texts(app.error)  # the cap is below the data
    assert not app.metric
    app.radio(key="forecast_growth").set_value("linear").run()
    assert not app.exception
    assert 40 < float(metric(app, "Forecast at the horizon")) < 60
    assert "Data: your upload" in texts(app.caption)
