"""The forecasting page's inputs: the series (built-in or uploaded) and how it is prepared, and Prophet's settings.

Every control but the upload and its column choices is in the page's URL; settings whose default depends on the
series (the horizon, the seasonalities, logistic growth's cap and floor) go back to the new series' defaults when it
changes.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.data_source import DataSource
from components.data_status import load_or_explain
from components.feedback import explain_input_errors
from components.linked_view import defaults_follow
from components.upload import choose_columns, upload_sha256
from components.url_state import BIND
from data.prophet_examples import EXAMPLES, Example, load_example
from models.forecasting.model import (ProphetParams, default_folds, default_params, holiday_countries, horizon_bounds,
                                      logistic_bounds)
from models.forecasting.series import AGGREGATIONS, PreparedSeries, guess_columns, prepare_series

LABELS = {"data": "Data", "series": "Series", "aggregate": "Aggregate to", "combine": "Combine values by",
          "horizon": "Horizon", "growth": "Trend", "cap": "Cap", "use_floor": "Saturating minimum (floor)",
          "floor": "Floor", "mode": "Seasonality", "yearly": "Yearly", "weekly": "Weekly",
          "daily": "Daily", "holidays": "Holidays of", "changepoints": "Changepoint prior scale",
          "seasonality": "Seasonality prior scale", "interval": "Interval width", "folds": "Cross-validation folds"}
"""What each URL parameter of the page is called on the page, for the note on a link's unusable values."""
AS_WRITTEN = {"holidays": lambda code: holiday_countries().get(code, "(none)")}
"""The holidays go in the URL by country name."""
SEASONALITIES = ("yearly", "weekly", "daily")


@st.cache_data(show_spinner=False)
def example(name: str) -> pd.DataFrame:
    return load_or_explain(load_example, name)


def choose_series(source: DataSource) -> tuple[PreparedSeries, Example | None, str]:
    """The series to forecast, prepared (aggregated as chosen), the built-in example it is (None for an upload) and
    what to call it in chart titles."""
    if source.built_in:
        name = st.selectbox("Series", list(EXAMPLES), key="series", bind=BIND)
        chosen = EXAMPLES[name]
        st.caption(chosen.description)
        frame, date_column, value_column, aggregate, origin = example(name), "ds", "y", chosen.aggregate, name
    else:
        frame, chosen, aggregate, origin = source.upload, None, "none", upload_sha256(source.upload)
        name = "your upload"
        date_guess, value_guess = guess_columns(frame)
        date_column, value_column = choose_columns(frame, {"Date column": date_guess, "Value column": value_guess})
    defaults_follow("forecast_origin", origin, {"aggregate": aggregate})
    left, right = st.columns(2)
    aggregate = left.selectbox("Aggregate to", list(AGGREGATIONS), index=list(AGGREGATIONS).index(aggregate),
                               key="aggregate", bind=BIND,
                               help="Resample before fitting; 'none' keeps the series' own cadence.")
    how = right.radio("Combine values within a period by", ["mean", "sum"], horizontal=True, key="combine", bind=BIND)
    with explain_input_errors():
        series = prepare_series(frame, date_column, value_column, aggregate, how, origin)
    return series, chosen, name


def choose_params(series: PreparedSeries, multiplicative: bool) -> tuple[ProphetParams, int, int]:
    """Prophet's settings, the horizon in steps and the number of cross-validation folds."""
    defaults = default_params(series)
    longest, default_horizon = horizon_bounds(series)
    default_cap, default_floor = logistic_bounds(series.frame["y"].dropna())
    defaults_follow("forecast_series", series.key, {
        "horizon": default_horizon, "mode": "multiplicative" if multiplicative else "additive",
        "cap": default_cap, "floor": default_floor, **{name: getattr(defaults, name) for name in SEASONALITIES}})
    # a number input stays the same control when its range changes with the series (a slider would become a new one
    # and take its value from the URL again instead of the new series' default)
    horizon = st.columns(3)[0].number_input(f"Horizon ({series.cadence.name} steps, at most {longest})", 1, longest,
                                            default_horizon, key="horizon", bind=BIND)
    left, middle, right = st.columns(3)
    growth = left.radio("Trend", ["linear", "logistic"], horizontal=True, key="growth", bind=BIND,
                        help="Logistic growth saturates between a floor and a cap.")
    cap = floor = None
    if growth == "logistic":
        cap = left.number_input("Cap (saturation level)", value=default_cap, format="%g", key="cap", bind=BIND)
        if left.checkbox("Saturating minimum (floor)", key="use_floor", bind=BIND):
            floor = left.number_input("Floor", value=default_floor, format="%g", key="floor", bind=BIND)
    mode = middle.radio("Seasonality", ["additive", "multiplicative"], index=int(multiplicative), horizontal=True,
                        key="mode", bind=BIND, help="Multiplicative: seasonal swings grow with the trend.")
    yearly, weekly, daily = (middle.checkbox(name.title(), value=getattr(defaults, name), key=name, bind=BIND)
                             for name in SEASONALITIES)
    countries = holiday_countries()
    country = right.selectbox("Holidays of", [None, *countries], format_func=lambda c: countries.get(c, "(none)"),
                              key="holidays", bind=BIND)
    changepoint_scale = right.select_slider("Changepoint prior scale", [0.001, 0.005, 0.01, 0.05, 0.1, 0.5], 0.05,
                                            key="changepoints", bind=BIND,
                                            help="Higher: a more flexible trend (risk of overfitting).")
    seasonality_scale = right.select_slider("Seasonality prior scale", [0.01, 0.1, 1.0, 10.0], 10.0,
                                            key="seasonality", bind=BIND, help="Lower: damped seasonalities.")
    left, right = st.columns(2)
    width = left.slider("Interval width", 0.5, 0.99, 0.8, 0.01, key="interval", bind=BIND)
    folds = right.slider("Cross-validation folds", 1, 8, default_folds(), key="folds", bind=BIND,
                         help="Forecast origins, half a horizon apart; the last one is the holdout.")
    return ProphetParams(growth, cap, floor, mode, yearly, weekly, daily, country, changepoint_scale,
                         seasonality_scale, width), horizon, folds
