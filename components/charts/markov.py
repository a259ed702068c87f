"""Markov-chain attribution charts: the journeys, attribution per channel and model, the chain as a heat map and graph."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from models.markov import CONVERSION, NULL, START


def path_length_chart(lengths: pd.DataFrame) -> go.Figure:
    """Customers by the number of touchpoints in their path (``path_summary``'s lengths)."""
    return px.bar(lengths, x="length", y="customers", title="Path length (touchpoints)")


def channel_touches_chart(channels: pd.DataFrame) -> go.Figure:
    """Touches per channel, weighted by customers (``path_summary``'s channels)."""
    return px.bar(channels, x="channel", y="touches", title="Touches per channel")


def attribution_chart(by_model: pd.DataFrame, measure: str) -> go.Figure:
    """Grouped bars: per channel, the conversions (or value) each model attributes (``attribution_by_model``)."""
    return px.bar(by_model, x="channel", y=measure, color="model", barmode="group")


def transition_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """First-order transition probabilities, rows the state left and columns the state entered."""
    return px.imshow(matrix, color_continuous_scale="Blues", aspect="auto",
                     title="First-order transition probabilities (row: from, column: to)")


MAX_EDGES_DRAWN = 300
"""Edges the chain graph draws, the most probable first. PathData's chain has 124 with any probability; 50
channels can have 2,650. Each edge is an arrow annotation the browser lays out one by one."""


def chain_graph(matrix: pd.DataFrame, threshold: float) -> go.Figure:
    """Channels on a circle, (start) left, (conversion)/(null) right; edge width by transition probability.

    Edges with probability at least ``threshold`` (and above 0) are drawn, at most
    ``MAX_EDGES_DRAWN`` of them, the most probable first; the title says when some are left out.
    """
    channels = [c for c in matrix.index if c != START]
    angles = np.linspace(0, 2 * np.pi, len(channels), endpoint=False)
    where = {c: (np.cos(a), np.sin(a)) for c, a in zip(channels, angles)}
    where.update({START: (-2.0, 0.0), CONVERSION: (2.0, 0.6), NULL: (2.0, -0.6)})
    edges = matrix.stack()
    edges = edges[(edges >= threshold) & (edges > 0)
                  & (edges.index.get_level_values(0) != edges.index.get_level_values(1))]
    drawn = edges.nlargest(MAX_EDGES_DRAWN)
    arrows = [go.layout.Annotation(x=where[target][0], y=where[target][1], ax=where[source][0], ay=where[source][1],
                                   xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2,
                                   arrowsize=0.6, arrowwidth=1 + 8 * p, arrowcolor="rgba(31, 119, 180, 0.35)",
                                   standoff=8, startstandoff=8, hovertext=f"{source} → {target}: {p:.2f}")
              for (source, target), p in drawn.items()]
    names = list(where)
    figure = go.Figure(go.Scatter(x=[where[n][0] for n in names], y=[where[n][1] for n in names], text=names,
                                  mode="markers+text", textposition="top center", marker={"size": 14},
                                  showlegend=False))
    title = "The chain (edges with probability above the threshold)"
    if len(edges) > len(drawn):
        title = f"The chain: the {len(drawn)} most probable of {len(edges):,} edges above the threshold"
    figure.update_layout(title=title, annotations=arrows, xaxis_visible=False, yaxis_visible=False, height=480)
    return figure
