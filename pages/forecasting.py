"""Forecasting with Prophet: a built-in series or your CSV, tuned, forecast, and checked against baselines."""
from functools import partial

import pandas as pd
import streamlit as st

from components.artifact_store import loaded
from core.artifacts import InMemoryArtifact
from components.charts.time_series import component_charts, error_by_horizon_chart, forecast_chart, holdout_chart
from components.data_source import data_source
from components.data_status import load_or_explain
from components.upload import choose_columns, upload_sha256
from components.feedback import explain_input_errors
from components.shell import ensure_app_navigation
from core.errors import InputError
from data.prophet_examples import EXAMPLES, load_example
from models.forecasting.series import AGGREGATIONS, PreparedSeries, guess_columns, prepare_series
from models.forecasting.model import (ProphetParams, comparison, default_folds, default_params, evaluation_job,
                                      forecast_job, holiday_countries, horizon_bounds, logistic_bounds,
                                      metrics_by_horizon, prophet_scores, verdicts)

ensure_app_navigation()

st.title("Forecasting with Prophet")
st.write("Prophet models a series as **trend + seasonalities + holidays** (a generalised additive model): a piecewise "
         "linear or saturating trend whose slope may change at changepoints, Fourier terms for yearly, weekly and daily "
         "cycles, and a bump for each holiday. Pick a series, tune the model, and judge it the honest way: on data it "
         "has not seen, next to two simple baselines scored on exactly the same points.")


@st.cache_data(show_spinner=False)
def example(name: str) -> pd.DataFrame:
    return load_or_explain(load_example, name)


def job_result(key: str, description: str, job: partial):
    """A fit job's result, kept in memory (a built-in series' Prophet fit also in the model cache, an upload's never);
    the InputError it returns (Prophet failed on these settings) is raised."""
    result = loaded(InMemoryArtifact(key, description, job))
    if isinstance(result, InputError):
        raise result
    return result


def choose_params(series: PreparedSeries, multiplicative: bool) -> tuple[ProphetParams, int, int]:
    """Prophet's settings, the horizon in steps and the number of cross-validation folds."""
    defaults = default_params(series)
    longest, default_horizon = horizon_bounds(series)
    horizon = st.slider(f"Horizon ({series.cadence.name} steps)", 1, longest, default_horizon,
                        key=f"forecast_horizon_{series.key}")
    left, middle, right = st.columns(3)
    growth = left.radio("Trend", ["linear", "logistic"], horizontal=True, key="forecast_growth",
                        help="Logistic growth saturates between a floor and a cap.")
    cap = floor = None
    if growth == "logistic":
        default_cap, default_floor = logistic_bounds(series.frame["y"].dropna())
        cap = left.number_input("Cap (saturation level)", value=default_cap, format="%g", key=f"forecast_cap_{series.key}")
        if left.checkbox("Saturating minimum (floor)"):
            floor = left.number_input("Floor", value=default_floor, format="%g")
    mode = middle.radio("Seasonality", ["additive", "multiplicative"], index=int(multiplicative), horizontal=True,
                        help="Multiplicative: seasonal swings grow with the trend.")
    yearly, weekly, daily = (middle.checkbox(name.title(), value=getattr(defaults, name))
                             for name in ("yearly", "weekly", "daily"))
    countries = holiday_countries()
    country = right.selectbox("Holidays of", [None, *countries], format_func=lambda c: countries.get(c, "(none)"))
    changepoint_scale = right.select_slider("Changepoint prior scale", [0.001, 0.005, 0.01, 0.05, 0.1, 0.5], 0.05,
                                            help="Higher: a more flexible trend (risk of overfitting).")
    seasonality_scale = right.select_slider("Seasonality prior scale", [0.01, 0.1, 1.0, 10.0], 10.0,
                                            help="Lower: damped seasonalities.")
    left, right = st.columns(2)
    width = left.slider("Interval width", 0.5, 0.99, 0.8, 0.01)
    folds = right.slider("Cross-validation folds", 1, 8, default_folds(),
                         help="Forecast origins, half a horizon apart; the last one is the holdout.")
    return ProphetParams(growth, cap, floor, mode, yearly, weekly, daily, country, changepoint_scale,
                         seasonality_scale, width), horizon, folds


