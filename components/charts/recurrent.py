"""Recurrent-network charts: the unrolled network and its states, the error through time, clipping, the race, gates."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from models.rnn.simple_rnn import NO_TARGET, UnrolledWord

COLORS = ["#d62728", "#1f77b4", "#2ca02c"]  # distinct hues, so two runs never share a shade
GATES = ("input", "forget", "output")


def unrolled_diagram(unrolled: UnrolledWord) -> str:
    """Graphviz source of the unrolled network with the forward values of each step."""
    word, alphabet, targets, fwd = unrolled.word, unrolled.alphabet, unrolled.targets, unrolled.fwd
    losses = unrolled.step_losses()
    lines = ["digraph { rankdir=BT; node [shape=box, style=rounded, fontsize=11]; edge [fontsize=10];"]
    for t, letter in enumerate(word):
        h = fwd.h[0, t]
        lines.append(f'x{t} [label="x({t + 1}) = \'{letter}\'"];')
        lines.append(f'h{t} [label="h({t + 1})\\n‖h‖ = {np.linalg.norm(h):.2f}\\nh[0..1] = {h[0]:+.2f}, {h[1]:+.2f}"];')
        guess = alphabet[int(fwd.y_hat[0, t].argmax())]
        lines.append(f'y{t} [label="ŷ({t + 1}): guesses \'{guess}\' ({fwd.y_hat[0, t].max():.2f})"];')
        lines += [f'x{t} -> h{t} [label="U"];', f'h{t} -> y{t} [label="V"];']
        if t:
            lines.append(f'h{t - 1} -> h{t} [label="W", color="darkorange"];')
        if targets[t] != NO_TARGET:
            lines.append(f'J{t} [label="J({t + 1}) = {losses[t]:.2f}\\n(next: \'{alphabet[targets[t]]}\')", '
                         'shape=ellipse];')
            lines.append(f"y{t} -> J{t};")
    lines.append("{ rank=same; " + " ".join(f"h{t};" for t in range(len(word))) + " }")
    return "\n".join(lines) + "}"


def hidden_states(unrolled: UnrolledWord) -> go.Figure:
    """Heatmap of h(t), hidden unit by step, on the fixed tanh range [-1, 1]."""
    return px.imshow(unrolled.fwd.h[0].T, x=[f"{t + 1}: {c}" for t, c in enumerate(unrolled.word)],
                     color_continuous_scale="RdBu", zmin=-1, zmax=1, aspect="auto",
                     labels={"x": "step", "y": "hidden unit", "color": "h"}, title="Hidden state h(t), unit by unit")


def error_through_time(flow: pd.DataFrame, radius: float, length: int, truncation: int | None) -> go.Figure:
    """‖∂J/∂h(t)‖ per step next to ρ^(T−t) on a log scale; the steps truncated BPTT(k) never reaches shaded."""
    figure = px.line(flow, x="step t", y=["‖∂J/∂h(t)‖", "ρ^(T−t) · ‖∂J/∂h(T)‖"], log_y=True, markers=True,
                     labels={"value": "norm (log scale)", "variable": ""},
                     title=f"Error reaching each step, ρ(W) = {radius:.2f}, mean of 16 random sequences",
                     color_discrete_sequence=COLORS)
    measured = flow["‖∂J/∂h(t)‖"]
    figure.update_yaxes(range=[np.log10(measured[measured > 0].min()) - 1, np.log10(measured.max()) + 1])
    if truncation:
        figure.add_vrect(x0=0.5, x1=length - truncation + 0.5, fillcolor="grey", opacity=0.15, line_width=0,
                         annotation_text=f"truncated BPTT(k={truncation}) never reaches these steps")
    return figure


def _legend_below(figure: go.Figure) -> go.Figure:
    figure.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2})
    return figure


def clipping_losses(runs: pd.DataFrame) -> go.Figure:
    """The loss per sequence, update by update, of the runs without and with clipping."""
    return _legend_below(px.line(runs, x="update", y="loss", color="run", title="Loss per sequence",
                                 labels={"run": ""}, color_discrete_sequence=COLORS))


def clipping_gradient_norms(runs: pd.DataFrame, clip: float) -> go.Figure:
    """The gradient norm before clipping, update by update, on a log scale, with the clip threshold."""
    figure = px.line(runs, x="update", y="grad_norm", color="run", log_y=True,
                     labels={"run": "", "grad_norm": "‖∂J/∂θ‖"}, title="Gradient norm before clipping",
                     color_discrete_sequence=COLORS)
    figure.add_hline(y=clip, line_dash="dash", line_color="grey", annotation_text="clip threshold",
                     annotation_position="bottom right")
    return _legend_below(figure)


def race_accuracy(results: pd.DataFrame) -> go.Figure:
    """Each network's test accuracy against the length of the gap, with the 25% of chance."""
    figure = px.line(results, x="T", y="accuracy", color="network", markers=True, range_y=[0, 1.05],
                     title="Test accuracy against the length of the gap", labels={"network": ""},
                     color_discrete_sequence=COLORS)
    figure.add_hline(y=0.25, line_dash="dot", line_color="grey", annotation_text="chance")
    return figure


def _word_labels(means: pd.DataFrame) -> list[str]:
    """"position. word" for each row of a gate-means table, escaped for Plotly's HTML labels."""
    return [f"{p + 1}. {html.escape(w)}" for p, w in zip(means.position, means.word)]


def gates_by_word(means: pd.DataFrame, units: int) -> go.Figure:
    """The input, forget and output gates averaged over the LSTM's ``units``, word by word."""
    labels = _word_labels(means)
    figure = go.Figure([go.Scatter(x=labels, y=means[gate], mode="lines+markers", name=f"{gate} gate",
                                   line_color=color) for gate, color in zip(GATES, COLORS)])
    figure.update_layout(title=f"Gates averaged over the LSTM's {units} units, word by word", yaxis_range=[0, 1],
                         yaxis_title="gate value (0 closed, 1 open)")
    return figure


def units_by_word(values: np.ndarray, means: pd.DataFrame, units: np.ndarray, shown: str, busiest: int) -> go.Figure:
    """Heatmap of ``shown`` ("cell state" or a gate) of ``units``, the ``busiest`` cells, over the words of ``means``.

    ``values`` ``(units, T)`` covers the whole review: the cell state's colour range is
    symmetric around 0 over all of it, a gate's is [0, 1]; the last ``len(means)`` words are drawn.
    """
    if shown == "cell state":
        scale, limits = "RdBu", (-np.abs(values).max(), np.abs(values).max())
    else:
        scale, limits = "Viridis", (0, 1)
    return px.imshow(values[:, -len(means):], x=_word_labels(means), y=[f"unit {u}" for u in units], aspect="auto",
                     color_continuous_scale=scale, zmin=limits[0], zmax=limits[1], labels={"color": shown},
                     title=f"{shown.capitalize()} of the {busiest} units whose cell state moves most over this review")
