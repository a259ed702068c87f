"""Forecasting with Prophet: a built-in series or your CSV, tuned, forecast, and checked against baselines."""
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components.data_status import attribution, load_or_explain
from components.shell import ensure_app_navigation
from components.upload import csv_upload
from data.prophet_examples import EXAMPLES, load_example
from core.settings import quick_mode
from core.errors import InputError
from models.forecasting.series import AGGREGATIONS, PreparedSeries, guess_columns, prepare_series
from models.forecasting.model import (PROPHET, Evaluation, ProphetParams, comparison, component_names, default_params, evaluate, fit_cached, forecast, holiday_countries, metrics_by_horizon, seasonality_profile, significant_changepoints, verdicts)

ensure_app_navigation()

st.title("Forecasting with Prophet")
st.write(
    "Prophet models a series as **trend + seasonalities + holidays** (a generalised additive model): a piecewise "
    "linear or saturating trend whose slope may change at changepoints, Fourier terms for yearly, weekly and daily "
    "cycles, and a bump for each holiday. Pick a series, tune the model, and judge it the honest way: on data it "
    "has not seen, next to two simple baselines scored on exactly the same points."
)

COLOURS = {PROPHET: "#0072B2", "Holt-Winters (ETS)": "#009E73", "Seasonal naive": "#E69F00"}
DEFAULT_HORIZON = {"day": 90, "week": 26, "month": 12, "quarter": 8, "year": 3, "hour": 48}


@st.cache_data(show_spinner=False)
def example(name: str) -> pd.DataFrame:
    return load_or_explain(load_example, name)


@st.cache_resource(show_spinner=False, max_entries=16)
def fitted_model(series_key: str, params_key: str, _series: PreparedSeries, _params: ProphetParams):
    """The Prophet fit for (series, settings): held in memory here, on disk (as JSON) in the model cache."""
    return fit_cached(_series, _params)


@st.cache_data(show_spinner=False, max_entries=32)
def forecast_views(series_key: str, params_key: str, horizon: int, _series: PreparedSeries, _params: ProphetParams):
    """Forecast frame, seasonality profiles and significant changepoints for one fit and horizon."""
    model = fitted_model(series_key, params_key, _series, _params)
    profiles = {name: seasonality_profile(model, name, _series.cadence) for name in model.seasonalities}
    return forecast(model, _series, horizon, _params), profiles, significant_changepoints(model), component_names(model)


@st.cache_data(show_spinner=False, max_entries=32)
def evaluation(series_key: str, params_key: str, horizon: int, folds: int, _series: PreparedSeries,
               _params: ProphetParams) -> Evaluation:
    model = fitted_model(series_key, params_key, _series, _params)
    return evaluate(model, _series, horizon, folds, _params)


def choose_series() -> tuple[PreparedSeries, str | None, bool]:
    """The series to forecast (built-in or uploaded), its data-set key for attribution, multiplicative hint."""
    source = st.radio("Data", ["Built-in example series", "Upload your own CSV"], horizontal=True,
                      key="forecast_source")
    if source.startswith("Built-in"):
        name = st.selectbox("Series", list(EXAMPLES))
        chosen = EXAMPLES[name]
        st.caption(chosen.description)
        frame, date_column, value_column, aggregate = example(name), "ds", "y", chosen.aggregate
    else:
        st.caption("A CSV with a header row, one column of dates (2024-01-31, 2024-01-31 13:00, 31/01/2024 ...) and "
                   "one of numbers. Duplicated dates are combined, missing values are left as gaps.")
        frame = csv_upload("Your CSV", key="forecast_upload", min_columns=2)
        if frame is None:
            st.info("Upload a CSV to forecast it.")
            st.stop()
        columns = list(frame.columns)
        date_guess, value_guess = guess_columns(frame)
        left, right = st.columns(2)
        date_column = left.selectbox("Date column", columns, index=columns.index(date_guess))
        value_column = right.selectbox("Value column", columns, index=columns.index(value_guess))
        aggregate, chosen = "none", None
    left, right = st.columns(2)
    aggregate = left.selectbox("Aggregate to", list(AGGREGATIONS), index=list(AGGREGATIONS).index(aggregate),
                               help="Resample before fitting; 'none' keeps the series' own cadence.")
    how = right.radio("Combine values within a period by", ["mean", "sum"], horizontal=True)
    series = prepare_series(frame, date_column, value_column, aggregate, how)
    return series, "prophet" if chosen else None, bool(chosen and chosen.multiplicative)


