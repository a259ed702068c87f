"""Prophet through the model cache (JSON, no pickle), logistic growth, and evaluation against baselines."""
import logging

import numpy as np
import pandas as pd
import pytest

from core.cache import ModelCache
from core.errors import InputError
from models.forecasting.series import prepare_series
from models.forecasting.model import (MAX_HORIZON, PROPHET, ProphetParams, comparison, component_names, default_folds,
                                      default_params, evaluable_horizon, evaluate, failures_explained, fit_cached,
                                      fit_prophet, forecast, forecast_job, forecast_views, horizon_bounds,
                                      logistic_bounds, metrics_by_horizon, prophet_scores, rolling_cutoffs,
                                      seasonality_profile, significant_changepoints, verdicts)

WEEKLY = ProphetParams(yearly=False, weekly=True, daily=False)


def weekly_series(n: int = 120, noise: float = 0.3):
    t = np.arange(n)
    y = 20 + 0.05 * t + 3 * np.sin(2 * np.pi * t / 7) + np.random.default_rng(1).normal(0, noise, n)
    return prepare_series(pd.DataFrame({"ds": pd.date_range("2024-01-01", periods=n), "y": y}), "ds", "y")


@pytest.fixture(scope="module")
def series():
    return weekly_series()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return ModelCache(tmp_path_factory.mktemp("forecast-models"))


@pytest.fixture(scope="module")
def model(series, cache):
    return fit_cached(series, WEEKLY, cache)


def test_defaults_only_turn_on_seasonalities_the_data_can_show(series):
    assert default_params(series) == ProphetParams(yearly=False, weekly=True, daily=False)


def test_the_fit_is_saved_as_json_and_reloads_to_the_same_forecast(series, cache, model):
    folder = next(p for p in cache.root.iterdir() if p.name.startswith("prophet-forecast-"))
    assert sorted(p.name for p in folder.iterdir()) == ["MANIFEST.json", "model.json"]
    reloaded = fit_cached(series, WEEKLY, cache, progress=None)
    assert reloaded is not model  # read back from model.json, not refitted and not the same object
    np.random.seed(0)
    first = forecast(model, series, 14, WEEKLY)
    np.random.seed(0)
    second = forecast(reloaded, series, 14, WEEKLY)
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == 120 + 14 and first["y"].tail(14).isna().all()
    assert {"trend", "weekly"} <= set(first.columns)


def test_weekly_seasonality_is_recovered(series, model):
    profile = seasonality_profile(model, "weekly", series.cadence)
    assert profile["period_days"].iloc[0] == 7 and len(profile) == 7  # daily data pin down 7 points a week
    assert profile["effect"].max() - profile["effect"].min() == pytest.approx(6, rel=0.15)
    assert component_names(model) == ["weekly"]
    assert len(significant_changepoints(model)) <= len(model.changepoints)


def test_evaluation_scores_every_model_on_the_same_points(series, model):
    result = evaluate(model, series, horizon=7, folds=2, params=WEEKLY)
    assert result.folds == 2
    points = result.points
    dates = {name: set(zip(group["cutoff"], group["ds"])) for name, group in points.groupby("model")}
    assert set(dates) == {PROPHET, "Seasonal naive", "Holt-Winters (ETS)"}
    assert dates[PROPHET] == dates["Seasonal naive"] == dates["Holt-Winters (ETS)"]
    assert len(dates[PROPHET]) == 14 and points["step"].between(1, 7).all()
    holdout = result.holdout
    assert holdout["ds"].max() == series.frame["ds"].max() and holdout["step"].nunique() == 7
    table = comparison(result)
    assert list(table["model"])[0] == PROPHET and table["CV MAE"].lt(3).all()
    assert table.loc[0, "CV coverage %"] > 0
    assert len(verdicts(table)) == 2 and all("Prophet" in v.sentence and "%" in v.sentence for v in verdicts(table))
    assert set(metrics_by_horizon(result)["step"]) == set(range(1, 8))
    assert len(metrics_by_horizon(result, max_bands=3)) == 3 * 3


def test_verdicts_say_who_wins_and_by_how_much():
    table = pd.DataFrame({"model": [PROPHET, "Seasonal naive", "Holt-Winters (ETS)"], "CV MAE": [1.0, 2.0, 0.8]})
    beat, lost = verdicts(table)
    assert beat.sentence.startswith("Prophet beats Seasonal naive") and "50.0% lower" in beat.sentence
    assert lost.sentence.startswith("Prophet does not beat Holt-Winters") and "25.0% higher" in lost.sentence
    assert beat.prophet_wins and not lost.prophet_wins


def test_forecast_views_end_at_the_horizon_with_its_headline(series, model):
    views = forecast_views(model, series, 7, WEEKLY)
    assert views.frame["ds"].iloc[-1] == series.frame["ds"].max() + pd.Timedelta(days=7)
    assert list(views.profiles) == ["weekly"] and views.components == ["weekly"]
    last = views.frame.iloc[-1]
    assert views.headline(0.8) == [("Forecast at the horizon", f"{last['yhat']:.4g}"),
                                   ("80% interval", f"{last['yhat_lower']:.4g} to {last['yhat_upper']:.4g}"),
                                   ("Significant trend changepoints", len(views.changepoints))]


