"""COVID-19 lockdowns and mobility: mobility and policy index over time per country, both on twin axes, and
index against mobility.

Built with graph_objects: plotly express takes several times longer, which would show on every control change.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from components.charts.covid_policies import add_change_marks
from data.covid import CATEGORY_LABELS

MOBILITY_AXIS = "mobility, % change from baseline"
CATEGORY_COLOURS = dict(zip(CATEGORY_LABELS, ["#00a087", "#8491b4", "#91d1c2", "#e64b35", "#3c5488", "#f39b7f"]))


def country_palette(countries: list[str]) -> dict[str, str]:
    """Each country's colour, the same in every chart of the page."""
    return dict(zip(countries, qualitative.Plotly * 10))


def by_country(frame: pd.DataFrame, x: str, y: str, palette: dict[str, str], title: str, mode: str = "lines",
               step: bool = False) -> go.Figure:
    """One trace per country (``frame`` has a country column) in the page's colours."""
    figure = go.Figure()
    for country, group in frame.groupby("country", sort=False):
        figure.add_trace(go.Scatter(
            x=group[x], y=group[y], name=country, mode=mode, line={"color": palette[country], "shape": "hv" if step
                                                                    else "linear"},
            marker={"color": palette[country], "size": 5, "opacity": 0.6}))
    figure.update_layout(title=title, height=320, margin={"t": 40, "b": 10, "l": 10, "r": 10},
                         legend={"orientation": "h", "y": -0.25})
    return figure


def category_over_time(smoothed: pd.DataFrame, category: str, palette: dict[str, str],
                       marks: pd.DataFrame | None = None) -> go.Figure:
    """One mobility category's smoothed percent change from baseline over time, one line per country, with each
    country's policy changes (``marks``, see :func:`models.covid_policies.change_marks`) as points on its line."""
    ours = smoothed[smoothed["category"] == category]
    figure = by_country(ours, "date", "smoothed", palette, CATEGORY_LABELS[category])
    for (code, country), group in ([] if marks is None else ours.groupby(["country_code", "country"], sort=False)):
        add_change_marks(figure, marks[marks["country_code"] == code], group.set_index("date")["smoothed"],
                         country, palette[country])
    figure.update_yaxes(title_text="% vs baseline", zeroline=True, zerolinecolor="grey")
    return figure


def index_over_time(index: pd.DataFrame, index_label: str, palette: dict[str, str]) -> go.Figure:
    """The policy index (0-100) over time as steps, one per country."""
    figure = by_country(index, "date", "value", palette, "", step=True)
    figure.update_yaxes(title_text=index_label, range=[0, 100])
    return figure


def index_and_mobility(smoothed: pd.DataFrame, index: pd.DataFrame, country: str, index_label: str,
                       marks: pd.DataFrame | None = None) -> go.Figure:
    """One country's smoothed mobility by category (left axis) with its policy index as steps (right axis), its
    policy changes (``marks``) as points on the index."""
    figure = go.Figure()
    for category, group in smoothed.groupby("category", sort=False):
        figure.add_trace(go.Scatter(x=group["date"], y=group["smoothed"], name=CATEGORY_LABELS[category],
                                    mode="lines", line={"color": CATEGORY_COLOURS[category]}))
    figure.add_trace(go.Scatter(x=index["date"], y=index["value"], name=index_label, yaxis="y2",
                                mode="lines", line={"color": "black", "width": 3, "shape": "hv"}))
    if marks is not None:
        add_change_marks(figure, marks, index.set_index("date")["value"], "policy change", "#d62728", yaxis="y2")
    figure.update_layout(title=country, height=440, legend={"orientation": "h", "y": -0.2},
                         yaxis={"title": {"text": MOBILITY_AXIS}, "zeroline": True, "zerolinecolor": "grey"},
                         yaxis2={"title": {"text": index_label}, "overlaying": "y", "side": "right", "range": [0, 100],
                                 "tickmode": "linear", "tick0": 0, "dtick": 20, "showgrid": False})
    return figure


def index_against_mobility(paired: pd.DataFrame, category: str, index_label: str,
                           palette: dict[str, str]) -> go.Figure:
    """Each day as a point: the index against one category's smoothed mobility, coloured by country."""
    figure = by_country(paired[paired["category"] == category], "index", "smoothed", palette,
                        f"{index_label} against {CATEGORY_LABELS[category].lower()} mobility", mode="markers")
    figure.update_layout(height=420, xaxis_title=index_label, yaxis_title=MOBILITY_AXIS)
    return figure
