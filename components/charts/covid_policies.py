"""The policies behind the index: a timeline of each indicator's level, and policy changes marked on a chart.

Built with graph_objects (no streamlit).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

GENERAL_COLOURS = [[0.0, "#f7fbff"], [1.0, "#08306b"]]
TARGETED_COLOURS = [[0.0, "#fff5eb"], [1.0, "#d94801"]]
MARK_SYMBOLS = {1: "triangle-up", -1: "triangle-down", 0: "diamond"}


def indicator_timeline(rows: pd.DataFrame, names: dict[str, str], max_levels: dict[str, int], country: str,
                       order) -> go.Figure:
    """One country's indicators (rows, top to bottom in ``order``) by day, coloured by level as a share of the
    indicator's highest level: blue for general measures (or indicators without a flag), orange for targeted ones
    (some regions or groups only)."""
    shown = [code for code in order if code in set(rows["indicator"])]
    labels = [f"{code} {names.get(code, '')}" for code in shown]
    figure = go.Figure()
    targeted = rows["flag"] == 0
    for part, colours, label in ((rows[~targeted], GENERAL_COLOURS, "general"),
                                 (rows[targeted], TARGETED_COLOURS, "targeted")):
        if part.empty:
            continue
        share = part.assign(share=part["level"] / part["indicator"].map(max_levels))
        grid = share.pivot_table(index="indicator", columns="date", values="share", aggfunc="first")
        levels = share.pivot_table(index="indicator", columns="date", values="level", aggfunc="first")
        grid, levels = grid.reindex(shown), levels.reindex(shown).reindex(columns=grid.columns)
        figure.add_trace(go.Heatmap(
            z=grid.to_numpy(), x=grid.columns, y=labels, customdata=levels.to_numpy(), zmin=0, zmax=1,
            colorscale=colours, name=label, hoverongaps=False, xgap=0, ygap=2,
            colorbar={"title": {"text": label}, "len": 0.5, "y": 0.75 if label == "general" else 0.25,
                      "tickvals": [0, 1], "ticktext": ["none", "highest"]},
            hovertemplate="%{y}<br>%{x|%Y-%m-%d}: level %{customdata:.0f} (" + label + ")<extra></extra>"))
    figure.update_layout(title=f"{country}: policy indicators", height=90 + 28 * max(len(shown), 1),
                         margin={"t": 40, "b": 10, "l": 10, "r": 10})
    figure.update_yaxes(autorange="reversed")
    return figure


def add_change_marks(figure: go.Figure, marks: pd.DataFrame, y: pd.Series, name: str, colour: str,
                     yaxis: str = "y") -> go.Figure:
    """Points on a line (``y``: its values by date) at the days in ``marks`` (see
    :func:`models.covid_policies.change_marks`): ▲ tighter, ▼ looser, ◆ mixed, hover naming each indicator's
    old → new level."""
    if marks.empty:
        return figure
    at = y.reindex(pd.DatetimeIndex(marks["date"]))
    figure.add_trace(go.Scatter(
        x=marks["date"], y=at.to_numpy(), mode="markers", name=name, legendgroup=name, showlegend=False,
        yaxis=yaxis, text=marks["text"], hovertemplate="%{x|%Y-%m-%d}<br>%{text}<extra>" + name + "</extra>",
        marker={"symbol": [MARK_SYMBOLS[d] for d in marks["direction"]], "size": 9, "color": colour,
                "line": {"color": "white", "width": 1}}))
    return figure
