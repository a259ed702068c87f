"""Forecast accuracy: MAE, RMSE, MAPE (safe with zeros) and interval coverage, overall and by horizon."""
from __future__ import annotations

import numpy as np
import pandas as pd

ZERO_TOLERANCE = 1e-8


def mae(actual, predicted) -> float:
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))


def rmse(actual, predicted) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual, float) - np.asarray(predicted, float)) ** 2)))


def mape(actual, predicted) -> float:
    """Mean absolute percentage error in percent, over the points whose actual value is not zero.

    A percentage of zero is undefined, so those points are left out rather than
    letting one of them make the average infinite; NaN when every actual is zero.
    """
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    usable = np.abs(actual) > ZERO_TOLERANCE
    if not usable.any():
        return float("nan")
    return float(100 * np.mean(np.abs((actual[usable] - predicted[usable]) / actual[usable])))


def coverage(actual, lower, upper) -> float:
    """Share of actual values inside their prediction interval, in percent (NaN without an interval)."""
    actual, lower, upper = (np.asarray(a, float) for a in (actual, lower, upper))
    if np.isnan(lower).all():
        return float("nan")
    return float(100 * np.mean((actual >= lower) & (actual <= upper)))


def scores(points: pd.DataFrame) -> pd.Series:
    """All four metrics for forecast points with columns y, yhat and optionally yhat_lower/yhat_upper."""
    lower = points["yhat_lower"] if "yhat_lower" in points else np.full(len(points), np.nan)
    upper = points["yhat_upper"] if "yhat_upper" in points else np.full(len(points), np.nan)
    return pd.Series({
        "MAE": mae(points["y"], points["yhat"]),
        "RMSE": rmse(points["y"], points["yhat"]),
        "MAPE %": mape(points["y"], points["yhat"]),
        "coverage %": coverage(points["y"], lower, upper),
        "points": len(points),
    })


def metrics_by(points: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """``scores`` for each group of forecast points (by model, by horizon step, ...)."""
    rows = []
    for key, group in points.groupby(by, sort=True, observed=True):
        labels = dict(zip([by] if isinstance(by, str) else by, key if isinstance(key, tuple) else (key,)))
        rows.append({**labels, **scores(group)})
    return pd.DataFrame(rows)


def horizon_bands(steps: pd.Series, max_bands: int = 10) -> pd.Series:
    """Horizon steps 1..H grouped into at most ``max_bands`` equal bands ('1-7', '8-14', ...).

    An ordered categorical, so tables of bands sort by horizon, not alphabetically.
    """
    horizon = int(steps.max())
    width = int(np.ceil(horizon / max_bands))
    labels = []
    for start in range(1, horizon + 1, width):
        end = min(start + width - 1, horizon)
        labels.append(str(start) if start == end else f"{start}-{end}")
    codes = ((steps.to_numpy(int) - 1) // width).astype(int)
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels, ordered=True), index=steps.index)