def choose_params(series: PreparedSeries, multiplicative: bool) -> tuple[ProphetParams, int, int]:
    """Prophet's settings, the horizon in steps and the number of cross-validation folds."""
    defaults = default_params(series)
    observed = series.frame["y"].dropna()
    unit = series.cadence.name
    longest = max(1, min((len(observed) - 10) // 3, 1000))
    horizon = st.slider(f"Horizon ({unit} steps)", 1, longest,
                        min(DEFAULT_HORIZON.get(unit, series.cadence.season), longest), key=f"forecast_horizon_{series.key}")
    left, middle, right = st.columns(3)
    growth = left.radio("Trend", ["linear", "logistic"], horizontal=True, key="forecast_growth",
                        help="Logistic growth saturates between a floor and a cap.")
    cap = floor = None
    if growth == "logistic":
        span = float(observed.max() - observed.min())
        cap = left.number_input("Cap (saturation level)", value=float(observed.max() + 0.2 * span), format="%g",
                                key=f"forecast_cap_{series.key}")
        if left.checkbox("Saturating minimum (floor)"):
            floor = left.number_input("Floor", value=float(observed.min() - 0.2 * span), format="%g")
    mode = middle.radio("Seasonality", ["additive", "multiplicative"], index=int(multiplicative), horizontal=True,
                        help="Multiplicative: seasonal swings grow with the trend.")
    yearly = middle.checkbox("Yearly", value=defaults.yearly)
    weekly = middle.checkbox("Weekly", value=defaults.weekly)
    daily = middle.checkbox("Daily", value=defaults.daily)
    countries = holiday_countries()
    country = right.selectbox("Holidays of", [None, *countries], format_func=lambda c: countries.get(c, "(none)"))
    changepoint_scale = right.select_slider("Changepoint prior scale", [0.001, 0.005, 0.01, 0.05, 0.1, 0.5], 0.05,
                                            help="Higher: a more flexible trend (risk of overfitting).")
    seasonality_scale = right.select_slider("Seasonality prior scale", [0.01, 0.1, 1.0, 10.0], 10.0,
                                            help="Lower: damped seasonalities.")
    left, right = st.columns(2)
    width = left.slider("Interval width", 0.5, 0.99, 0.8, 0.01)
    folds = right.slider("Cross-validation folds", 1, 8, 2 if quick_mode() else 4,
                         help="Forecast origins, half a horizon apart; the last one is the holdout.")
    params = ProphetParams(growth, cap, floor, mode, yearly, weekly, daily, country, changepoint_scale,
                           seasonality_scale, width)
    return params, horizon, folds


def forecast_chart(frame: pd.DataFrame, changepoints: pd.Series, width: float) -> go.Figure:
    """History as dots, the forecast line with its band, and the trend's significant changepoints."""
    figure = go.Figure([
        go.Scatter(x=frame["ds"], y=frame["yhat_upper"], line={"width": 0}, showlegend=False, hoverinfo="skip"),
        go.Scatter(x=frame["ds"], y=frame["yhat_lower"], fill="tonexty", line={"width": 0},
                   fillcolor="rgba(0,114,178,0.2)", name=f"{width:.0%} interval"),
        go.Scatter(x=frame["ds"], y=frame["y"], mode="markers", marker={"size": 3, "color": "black"}, name="history"),
        go.Scatter(x=frame["ds"], y=frame["yhat"], line={"color": "#0072B2"}, name="forecast"),
    ])
    for when in changepoints:
        figure.add_vline(x=when, line_dash="dot", line_color="#D55E00", opacity=0.6)
    figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line={"dash": "dot", "color": "#D55E00"},
                                name="trend changepoint"))
    figure.update_layout(xaxis_title="date", yaxis_title="value", hovermode="x unified")
    return figure


def profile_chart(name: str, profile: pd.DataFrame, multiplicative: bool) -> go.Figure:
    period = profile["period_days"].iloc[0]
    tick = "%H:%M" if period <= 1.5 else "%a" if period <= 8 else "%b %d"
    figure = px.line(profile, x="ds", y="effect", title=f"{name} seasonality", markers=len(profile) <= 60,
                     labels={"ds": "", "effect": "effect (share of trend)" if multiplicative else "effect"})
    figure.update_xaxes(tickformat=tick)
    return figure


try:
    series, dataset, multiplicative = choose_series()
except InputError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()
for note in series.notes:
    st.info(note, icon=":material/info:")
observed = series.frame["y"].notna().sum()
when = "%Y-%m-%d" if series.cadence.step >= pd.Timedelta(days=1) else "%Y-%m-%d %H:%M"
st.caption(f"{observed} observations every {series.cadence.name}, {series.frame['ds'].min():{when}} to "
           f"{series.frame['ds'].max():{when}}.")

st.subheader("Model settings")
params, horizon, folds = choose_params(series, multiplicative)
try:
    params.check(series.frame["y"].dropna())
    with st.spinner("Fitting Prophet ..."):
        frame, profiles, changepoints, components = forecast_views(series.key, repr(params), horizon, series, params)
except InputError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()
except (RuntimeError, ValueError) as error:
    st.error(f"Prophet could not fit this series ({error}). Try aggregating it or changing the settings.",
             icon=":material/error:")
    st.stop()

