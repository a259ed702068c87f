"""The world on one day: a choropleth of every country's value, with a play button stepping a week at a time.

Built with graph_objects (no streamlit). Country shapes come from Plotly's topojson, which the browser fetches.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

DIVERGING = "RdBu"
INDEX_COLOURS = "Reds"


def world_map(by_day: pd.DataFrame, names: dict[str, str], date: dt.date, label: str, frames: list[dt.date],
              diverging: bool) -> go.Figure:
    """``by_day`` (dates x country codes) on ``date``, and one animation frame per day of ``frames``.

    Index maps run 0-100 in reds; mobility maps diverge around 0 (blue above the baseline, red below), on one
    colour range for all frames so colours compare across days.
    """
    codes = list(by_day.columns)
    hover = [names.get(code, code) for code in codes]

    def values(day) -> list:
        day = pd.Timestamp(day)
        return by_day.loc[day].tolist() if day in by_day.index else [None] * len(codes)

    if diverging:
        reach = float(max(abs(by_day.min().min()), abs(by_day.max().max()), 1)) if len(by_day) else 100.0
        scale = {"colorscale": DIVERGING, "zmin": -reach, "zmax": reach, "zmid": 0}
    else:
        scale = {"colorscale": INDEX_COLOURS, "zmin": 0, "zmax": 100}
    figure = go.Figure(go.Choropleth(
        locations=codes, z=values(date), text=hover, locationmode="ISO-3", marker_line_color="white",
        marker_line_width=0.4, colorbar={"title": {"text": label}}, **scale,
        hovertemplate="%{text}: %{z:.1f}<extra></extra>"))
    figure.frames = [go.Frame(name=day.isoformat(), data=[go.Choropleth(z=values(day))],
                              layout={"title": {"text": f"{label}, {day:%Y-%m-%d}"}}) for day in frames]
    play = {"args": [None, {"frame": {"duration": 400, "redraw": True}, "fromcurrent": True,
                            "transition": {"duration": 0}}], "label": "▶ Play weekly", "method": "animate"}
    pause = {"args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}], "label": "❚❚",
             "method": "animate"}
    figure.update_layout(
        title={"text": f"{label}, {date:%Y-%m-%d}"}, height=480, margin={"t": 40, "b": 0, "l": 0, "r": 0},
        geo={"showframe": False, "showcoastlines": False, "projection": {"type": "natural earth"}},
        updatemenus=[{"type": "buttons", "buttons": [play, pause], "x": 0.02, "y": 0.05, "xanchor": "left",
                      "direction": "left"}] if frames else [], clickmode="event+select")
    return figure
