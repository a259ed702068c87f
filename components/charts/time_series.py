"""Time-series charts: a forecast with its band, its components, a holdout against the actuals, error by horizon."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from models.forecasting.model import PROPHET, ForecastViews

MODEL_COLOURS = {PROPHET: "#0072B2", "Holt-Winters (ETS)": "#009E73", "Seasonal naive": "#E69F00"}


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
    """One cycle of a seasonality, its date axis labelled by time of day, weekday or day of the year."""
    period = profile["period_days"].iloc[0]
    tick = "%H:%M" if period <= 1.5 else "%a" if period <= 8 else "%b %d"
    figure = px.line(profile, x="ds", y="effect", title=f"{name} seasonality", markers=len(profile) <= 60,
                     labels={"ds": "", "effect": "effect (share of trend)" if multiplicative else "effect"})
    figure.update_xaxes(tickformat=tick)
    return figure


def component_charts(views: ForecastViews, multiplicative: bool) -> list[go.Figure]:
    """The trend, one cycle of each seasonality, and the holiday effects when the model has them."""
    charts = [px.line(views.frame, x="ds", y="trend", title="trend", labels={"ds": ""})]
    charts += [profile_chart(name, profile, multiplicative) for name, profile in views.profiles.items()]
    if "holidays" in views.components:
        charts.append(px.line(views.frame, x="ds", y="holidays", title="holidays", labels={"ds": ""}))
    return charts


def holdout_chart(holdout: pd.DataFrame) -> go.Figure:
    """Every model's forecast over the holdout as a line, the actual values as dots."""
    figure = px.line(holdout, x="ds", y="yhat", color="model", color_discrete_map=MODEL_COLOURS,
                     title="Holdout: forecasts against what happened", labels={"ds": "", "yhat": "forecast"})
    figure.add_trace(go.Scatter(x=holdout["ds"].drop_duplicates(), y=holdout.drop_duplicates("ds")["y"],
                                mode="markers", marker={"color": "black", "size": 5}, name="actual"))
    return figure


def error_by_horizon_chart(by_step: pd.DataFrame, metric: str, unit: str) -> go.Figure:
    """One line per model: the metric at each number of steps ahead (steps of ``unit``)."""
    return px.line(by_step, x="step", y=metric, color="model", markers=True, color_discrete_map=MODEL_COLOURS,
                   labels={"step": f"steps ahead ({unit})"})
