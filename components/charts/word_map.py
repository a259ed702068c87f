"""The word map: every word a point (coloured by kind or cluster), the words in focus and their nearest
neighbours ringed and labelled; on custom axes, the axes named by their words."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

KIND_COLOURS = {"number": "#1f77b4", "year": "#d62728", "other": "#b8b8b8"}
FOCUS_RING = {"size": 14, "color": "rgba(0,0,0,0)", "line": {"width": 2.5, "color": "black"}}
NEIGHBOUR_RING = {"size": 11, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "#ff7f0e"}}
LABELLED_UP_TO = 200
"""Maps of at most this many words show every word's label; larger ones only those ringed."""


def word_map_figure(frame: pd.DataFrame, colour: str, focus: Sequence[str] = (), neighbours: Sequence[str] = (),
                    axis_titles: tuple[str, str] | None = None) -> go.Figure:
    """The map of ``frame`` (word, rank, kind, cluster, x, y and z in 3-D), coloured by ``colour`` (kind or
    cluster), with the ``focus`` words ringed in black and their ``neighbours`` in orange. Every point carries its
    word as custom data, so a selection on the chart says which words it holds."""
    three_d = "z" in frame
    clusters = sorted(frame.cluster.unique(), key=int)
    common = dict(color=colour, hover_name="word", custom_data=["word"],
                  hover_data={"rank": True, "kind": True, "cluster": True, "x": False, "y": False},
                  text="word" if len(frame) <= LABELLED_UP_TO else None, height=700,
                  category_orders={"kind": list(KIND_COLOURS), "cluster": clusters},
                  color_discrete_map=KIND_COLOURS)
    if three_d:
        figure = px.scatter_3d(frame, x="x", y="y", z="z", **{**common, "hover_data": {**common["hover_data"],
                                                                                       "z": False}})
        figure.update_traces(marker={"size": 3})
    else:
        figure = px.scatter(frame, x="x", y="y", **common)
        figure.update_traces(marker={"size": 6})
    figure.update_traces(textposition="top center")
    for words, ring, name in ((neighbours, NEIGHBOUR_RING, "nearest neighbours"), (focus, FOCUS_RING, "selected")):
        marked = frame[frame.word.isin(words)]
        if len(marked):
            figure.add_trace(_rings(marked, ring, name, three_d))
    if axis_titles:
        figure.update_layout(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1])
    figure.update_layout(legend={"itemsizing": "constant"}, margin={"t": 30})
    return figure


def _rings(marked: pd.DataFrame, ring: dict, name: str, three_d: bool) -> go.Scatter | go.Scatter3d:
    shared = dict(mode="markers+text", text=marked.word, textposition="top center", name=name, marker=ring,
                  customdata=marked[["word"]].to_numpy(), hovertemplate="<b>%{customdata[0]}</b><extra>" + name
                  + "</extra>")
    if three_d:
        return go.Scatter3d(x=marked.x, y=marked.y, z=marked.z, **shared)
    return go.Scatter(x=marked.x, y=marked.y, **shared)
