"""Prophet against its baselines on the Peyton Manning series: fit time and cross-validated MAPE at 30 and 365 days.

Run from the project root: ``.venv/bin/python -m bench.forecasting`` (about a minute).
Protocol: Prophet with its default settings (yearly + weekly seasonality, additive, linear trend, 80% interval,
1000 uncertainty samples), every origin half a year apart that leaves 365 days of data after it and at least
730 days before it (``models.forecasting.rolling_cutoffs``). At each origin Prophet is refitted by
``prophet.diagnostics.cross_validation``; the seasonal naive (last week repeated) and Holt-Winters (damped trend,
weekly season) forecasts see the same history and are scored on the same dates. Forecasts do not depend on the
horizon they are asked for, so "30-day" figures are the first 30 days of the same 365-day forecasts.
y is the natural log of daily page views, so MAPE is in percent of log views (small by construction).
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.pop("ML_ATLAS_QUICK", None)  # the bench measures the full configuration

from data.prophet_examples import load_example  # noqa: E402
from models.forecasting.baselines import baselines  # noqa: E402
from models.forecasting.series import prepare_series  # noqa: E402
from models.forecasting.metrics import metrics_by  # noqa: E402
from models.forecasting.model import PROPHET, default_params, evaluate, fit_prophet  # noqa: E402

SERIES = "Peyton Manning page views (daily)"
HORIZON = 365
FOLDS = 20  # as many as the history allows; origins without 730 days before them are dropped
FIT_REPEATS = 3


def timed(function, repeats: int = FIT_REPEATS) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls, and the last result."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def coverage_text(value: float) -> str:
    return f"{'-':>13}" if value != value else f"{value:12.1f}%"


def main() -> int:
    series = prepare_series(load_example(SERIES), "ds", "y")
    params = default_params(series)
    print(f"Forecasting bench: {SERIES}, {series.frame['y'].notna().sum()} days "
          f"{series.frame['ds'].min():%Y-%m-%d} to {series.frame['ds'].max():%Y-%m-%d}")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"Prophet settings: {params}")

    print(f"\nFit time on the full series (median of {FIT_REPEATS}):")
    fit_seconds, model = timed(lambda: fit_prophet(series, params))
    print(f"  {PROPHET:<20} {fit_seconds:7.2f} s")
    values = series.frame["y"].to_numpy()
    for baseline in baselines(series.cadence.season):
        seconds, _ = timed(lambda: baseline.fit(values))
        print(f"  {baseline.name:<20} {seconds:7.2f} s")

    started = time.perf_counter()
    result = evaluate(model, series, HORIZON, FOLDS, params)
    cv_seconds = time.perf_counter() - started
    cutoffs = sorted(result.points["cutoff"].unique())
    print(f"\nRolling-origin CV: {len(cutoffs)} origins {cutoffs[0]:%Y-%m-%d} .. {cutoffs[-1]:%Y-%m-%d}, "
          f"horizon {HORIZON} days, {cv_seconds:.1f} s for all models")
    short = metrics_by(result.points[result.points["step"] <= 30], "model").set_index("model")
    long = metrics_by(result.points, "model").set_index("model")
    at_30 = metrics_by(result.points[result.points["step"].between(28, 32)], "model").set_index("model")
    at_365 = metrics_by(result.points[result.points["step"] >= 329], "model").set_index("model")
    print(f"\n{'model':<20} {'MAPE d1-30':>11} {'MAPE d1-365':>12} {'MAPE ~d30':>10} {'MAPE ~d365':>11} "
          f"{'MAE d1-30':>10} {'MAE d1-365':>11} {'cover d1-365':>13}")
    for name in [PROPHET, *(b.name for b in baselines(series.cadence.season))]:
        print(f"{name:<20} {short.loc[name, 'MAPE %']:10.2f}% {long.loc[name, 'MAPE %']:11.2f}% "
              f"{at_30.loc[name, 'MAPE %']:9.2f}% {at_365.loc[name, 'MAPE %']:10.2f}% "
              f"{short.loc[name, 'MAE']:10.3f} {long.loc[name, 'MAE']:11.3f} {coverage_text(long.loc[name, 'coverage %'])}")
    print("(~d30 = days 28-32 ahead, ~d365 = days 329-365 ahead: windows of about 10% of the horizon, as Prophet's "
          "performance_metrics uses; cover = share of actuals inside Prophet's 80% interval, baselines have none)")

    holdout = metrics_by(result.holdout, "model").set_index("model")
    print(f"\nHoldout (last {HORIZON} days, origin {result.holdout_cutoff:%Y-%m-%d}):")
    for name, row in holdout.iterrows():
        print(f"  {name:<20} MAPE {row['MAPE %']:6.2f}%  MAE {row['MAE']:.3f}")
    for label, table in (("days 1-30", short), ("days 1-365", long)):
        for name in table.index.drop(PROPHET):
            change = 100 * (table.loc[PROPHET, "MAPE %"] / table.loc[name, "MAPE %"] - 1)
            verdict = "beats" if change < 0 else "does not beat"
            print(f"Prophet {verdict} {name} over {label}: MAPE {abs(change):.1f}% {'lower' if change < 0 else 'higher'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
