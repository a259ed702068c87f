"""Recommender charts: how one estimate adds up, cross-validated error and time, ranking quality, a grid search."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go


def estimate_waterfall(terms: pd.DataFrame) -> go.Figure:
    """The terms of a predicted rating (``term``, ``value``) stacked one after another, then their total."""
    return go.Figure(go.Waterfall(x=list(terms["term"]) + ["estimate"], y=list(terms["value"]) + [0],
                                  measure=["relative"] * len(terms) + ["total"])).update_layout(
        title="How the predicted rating adds up (before clipping to the scale)", yaxis_title="rating")


def cv_error_chart(errors: pd.DataFrame, folds: int) -> go.Figure:
    """Grouped bars of each algorithm's cross-validated RMSE and MAE, with their std over folds as error bars."""
    return px.bar(errors, x="algorithm", y="error", color="metric", barmode="group", error_y="std",
                  title=f"{folds}-fold CV error (lower is better)")


def cv_time_chart(cv: pd.DataFrame) -> go.Figure:
    """Stacked bars of each algorithm's fit and test time over all folds."""
    return px.bar(cv, x="algorithm", y=["fit time (s)", "test time (s)"], title="Time over all folds",
                  labels={"value": "seconds", "variable": ""})


def ranking_quality_chart(split: pd.DataFrame, k: int) -> go.Figure:
    """Grouped bars of each algorithm's precision@k and recall@k on the train/test split."""
    return px.bar(split.melt(id_vars="algorithm", value_vars=[f"precision@{k}", f"recall@{k}"]),
                  x="algorithm", y="value", color="variable", barmode="group",
                  title=f"Ranking quality at k = {k} (higher is better)", labels={"variable": ""})


def grid_chart(rmse: pd.Series, rmse_std: pd.Series, labels: pd.Series) -> go.Figure:
    """Every parameter combination's mean CV RMSE with its std as a dot on its own row, the first on top."""
    return px.scatter(x=rmse, y=labels, error_x=rmse_std, labels={"x": "mean CV RMSE ± std over folds", "y": ""},
                      title="Every combination (best on top)").update_yaxes(autorange="reversed")
