"""AppTests of the forecasting page: a built-in series end to end, bad uploads, a repaired upload, bad settings,
uploads kept out of the model cache and keyed by their bytes."""
import hashlib
import io
import os

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from components.artifact_store import artifact_store
from models.forecasting.model import default_params, horizon_bounds
from models.forecasting.series import prepare_series

PAGE = str(PROJECT_ROOT / "pages" / "forecasting.py")


@pytest.fixture(autouse=True)
def model_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path / "models"))
    return tmp_path / "models"


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
    downloads = [button.proto.label for button in app.get("download_button")]
    assert downloads.count("Download the forecast (CSV)") == 1 and downloads.count("CSV") == 2  # and both tables
    assert "Example time series from Prophet" in texts(app.caption)
    horizon = app.number_input(key="horizon")
    horizon.set_value(5).run()
    assert not app.exception and len(app.dataframe[1].value) == 3 * 5


def upload(content: bytes, **state) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["data"] = "Upload your own CSV"  # skip the built-in series' fit
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
    (csv(DAYS[:-1] + ["2300-01-01"], range(60)), "'2300-01-01' in row 60"),
    (csv(["1900-01-01"] + DAYS[1:], range(60)), "45,350 steps, one every day, for 60 values"),
    (csv(DAYS, [*range(59), "-inf"]), "'-inf' at row 60"),
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
    content = frame.to_csv(index=False).encode()
    app = upload(content, horizon=7, cap=10.0, growth="logistic")
    notes = texts(app.info)
    assert "1 duplicated date" in notes and "left as gaps" in notes
    assert "outside the cap/floor range" in texts(app.error)  # the cap is below the data
    assert not app.metric
    app.radio(key="growth").set_value("linear").run()
    assert not app.exception
    assert 40 < float(metric(app, "Forecast at the horizon")) < 60
    assert "Data: your upload" in texts(app.caption)


def key_of(content: bytes, value_column: str) -> str:
    """The key of the page's forecast of an upload at its default settings (the upload's bytes, column, settings)."""
    origin = hashlib.sha256(content).hexdigest()  # what components.upload identifies an upload by
    series = prepare_series(pd.read_csv(io.BytesIO(content)), "date", value_column, origin=origin)
    return f"forecast-{series.key}-{default_params(series)!r}-{horizon_bounds(series)[1]}"


def files_under(folder) -> set[str]:
    return {os.path.join(root, name) for root, _, names in os.walk(folder) for name in names}


def test_an_upload_is_fitted_in_memory_under_its_own_key_and_never_written_to_the_model_cache(model_dir):
    values = 50 + 5 * np.sin(2 * np.pi * np.arange(60) / 7)
    sales_first = pd.DataFrame({"date": DAYS, "sales": values, "cost": values / 2})
    cost_first = sales_first.rename(columns={"sales": "cost", "cost": "sales"})  # the same cells, headers swapped
    before = files_under(model_dir)
    for frame in (sales_first, cost_first):  # the page picks the second column both times: equal parsed series
        content = frame.to_csv(index=False).encode()
        app = upload(content)
        value_column = next(box.value for box in app.selectbox if box.label == "Value column")
        assert value_column == ("sales" if frame is sales_first else "cost")
        assert app.metric and not app.error
        assert artifact_store().cached(key_of(content, value_column)) is not None
    assert key_of(sales_first.to_csv(index=False).encode(), "sales") != key_of(cost_first.to_csv(index=False).encode(),
                                                                               "cost")
    assert files_under(model_dir) == before  # nothing of either upload (no fit, no history) is on disk


def test_a_prophet_failure_is_a_message_on_the_page():
    values = 50 + 5 * np.sin(2 * np.pi * np.arange(60) / 7)
    content = pd.DataFrame({"date": DAYS, "sales": values}).to_csv(index=False).encode()
    app = upload(content, growth="logistic", cap=1e300)  # Stan fails on this cap
    assert texts(app.error).startswith("Prophet could not fit this series: Stan's optimiser stopped")
    assert "did not finish" not in texts(app.error) and not app.button  # a message, not a failed job to retry
    assert not app.metric