source = data_source("Data", "Built-in example series", "prophet",
                     "A CSV with a header row, one column of dates (2024-01-31, 2024-01-31 13:00, 31/01/2024 ...) and "
                     "one of numbers. Duplicated dates are combined, missing values are left as gaps.",
                     "Upload a CSV to forecast it.", upload_key="forecast_upload", key="forecast_source")
if source.built_in:
    name = st.selectbox("Series", list(EXAMPLES))
    chosen = EXAMPLES[name]
    st.caption(chosen.description)
    frame, date_column, value_column, aggregate, origin = example(name), "ds", "y", chosen.aggregate, name
else:
    frame, chosen, aggregate, origin = source.upload, None, "none", upload_sha256(source.upload)
    date_guess, value_guess = guess_columns(frame)
    date_column, value_column = choose_columns(frame, {"Date column": date_guess, "Value column": value_guess})
left, right = st.columns(2)
aggregate = left.selectbox("Aggregate to", list(AGGREGATIONS), index=list(AGGREGATIONS).index(aggregate),
                           help="Resample before fitting; 'none' keeps the series' own cadence.")
how = right.radio("Combine values within a period by", ["mean", "sum"], horizontal=True)
with explain_input_errors():
    series = prepare_series(frame, date_column, value_column, aggregate, how, origin)
for note in series.notes:
    st.info(note, icon=":material/info:")
st.caption(series.summary())

st.subheader("Model settings")
params, horizon, folds = choose_params(series, bool(chosen and chosen.multiplicative))
with explain_input_errors():
    params.check(series.frame["y"].dropna())
    with st.spinner("Fitting Prophet ..."):
        views = job_result(f"forecast-{series.key}-{params!r}-{horizon}", "the Prophet fit",
                           partial(forecast_job, series, params, horizon, source.built_in))

st.subheader("Forecast")
for column, (label, value) in zip(st.columns(3), views.headline(params.interval_width)):
    column.metric(label, value)
st.plotly_chart(forecast_chart(views.frame, views.changepoints, params.interval_width), width="stretch")
st.download_button("Download the forecast (CSV)", views.frame.to_csv(index=False).encode(), "forecast.csv", "text/csv",
                   help="History and future: date, actual, forecast, interval, trend and every component.")

st.subheader("Components")
st.caption("Multiplicative components are shares of the trend (0.1 = +10%)." if params.multiplicative
           else "Additive components are in the series' own units, added to the trend.")
charts = component_charts(views, params.multiplicative)
for start in range(0, len(charts), 2):
    for column, chart in zip(st.columns(2), charts[start:start + 2]):
        column.plotly_chart(chart, width="stretch")

st.subheader("Evaluation against baselines")
with explain_input_errors(), st.spinner("Cross-validating Prophet and the baselines ..."):
    result = job_result(f"forecast-evaluation-{series.key}-{params!r}-{horizon}-{folds}", "the cross-validation",
                        partial(evaluation_job, series, params, horizon, folds, source.built_in))
st.write(result.method(folds, series.cadence))
table = comparison(result)
for verdict in verdicts(table):
    (st.success if verdict.prophet_wins else st.warning)(verdict.sentence)
for column, (label, value, explanation) in zip(st.columns(4), prophet_scores(table, params.interval_width)):
    column.metric(label, value, help=explanation)
st.dataframe(table.round(4), hide_index=True, width="stretch")
st.caption("MAPE leaves out actual values of zero (a percentage of zero is undefined). Coverage is the share of "
           "actual values inside Prophet's interval; the baselines give point forecasts only.")
st.plotly_chart(holdout_chart(result.holdout), width="stretch")

st.markdown("**Cross-validated error by horizon**")
metric = st.radio("Metric", ["MAE", "RMSE", "MAPE %", "coverage %"], horizontal=True,
                  help="coverage %: share of actual values inside Prophet's interval (Prophet only).")
st.plotly_chart(error_by_horizon_chart(metrics_by_horizon(result), metric, series.cadence.name), width="stretch")
by_band = metrics_by_horizon(result, max_bands=10).round(4).astype({"points": int})
st.dataframe(by_band, hide_index=True, width="stretch")

source.credit()
