"""Distribution charts: a histogram per column, counts per value coloured by their bin, a correlation heatmap."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

WINE_COLOURS = {"red": "#8e1b2e", "white": "#d4b84a", "both": "#5b6f95"}


def histograms(frame: pd.DataFrame, colours: dict[str, str], name: str, group: str = "colour",
               columns: int = 4) -> go.Figure:
    """One histogram per column but ``group``; the groups overlaid in their colours when ``frame`` has that column,
    else the whole frame as ``name``."""
    shown = [c for c in frame.columns if c != group]
    figure = make_subplots(rows=-(-len(shown) // columns), cols=columns, subplot_titles=shown, vertical_spacing=0.09)
    groups = frame.groupby(group, observed=True) if group in frame else [(name, frame)]
    for label, part in groups:
        for i, column in enumerate(shown):
            figure.add_trace(
                go.Histogram(x=part[column], name=f"{label} wines", legendgroup=label, showlegend=i == 0,
                             opacity=0.7, marker_color=colours[label]),
                row=i // columns + 1, col=i % columns + 1)
    figure.update_layout(barmode="overlay", height=650, margin={"t": 40}, showlegend=group in frame)
    return figure


def binned_counts(counts: pd.DataFrame, x: str, bin_order: Sequence[str], title: str) -> go.Figure:
    """How many rows take each value of ``x`` (columns ``x``, wines, bin), coloured by the bin the value falls in."""
    return px.bar(counts, x=x, y="wines", color="bin", text="wines", category_orders={"bin": list(bin_order)},
                  title=title)


def correlation_heatmap(correlations: pd.DataFrame, title: str = "Pearson correlations") -> go.Figure:
    """A correlation matrix on a red-blue scale from -1 to 1, each coefficient written on its cell."""
    figure = px.imshow(correlations, text_auto=".2f", color_continuous_scale="RdBu_r", zmin=-1, zmax=1, aspect="auto",
                       title=title)
    return figure.update_layout(height=600)
