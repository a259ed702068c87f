"""Forecast metrics (MAPE with zeros included) and the baselines on series whose seasonality is known."""
import math

import numpy as np
import pandas as pd
import pytest

from models.forecasting.baselines import HoltWinters, SeasonalNaive
from models.forecasting.metrics import coverage, horizon_bands, mae, mape, metrics_by, rmse


def test_point_metrics_match_hand_computation():
    actual, predicted = [1, 2, 4], [2, 2, 1]
    assert mae(actual, predicted) == pytest.approx(4 / 3)
    assert rmse(actual, predicted) == pytest.approx(math.sqrt(10 / 3))
    assert mape(actual, predicted) == pytest.approx(100 * (1 + 0 + 0.75) / 3)


def test_mape_skips_zero_actuals_instead_of_exploding():
    assert mape([0, 2, 4], [5, 1, 4]) == pytest.approx(100 * (0.5 + 0) / 2)
    assert math.isnan(mape([0, 0], [1, 2]))
    assert math.isfinite(mape([0.0, 1e-12, 3.0], [1.0, 1.0, 3.0]))


def test_coverage_counts_actuals_inside_the_interval():
    assert coverage([1, 5, 3, 10], [0, 0, 0, 0], [2, 4, 3, 20]) == 75
    assert math.isnan(coverage([1, 2], [np.nan, np.nan], [np.nan, np.nan]))


def test_metrics_by_group_and_horizon_bands():
    points = pd.DataFrame({"model": ["a", "a", "b", "b"], "y": [1.0, 2, 1, 2], "yhat": [1.0, 2, 2, 4]})
    table = metrics_by(points, "model").set_index("model")
    assert table.loc["a", "MAE"] == 0 and table.loc["b", "MAE"] == 1.5
    assert table.loc["b", "points"] == 2
    bands = horizon_bands(pd.Series(range(1, 31)), max_bands=10)
    assert list(bands.cat.categories) == ["1-3", "4-6", "7-9", "10-12", "13-15", "16-18", "19-21", "22-24",
                                          "25-27", "28-30"]
    assert bands.iloc[29] == "28-30" and bands.cat.ordered
    assert list(horizon_bands(pd.Series([1, 2, 3]), 10)) == ["1", "2", "3"]


def seasonal_series(n: int, season: int, trend: float = 0.0, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 50 + trend * t + 10 * np.sin(2 * np.pi * t / season) + rng.normal(0, noise, n)


def test_seasonal_naive_repeats_the_last_season_exactly():
    y = seasonal_series(70, 7)
    predicted = SeasonalNaive(7).fit(y).predict(10)
    np.testing.assert_allclose(predicted, seasonal_series(80, 7)[70:], atol=1e-9)
    assert SeasonalNaive(1).fit([1.0, 2, 3]).predict(2).tolist() == [3, 3]


def test_baselines_fill_gaps_before_fitting():
    y = seasonal_series(70, 7)
    y[[20, 66]] = np.nan
    assert np.isfinite(SeasonalNaive(7).fit(y).predict(7)).all()
    assert np.isfinite(HoltWinters(7).fit(y).predict(7)).all()


def test_holt_winters_learns_trend_and_season_better_than_seasonal_naive():
    y = seasonal_series(24 * 8, 12, trend=0.5, noise=0.5)
    future = seasonal_series(24 * 8 + 24, 12, trend=0.5)[-24:]
    smoothing = mae(future, HoltWinters(12).fit(y).predict(24))
    naive = mae(future, SeasonalNaive(12).fit(y).predict(24))
    assert smoothing < 2 and smoothing < naive / 2  # the seasonal naive forecast ignores the trend


def test_holt_winters_multiplicative_fits_growing_swings():
    t = np.arange(144)
    y = (100 + 2 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12))
    truth = (100 + 2 * (t[-1] + 1 + np.arange(12))) * (1 + 0.2 * np.sin(2 * np.pi * (t[-1] + 1 + np.arange(12)) / 12))
    multiplicative = mape(truth, HoltWinters(12, multiplicative=True).fit(y).predict(12))
    additive = mape(truth, HoltWinters(12).fit(y).predict(12))
    assert multiplicative < 2 and multiplicative < additive
