"""Charts of hidden Markov models: a Viterbi trellis, a transition matrix, scores per tag, EM's learning curve."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots


def viterbi_trellis(shortfall: pd.DataFrame) -> go.Figure:
    """Tags (rows) by words (columns): nats below the winning path of the best path through each cell; the
    winning path (cells at 0) drawn over it."""
    clipped = shortfall.clip(upper=20)
    figure = px.imshow(clipped, color_continuous_scale="Blues_r", aspect="auto", text_auto=".1f",
                       labels={"x": "word", "y": "tag", "color": "nats behind"},
                       title="Viterbi trellis: how far the best path through each tag falls behind the winner")
    winners = shortfall.idxmin(axis=0)
    figure.add_trace(go.Scatter(x=list(shortfall.columns), y=list(winners), mode="lines+markers",
                                line={"color": "crimson", "width": 3}, marker={"size": 10}, name="Viterbi path"))
    figure.update_layout(height=560, legend={"orientation": "h", "y": -0.2})
    return figure


def transition_matrix(matrix: pd.DataFrame) -> go.Figure:
    figure = px.imshow(matrix, color_continuous_scale="Viridis", aspect="auto",
                       labels={"x": "next tag", "y": "tag", "color": "P(next | tag)"},
                       title="Transition probabilities P(next tag | tag), the bigram HMM's states grouped by tag")
    figure.update_layout(height=560, xaxis={"dtick": 1}, yaxis={"dtick": 1})
    return figure


def accuracy_per_tag(per_tag: pd.DataFrame) -> go.Figure:
    """Accuracy on the test split per gold tag, one bar per model (columns)."""
    long = per_tag.reset_index(names="tag").melt(id_vars="tag", var_name="model", value_name="accuracy")
    figure = px.bar(long, x="tag", y="accuracy", color="model", barmode="group", title="Test accuracy per tag")
    figure.update_yaxes(tickformat=".0%")
    return figure


def em_learning_curve(curve: pd.DataFrame) -> go.Figure:
    """Log-likelihood per word and many-to-one accuracy against Baum-Welch's iteration."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Scatter(x=curve.iteration, y=curve.log_likelihood, name="log-likelihood per word"))
    figure.add_trace(go.Scatter(x=curve.iteration, y=curve.many_to_one, name="many-to-one accuracy"),
                     secondary_y=True)
    figure.update_layout(title="Baum-Welch from a random start, words only", xaxis_title="iteration",
                         legend={"orientation": "h", "y": -0.25})
    figure.update_yaxes(title_text="log-likelihood per word", secondary_y=False)
    figure.update_yaxes(title_text="many-to-one accuracy", tickformat=".0%", secondary_y=True)
    return figure
