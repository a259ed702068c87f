"""The recommendations page's comparison of algorithms: who wins, the scores as tables and charts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.chart_export import chart
from components.charts.recommendations import cv_error_chart, cv_time_chart, ranking_quality_chart
from components.data_source import source_line
from components.table_export import table
from data.movielens import DATASET_KEYS
from models.recommender.artifacts import evaluation_setup
from models.recommender.interpretation import comparison_winners, cv_errors


def comparison_views(cv: pd.DataFrame, split: pd.DataFrame, k: int, name: str) -> None:
    """The algorithms compared on the data set ``name``: cross-validated errors and times, ranking quality at ``k``."""
    folds, source = evaluation_setup()[1], source_line(DATASET_KEYS[name])
    for col, (label, winner, value) in zip(st.columns(3), comparison_winners(cv, split, k)):
        col.metric(f"{label}: {winner}", f"{value:.4f}")
    table(cv.round(4), f"Cross-validated error of each algorithm, {name}", "cv")
    left, right = st.columns(2)
    with left:
        chart(cv_error_chart(cv_errors(cv), folds), f"RMSE and MAE over {folds} folds, {name}", "cv_errors", source)
    with right:
        chart(cv_time_chart(cv), f"Fit and test time of each algorithm, {name}", "cv_times", source)
    st.markdown("**Train/test split: error and ranking quality**")
    table(split.round(4), f"Error and ranking quality on a train/test split, {name}", "split")
    chart(ranking_quality_chart(split, k), f"Precision@{k} and recall@{k} of each algorithm, {name}", "ranking",
          source)
    st.caption("Only movies a user actually rated can be scored, and people mostly rate what they chose to "
               "watch, so even random scores (NormalPredictor) rank many relevant movies: read the others "
               "against that floor.")
