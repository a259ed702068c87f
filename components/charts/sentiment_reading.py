"""The probability of 'positive' as a sentiment model reads a review word by word."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go


def reading_chart(reading: pd.DataFrame, title: str) -> go.Figure:
    """P(positive) after each prefix (columns words, word, probability of :func:`reading_word_by_word`), the 50%
    line dividing the verdicts; hovering a point names the word just read."""
    figure = go.Figure(go.Scatter(
        x=reading.words, y=reading.probability, mode="lines+markers", marker={"size": 5}, customdata=reading.word,
        hovertemplate="after word %{x} (“%{customdata}”): %{y:.1%} positive<extra></extra>"))
    figure.add_hline(y=0.5, line_dash="dot", line_color="grey", annotation_text="50%: the verdict flips")
    figure.update_layout(title=title, xaxis_title="words read", yaxis_title="probability positive",
                         yaxis={"range": [0, 1], "tickformat": ".0%"}, height=340)
    return figure
