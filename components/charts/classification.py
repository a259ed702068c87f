"""Classification charts: the confusion matrix, scores per class and per fold, a hyperparameter search, feature
importance, predicted probabilities and training curves."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.ensembles.interpretation import category_order


def model_palette(names: Iterable[str]) -> dict[str, str]:
    """Each model's colour, the same in every chart of a page."""
    return dict(zip(names, px.colors.qualitative.Safe))


def confusion_matrix(counts, labels: Sequence[str], title: str, counted: str, height: int | None = None,
                     colour_mistakes: bool = False, compact: bool = False) -> go.Figure:
    """Counts of true classes (rows) against predicted classes (columns): blue cells with their count written on.

    ``counted`` names what is counted (the colour's label). With ``colour_mistakes`` the colour scale stops at the
    largest mistake, so the mistakes show and the diagonal saturates. ``compact`` suits small matrices side by side:
    cells stretched to the column, no colour scale, tight margins.
    """
    counts = np.asarray(counts)
    mistakes = counts[~np.eye(len(counts), dtype=bool)]
    figure = px.imshow(counts, x=list(labels), y=list(labels), text_auto=",d", color_continuous_scale="Blues",
                       zmax=max(1, int(mistakes.max())) if colour_mistakes else None, title=title,
                       labels={"x": "predicted", "y": "true", "color": counted}, aspect="auto" if compact else None)
    figure.update_layout(xaxis={"dtick": 1}, yaxis={"dtick": 1}, height=height)
    if compact:
        figure.update_layout(coloraxis_showscale=False, margin={"t": 50, "l": 10, "r": 10})
    return figure


def search_scores(table: pd.DataFrame, parameters: Sequence[str]) -> go.Figure:
    """Each tried candidate's mean CV accuracy (bar: std across folds) against each searched parameter; best in red.

    ``table`` has a column per parameter, "mean CV accuracy", "std across folds" and "rank" (1 = best).
    """
    figure = make_subplots(rows=2, cols=3, subplot_titles=parameters, shared_yaxes=True, vertical_spacing=0.18)
    best = table["rank"] == 1
    for i, parameter in enumerate(parameters):
        values = table[parameter]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        figure.add_trace(
            go.Scatter(
                x=values if numeric else values.astype(str), y=table["mean CV accuracy"], mode="markers",
                error_y={"array": table["std across folds"], "thickness": 1},
                marker={"size": 9, "color": np.where(best, "crimson", "steelblue")},
                text=[f"candidate {c}" for c in table.index], showlegend=False,
                hovertemplate="%{text}<br>" + parameter + " = %{x}<br>CV accuracy %{y:.3f}<extra></extra>",
            ),
            row=i // 3 + 1, col=i % 3 + 1)
        if not numeric:
            figure.update_xaxes(type="category", categoryorder="array", categoryarray=category_order(values),
                                row=i // 3 + 1, col=i % 3 + 1)
    figure.update_yaxes(title_text="mean CV accuracy", col=1)
    figure.update_layout(height=560, margin={"t": 40})
    return figure


def fold_scores(folds: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Each model's accuracy on each cross-validation fold (columns model, fold, CV accuracy) as points."""
    figure = px.strip(folds, x="model", y="CV accuracy", hover_data=["fold"], color="model",
                      color_discrete_map=colours, title="Accuracy on each cross-validation fold")
    return figure.update_layout(showlegend=False)


def class_scores(scores: pd.DataFrame, class_order: Sequence[str], colours: dict[str, str]) -> go.Figure:
    """Scores per class and model as grouped bars, a panel per metric (columns model, class, metric, value)."""
    figure = px.bar(scores, x="class", y="value", color="model", barmode="group", facet_col="metric",
                    color_discrete_map=colours, category_orders={"class": list(class_order)})
    figure.for_each_annotation(lambda a: a.update(text=a.text.removeprefix("metric=")))
    return figure.update_layout(legend={"orientation": "h", "y": -0.25})


IMPORTANCE_TITLES = {"impurity": "Impurity-based (mean decrease in impurity)",
                     "permutation": "Permutation (drop in test accuracy)"}


def importance_bars(importances: pd.DataFrame, kind: str, feature_order: Sequence[str],
                    colours: dict[str, str]) -> go.Figure:
    """Each model's importance of each feature of one ``kind`` (a column of ``importances``) as horizontal bars.

    Models without that kind of importance are left out; a column "<kind> std" gives the error bars.
    """
    shown = importances.dropna(subset=[kind])
    error = f"{kind} std" if f"{kind} std" in importances else None
    figure = px.bar(shown, x=kind, y="feature", color="model", barmode="group", orientation="h", height=650,
                    error_x=error, title=IMPORTANCE_TITLES[kind], color_discrete_map=colours,
                    category_orders={"feature": list(feature_order)})
    return figure.update_layout(legend={"orientation": "h", "y": -0.12, "title": None})


def class_probabilities(probabilities: pd.DataFrame, class_order: Sequence[str]) -> go.Figure:
    """Each model's probability of each class (columns model, class, probability) as grouped bars."""
    return px.bar(probabilities, x="model", y="probability", color="class", barmode="group",
                  category_orders={"class": list(class_order)}, range_y=[0, 1])


def training_curves(curves: pd.DataFrame) -> go.Figure:
    """Train and validation curves by epoch, a panel per metric with its own scale (columns epoch, metric, split,
    value)."""
    figure = px.line(curves, x="epoch", y="value", color="split", facet_col="metric", markers=True,
                     title="Training curves", facet_col_spacing=0.12)
    figure.update_yaxes(matches=None, showticklabels=True).update_xaxes(dtick=1 if curves.epoch.max() <= 8 else 2)
    figure.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    return figure