def test_method_and_scores_say_what_was_kept_and_how_prophet_did(series, model):
    result = evaluate(model, series, horizon=30, folds=4, params=WEEKLY)  # 120 points leave room for 3 origins
    method = result.method(4, series.cadence)
    assert result.folds == 3 and "at 3 forecast origin(s) (1 earlier origin(s) had too little history)" in method
    assert "repeat the last 7 steps" in method and "the final 30 steps (one step = one day)" in method
    assert "too little history" not in result.method(3, series.cadence)
    table = comparison(result)
    scores = prophet_scores(table, 0.9)
    assert [label for label, _, _ in scores] == ["Prophet holdout MAE", "Prophet holdout MAPE", "Prophet CV MAE",
                                                 "Prophet CV coverage"]
    assert scores[2][1] == f"{table.loc[0, 'CV MAE']:.4g}" and scores[3][1].endswith("%")
    assert scores[3][2] == "Share of actual values inside the 90% interval; ideally 90%."


def test_horizons_are_bounded_by_the_history_evaluation_needs(series):
    assert evaluable_horizon(120) == 36 and evaluable_horizon(11) == 1 and evaluable_horizon(4000) == 1330
    assert horizon_bounds(series) == (36, 36)  # 90 days by default, but only 36 can be tested
    months = prepare_series(pd.DataFrame({"ds": pd.date_range("2000-01-01", periods=100, freq="MS"),
                                          "y": np.arange(100.0)}), "ds", "y")
    assert horizon_bounds(months) == (30, 12)
    minutes = prepare_series(pd.DataFrame({"ds": pd.date_range("2024-01-01", periods=4000, freq="5min"),
                                           "y": np.arange(4000.0) % 50}), "ds", "y")
    assert horizon_bounds(minutes) == (MAX_HORIZON, 288)  # no natural span for 5 minutes: one day's season


def test_defaults_for_logistic_bounds_and_folds(monkeypatch):
    assert logistic_bounds(pd.Series([10.0, 15.0, 20.0])) == (22.0, 8.0)
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    assert default_folds() == 2
    monkeypatch.setenv("ML_ATLAS_QUICK", "0")
    assert default_folds() == 4
    assert ProphetParams(seasonality_mode="multiplicative").multiplicative and not ProphetParams().multiplicative


def test_prophet_failures_become_input_errors_that_say_what_to_try(caplog):
    with pytest.raises(InputError, match=r"^Fit failed: Dataframe has no rows\. Try less\.$"):
        with failures_explained("Fit failed", "Try less."):
            raise ValueError("Dataframe has no rows.")
    with pytest.raises(InputError, match="^Bad cap$"):
        with failures_explained("Fit failed", "Try less."):
            raise InputError("Bad cap")


def test_a_stan_failure_is_a_message_with_the_full_error_logged(series, caplog):
    absurd_cap = ProphetParams(growth="logistic", cap=1e300, yearly=False)  # Stan's optimiser fails on it
    with caplog.at_level(logging.ERROR, logger="models.forecasting.model"):
        with pytest.raises(InputError, match=r"^Prophet could not fit this series: Stan's optimiser stopped") as error:
            fit_prophet(series, absurd_cap)
    assert "cap and floor closer to the data" in str(error.value) and "/tmp" not in str(error.value)
    logged = [r for r in caplog.records if r.name == "models.forecasting.model"]
    assert logged and logged[0].exc_info and "Error during optimization" in str(logged[0].exc_info[1])
    assert forecast_job(series, absurd_cap, 7, on_disk=False).args == error.value.args  # returned to the page


def test_a_fit_of_an_upload_writes_nothing_to_the_model_cache(series, monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    in_memory = forecast_job(series, WEEKLY, 7, on_disk=False)
    assert len(in_memory.frame) == 120 + 7 and not any(tmp_path.iterdir())
    forecast_job(series, WEEKLY, 7, on_disk=True)  # a built-in series' fit is kept, as JSON
    assert any(p.name.startswith("prophet-forecast-") for p in tmp_path.iterdir())


def test_the_horizon_ends_before_the_last_representable_date():
    n = 120
    late = prepare_series(pd.DataFrame({"ds": pd.date_range("2135-01-01", periods=n, freq="YS"),
                                        "y": np.arange(n, dtype=float) % 5}), "ds", "y")
    longest, default = horizon_bounds(late)
    assert longest == 8 and default == 3  # 2254 + 8 years fits before 2262-04-11; 36 could be evaluated
    params = ProphetParams(yearly=False, weekly=False)
    assert forecast(fit_prophet(late, params), late, longest, params)["ds"].iloc[-1] == pd.Timestamp("2262-01-01")


def test_a_horizon_too_long_for_the_history_is_refused(series):
    with pytest.raises(InputError, match="Shorten the horizon"):
        rolling_cutoffs(series, horizon=60, folds=1)
    assert len(rolling_cutoffs(series, horizon=10, folds=50)) < 50  # origins without enough history are dropped


def test_logistic_growth_needs_a_sensible_cap(series):
    with pytest.raises(InputError, match="needs a cap"):
        ProphetParams(growth="logistic").check(series.frame["y"])
    with pytest.raises(InputError, match="outside the cap"):
        ProphetParams(growth="logistic", cap=10).check(series.frame["y"])
    with pytest.raises(InputError, match="below the cap"):
        ProphetParams(growth="logistic", cap=40, floor=50).check(series.frame["y"])


def test_logistic_growth_with_holidays_saturates_below_the_cap(tmp_path):
    short = weekly_series(90)
    params = ProphetParams(growth="logistic", cap=30.0, floor=10.0, yearly=False, country="US")
    model = fit_cached(short, params, ModelCache(tmp_path))
    predicted = forecast(model, short, 200, params)
    assert predicted["trend"].max() <= 30.0 + 1e-6
    assert "holidays" in component_names(model) and "holidays" in predicted
