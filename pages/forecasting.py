"""Forecasting with Prophet: a built-in series or your CSV, tuned, forecast, and checked against baselines."""
from functools import partial

import streamlit as st

from components.artifact_store import loaded
from components.chart_export import chart
from components.charts.time_series import component_charts, error_by_horizon_chart, forecast_chart, holdout_chart
from components.data_source import data_source
from components.feedback import explain_input_errors
from components.forecast_inputs import AS_WRITTEN, LABELS, choose_params, choose_series
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.table_export import table
from components.url_state import BIND
from core.artifacts import InMemoryArtifact
from core.errors import InputError
from models.forecasting.model import (comparison, evaluation_job, forecast_job, metrics_by_horizon, prophet_scores,
                                      verdicts)

ensure_app_navigation()

st.title("Forecasting with Prophet")
st.write("Prophet models a series as **trend + seasonalities + holidays** (a generalised additive model): a piecewise "
         "linear or saturating trend whose slope may change at changepoints, Fourier terms for yearly, weekly and daily "
         "cycles, and a bump for each holiday. Pick a series, tune the model, and judge it the honest way: on data it "
         "has not seen, next to two simple baselines scored on exactly the same points.")


def job_result(key: str, description: str, job: partial):
    """A fit job's result, kept in memory (a built-in series' Prophet fit also in the model cache, an upload's never);
    the InputError it returns (Prophet failed on these settings) is raised."""
    result = loaded(InMemoryArtifact(key, description, job))
    if isinstance(result, InputError):
        raise result
    return result


link = LinkNote()
source = data_source("Data", "Built-in example series", "prophet",
                     "A CSV with a header row, one column of dates (2024-01-31, 2024-01-31 13:00, 31/01/2024 ...) and "
                     "one of numbers. Duplicated dates are combined, missing values are left as gaps.",
                     "Upload a CSV to forecast it.", upload_key="forecast_upload")
series, chosen, name = choose_series(source)
for note in series.notes:
    st.info(note, icon=":material/info:")
st.caption(series.summary())

st.subheader("Model settings")
params, horizon, folds = choose_params(series, bool(chosen and chosen.multiplicative))
link.check(LABELS, AS_WRITTEN)
with explain_input_errors():
    params.check(series.frame["y"].dropna())
    with st.spinner("Fitting Prophet ..."):
        views = job_result(f"forecast-{series.key}-{params!r}-{horizon}", "the Prophet fit",
                           partial(forecast_job, series, params, horizon, source.built_in))

st.subheader("Forecast")
for column, (label, value) in zip(st.columns(3), views.headline(params.interval_width)):
    column.metric(label, value)
chart(forecast_chart(views.frame, views.changepoints, params.interval_width),
      f"Prophet forecast of {name}, {horizon} {series.cadence.name}s ahead", "forecast_chart", source.source_line)
st.download_button("Download the forecast (CSV)", views.frame.to_csv(index=False).encode(), "forecast.csv", "text/csv",
                   help="History and future: date, actual, forecast, interval, trend and every component.")

st.subheader("Components")
st.caption("Multiplicative components are shares of the trend (0.1 = +10%)." if params.multiplicative
           else "Additive components are in the series' own units, added to the trend.")
charts = component_charts(views, params.multiplicative)
for start in range(0, len(charts), 2):
    for index, (column, figure) in enumerate(zip(st.columns(2), charts[start:start + 2]), start):
        with column:
            chart(figure, f"Prophet's {figure.layout.title.text} of {name}", f"component_{index}", source.source_line)

st.subheader("Evaluation against baselines")
with explain_input_errors(), st.spinner("Cross-validating Prophet and the baselines ..."):
    result = job_result(f"forecast-evaluation-{series.key}-{params!r}-{horizon}-{folds}", "the cross-validation",
                        partial(evaluation_job, series, params, horizon, folds, source.built_in))
st.write(result.method(folds, series.cadence))
scores = comparison(result)
for verdict in verdicts(scores):
    (st.success if verdict.prophet_wins else st.warning)(verdict.sentence)
for column, (label, value, explanation) in zip(st.columns(4), prophet_scores(scores, params.interval_width)):
    column.metric(label, value, help=explanation)
table(scores.round(4), f"Prophet and the baselines on {name}, cross-validated", "comparison")
st.caption("MAPE leaves out actual values of zero (a percentage of zero is undefined). Coverage is the share of "
           "actual values inside Prophet's interval; the baselines give point forecasts only.")
chart(holdout_chart(result.holdout), f"Holdout of {name}: forecasts against what happened", "holdout_chart",
      source.source_line)

st.markdown("**Cross-validated error by horizon**")
metric = st.radio("Metric", ["MAE", "RMSE", "MAPE %", "coverage %"], horizontal=True, key="metric", bind=BIND,
                  help="coverage %: share of actual values inside Prophet's interval (Prophet only).")
link.check({"metric": "Metric"})
chart(error_by_horizon_chart(metrics_by_horizon(result), metric, series.cadence.name),
      f"Cross-validated {metric} by horizon, {name}", "error_by_horizon_chart", source.source_line)
by_band = metrics_by_horizon(result, max_bands=10).round(4).astype({"points": int})
table(by_band, f"Cross-validated error by horizon band, {name}", "error_by_band")

source.credit()
