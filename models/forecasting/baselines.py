"""Simple forecasters Prophet has to beat to be worth its complexity.

Both take the training values on an evenly spaced grid (gaps as NaN, filled by
linear interpolation since neither method accepts holes) and forecast a number
of steps past the last one.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def _filled(y) -> np.ndarray:
    """Training values with interior gaps interpolated and leading/trailing gaps filled from the nearest value."""
    return pd.Series(np.asarray(y, float)).interpolate(limit_direction="both").to_numpy()


class SeasonalNaive:
    """Repeat the last full season: the forecast for t+h is the value one season before it.

    With ``season=1`` this is the plain naive forecast (the last value, flat).
    """

    name = "Seasonal naive"

    def __init__(self, season: int):
        self.season = max(1, int(season))

    def fit(self, y) -> SeasonalNaive:
        values = _filled(y)
        self.season_ = self.season if len(values) >= self.season else 1
        self.last_season_ = values[-self.season_:]
        return self

    def predict(self, steps: int) -> np.ndarray:
        return np.resize(self.last_season_, int(steps))


class HoltWinters:
    """Exponential smoothing (statsmodels ETS): damped additive trend plus a seasonal term.

    The seasonal term is multiplicative when asked and every value is positive,
    additive otherwise, and left out when there are fewer than two full seasons.
    """

    name = "Holt-Winters (ETS)"

    def __init__(self, season: int, multiplicative: bool = False):
        self.season = max(1, int(season))
        self.multiplicative = multiplicative

    def fit(self, y) -> HoltWinters:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        values = _filled(y)
        seasonal = None
        if self.season > 1 and len(values) >= 2 * self.season:
            seasonal = "mul" if self.multiplicative and (values > 0).all() else "add"
        model = ExponentialSmoothing(values, trend="add", damped_trend=True, seasonal=seasonal,
                                     seasonal_periods=self.season if seasonal else None,
                                     initialization_method="estimated" if self.season <= 24 else "heuristic")
        with warnings.catch_warnings():  # convergence chatter is expected on short or noisy series
            warnings.simplefilter("ignore")
            self.result_ = model.fit()
        return self

    def predict(self, steps: int) -> np.ndarray:
        return np.asarray(self.result_.forecast(int(steps)), float)


def baselines(season: int, multiplicative: bool = False) -> list:
    """The baselines the page compares Prophet with, freshly constructed."""
    return [SeasonalNaive(season), HoltWinters(season, multiplicative)]
