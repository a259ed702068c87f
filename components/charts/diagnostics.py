"""Regression charts: the fit over the data, a curve derived from it, residuals against fitted, normal Q-Q plot."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from scipy import stats


def fitted_curve(data: pd.DataFrame, x: str, y: str, curve_x: np.ndarray, curve_y: np.ndarray, curve_name: str,
                 log_axes: bool = False, hover: tuple[str, ...] = ()) -> go.Figure:
    """The observations as points and the fitted curve through them; ``hover`` names columns to show where present."""
    figure = px.scatter(data, x=x, y=y, log_x=log_axes, log_y=log_axes, hover_data=[c for c in hover if c in data])
    figure.add_trace(go.Scatter(x=curve_x, y=curve_y, mode="lines", name=curve_name))
    return figure


def derived_curve(frame: pd.DataFrame, x: str, y: str, y_label: str) -> go.Figure:
    """A quantity computed from the fit along a range of its input, such as revenue along price."""
    return px.line(frame, x=x, y=y, labels={y: y_label})


def residuals_vs_fitted(fitted: pd.Series, residuals: pd.Series, title: str = "Residuals vs fitted") -> go.Figure:
    figure = px.scatter(x=fitted, y=residuals, labels={"x": "fitted", "y": "residual"}, title=title)
    figure.add_hline(y=0, line_dash="dash", line_color="grey")
    return figure


def qq_plot(residuals: pd.Series, title: str = "Normal Q-Q plot of residuals") -> go.Figure:
    """Standardised residuals against normal quantiles; points on the line mean normal residuals."""
    values = np.sort((residuals - residuals.mean()) / residuals.std(ddof=1))
    theoretical = stats.norm.ppf((np.arange(1, len(values) + 1) - 0.5) / len(values))
    figure = px.scatter(x=theoretical, y=values, labels={"x": "theoretical quantile", "y": "standardised residual"},
                        title=title)
    edge = float(max(abs(theoretical).max(), abs(values).max()))
    figure.add_trace(go.Scatter(x=[-edge, edge], y=[-edge, edge], mode="lines", line={"dash": "dash", "color": "grey"},
                                showlegend=False))
    return figure
