"""A common clock: one small chart per country, x in days since its day 0, its mobility and its index.

Built with plotly subplots (no streamlit).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts.mobility import CATEGORY_COLOURS
from data.covid import CATEGORY_LABELS


def clock_multiples(mobility: pd.DataFrame, index: pd.DataFrame, countries: list[str], index_label: str,
                    clock_label: str, shared_y: bool, columns: int = 2) -> go.Figure:
    """Per country (in ``countries`` order, each with a ``days`` column, see
    :func:`models.covid_clock.on_common_clock`): smoothed mobility by category (left axis) and the index as steps
    (right axis, 0-100), with day 0 marked. ``shared_y``: one mobility scale for all countries."""
    rows = -(-len(countries) // columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=countries, shared_xaxes="all",
                           vertical_spacing=0.12 / max(rows, 1) + 0.04,
                           specs=[[{"secondary_y": True}] * columns for _ in range(rows)])
    for i, country in enumerate(countries):
        row, col = i // columns + 1, i % columns + 1
        for category, group in mobility[mobility["country"] == country].groupby("category", sort=False):
            figure.add_trace(go.Scatter(x=group["days"], y=group["smoothed"], mode="lines", name=CATEGORY_LABELS[
                category], legendgroup=category, showlegend=i == 0, line={"color": CATEGORY_COLOURS[category]}),
                row=row, col=col, secondary_y=False)
        ours = index[index["country"] == country]
        figure.add_trace(go.Scatter(x=ours["days"], y=ours["value"], mode="lines", name=index_label,
                                    legendgroup="index", showlegend=i == 0,
                                    line={"color": "black", "width": 2, "shape": "hv"}),
                         row=row, col=col, secondary_y=True)
        figure.add_vline(x=0, line={"color": "grey", "dash": "dot"}, row=row, col=col)
        figure.update_yaxes(range=[0, 100], dtick=25, showgrid=False, row=row, col=col, secondary_y=True)
    if shared_y and len(mobility):
        low, high = mobility["smoothed"].min(), mobility["smoothed"].max()
        figure.update_yaxes(range=[low - 5, high + 5], secondary_y=False)
    figure.update_xaxes(title_text=clock_label, row=rows)
    figure.update_layout(height=80 + 260 * rows, margin={"t": 40, "b": 10, "l": 10, "r": 10},
                         legend={"orientation": "h", "y": -0.08})
    return figure