st.subheader("Forecast")
future = frame[frame["ds"] > series.frame["ds"].max()]
cols = st.columns(3)
cols[0].metric("Forecast at the horizon", f"{future['yhat'].iloc[-1]:.4g}")
cols[1].metric(f"{params.interval_width:.0%} interval", f"{future['yhat_lower'].iloc[-1]:.4g} to "
               f"{future['yhat_upper'].iloc[-1]:.4g}")
cols[2].metric("Significant trend changepoints", len(changepoints))
st.plotly_chart(forecast_chart(frame, changepoints, params.interval_width), width="stretch")
st.download_button("Download the forecast (CSV)", frame.to_csv(index=False).encode(), "forecast.csv", "text/csv",
                   help="History and future: date, actual, forecast, interval, trend and every component.")

st.subheader("Components")
st.caption("Multiplicative components are shares of the trend (0.1 = +10%)." if params.seasonality_mode ==
           "multiplicative" else "Additive components are in the series' own units, added to the trend.")
charts = [px.line(frame, x="ds", y="trend", title="trend", labels={"ds": ""})]
charts += [profile_chart(name, profiles[name], params.seasonality_mode == "multiplicative") for name in profiles]
if "holidays" in components:
    charts.append(px.line(frame, x="ds", y="holidays", title="holidays", labels={"ds": ""}))
for start in range(0, len(charts), 2):
    for column, chart in zip(st.columns(2), charts[start:start + 2]):
        column.plotly_chart(chart, width="stretch")

st.subheader("Evaluation against baselines")
try:
    with st.spinner("Cross-validating Prophet and the baselines ..."):
        result = evaluation(series.key, repr(params), horizon, folds, series, params)
except InputError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()
except (RuntimeError, ValueError) as error:
    st.error(f"Cross-validation failed ({error}). Try a shorter horizon or fewer folds.", icon=":material/error:")
    st.stop()
dropped = f" ({folds - result.folds} earlier origin(s) had too little history)" if result.folds < folds else ""
st.write(f"Prophet is refitted at {result.folds} forecast origin(s){dropped}, half a horizon apart, with "
         "`prophet.diagnostics.cross_validation`; at each origin a **seasonal naive** forecast (repeat the last "
         f"{series.cadence.season} steps) and **Holt-Winters** exponential smoothing see the "
         "same history and are scored on the same dates. The last origin is the holdout: the final "
         f"{horizon} steps (one step = one {series.cadence.name}).")
table = comparison(result)
for sentence in verdicts(table):
    (st.success if sentence.startswith("Prophet beats") else st.warning)(sentence)
prophet_row = table.set_index("model").loc[PROPHET]
cols = st.columns(4)
cols[0].metric("Prophet holdout MAE", f"{prophet_row['holdout MAE']:.4g}")
cols[1].metric("Prophet holdout MAPE", f"{prophet_row['holdout MAPE %']:.2f}%")
cols[2].metric("Prophet CV MAE", f"{prophet_row['CV MAE']:.4g}")
cols[3].metric("Prophet CV coverage", f"{prophet_row['CV coverage %']:.0f}%",
               help=f"Share of actual values inside the {params.interval_width:.0%} interval; ideally "
               f"{params.interval_width:.0%}.")
st.dataframe(table.round(4), hide_index=True, width="stretch")
st.caption("MAPE leaves out actual values of zero (a percentage of zero is undefined). Coverage is the share of "
           "actual values inside Prophet's interval; the baselines give point forecasts only.")

holdout = result.holdout
holdout_chart = px.line(holdout, x="ds", y="yhat", color="model", color_discrete_map=COLOURS,
                        title="Holdout: forecasts against what happened", labels={"ds": "", "yhat": "forecast"})
holdout_chart.add_trace(go.Scatter(x=holdout["ds"].drop_duplicates(), y=holdout.drop_duplicates("ds")["y"],
                                   mode="markers", marker={"color": "black", "size": 5}, name="actual"))
st.plotly_chart(holdout_chart, width="stretch")

st.markdown("**Cross-validated error by horizon**")
metric = st.radio("Metric", ["MAE", "RMSE", "MAPE %", "coverage %"], horizontal=True,
                  help="coverage %: share of actual values inside Prophet's interval (Prophet only).")
by_step = metrics_by_horizon(result)
st.plotly_chart(px.line(by_step, x="step", y=metric, color="model", markers=True, color_discrete_map=COLOURS,
                        labels={"step": f"steps ahead ({series.cadence.name})"}), width="stretch")
by_band = metrics_by_horizon(result, max_bands=10)
st.dataframe(by_band.round(4).astype({"points": int}), hide_index=True, width="stretch")

if dataset:
    attribution(dataset)
else:
    st.caption("Data: your upload; it stays in this browser session and is not stored.")
