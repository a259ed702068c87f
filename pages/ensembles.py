"""Ensembles on wine quality: a tuned random forest (bagging), two boosters and a stack, compared on held-out wines."""
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from components.artifact_store import in_memory, loaded
from components.data_status import attribution, load_or_explain
from components.feedback import explain_input_errors
from components.shell import ensure_app_navigation
from data.wine import MEASUREMENTS, WINE_SETS, load_wine
from core.settings import quick_mode
from data.profile import profile
from models.ensembles.model import MODELS, SEARCHED_PARAMETERS, EnsembleConfig, QualityBins, WineEnsembles, parse_edges
from core.artifacts import InMemoryArtifact
from core.errors import InputError

ensure_app_navigation()

MODEL_COLOURS = dict(zip((name for name, _ in MODELS.values()), px.colors.qualitative.Safe))
WINE_COLOURS = {"red": "#8e1b2e", "white": "#d4b84a", "both": "#5b6f95"}

st.title("Ensembles on wine quality")
st.write(
    "Three ways to combine many trees into one classifier. **Bagging** (a random forest) grows deep trees on "
    "bootstrap samples and lets them vote: it mainly lowers variance. **Boosting** (gradient boosting, AdaBoost) "
    "grows shallow, weak trees one after another, each concentrating on the wines the previous ones got wrong. "
    "**Stacking** feeds the models' class probabilities to a logistic regression that learns how far to trust each. "
    "All are fitted and cross-validated on training wines only and compared on a held-out test set."
)


@st.cache_data(show_spinner=False)
def wines_frame(wines: str) -> pd.DataFrame:
    return load_or_explain(load_wine, wines)


def distributions_chart(frame: pd.DataFrame, wines: str) -> go.Figure:
    """One histogram per numeric column (red and white overlaid when both are shown)."""
    columns = [c for c in frame.columns if c != "colour"]
    figure = make_subplots(rows=3, cols=4, subplot_titles=columns, vertical_spacing=0.09)
    groups = frame.groupby("colour", observed=True) if "colour" in frame else [(wines, frame)]
    for name, part in groups:
        for i, column in enumerate(columns):
            figure.add_trace(
                go.Histogram(x=part[column], name=f"{name} wines", legendgroup=name, showlegend=i == 0,
                             opacity=0.7, marker_color=WINE_COLOURS[name]),
                row=i // 4 + 1, col=i % 4 + 1)
    figure.update_layout(barmode="overlay", height=650, margin={"t": 40}, showlegend="colour" in frame)
    return figure


def quality_chart(frame: pd.DataFrame, bins: QualityBins) -> go.Figure:
    """Wines per quality score, coloured by the bin each score falls in."""
    counts = frame["quality"].value_counts().sort_index().rename_axis("quality").reset_index(name="wines")
    counts["bin"] = [bins.labels[c] for c in bins.codes(counts["quality"])]
    return px.bar(counts, x="quality", y="wines", color="bin", text="wines",
                  category_orders={"bin": list(bins.labels)}, title="Quality scores and their bins")


def category_order(values: pd.Series) -> list[str]:
    """Distinct values as text: numbers in numeric order first, then words ('none', 'sqrt', 'True')."""
    def key(text: str) -> tuple:
        try:
            return (0, float(text), "")
        except ValueError:
            return (1, 0.0, text)
    return sorted(values.astype(str).unique(), key=key)


def search_chart(table: pd.DataFrame) -> go.Figure:
    """Each tried forest's mean CV accuracy (bar: std across folds) against each searched parameter; best in red."""
    figure = make_subplots(rows=2, cols=3, subplot_titles=SEARCHED_PARAMETERS, shared_yaxes=True,
                           vertical_spacing=0.18)
    best = table["rank"] == 1
    for i, parameter in enumerate(SEARCHED_PARAMETERS):
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


def confusion_chart(confusion: pd.DataFrame, title: str) -> go.Figure:
    figure = px.imshow(confusion, text_auto=True, color_continuous_scale="Blues", title=title,
                       labels={"x": "predicted", "y": "true", "color": "wines"}, aspect="auto")
    figure.update_layout(coloraxis_showscale=False, height=330, margin={"t": 50, "l": 10, "r": 10})
    return figure


def slider_step(low: float, high: float) -> float:
    """A step giving about a few hundred positions between low and high, rounded to a power of ten."""
    return float(10 ** (np.floor(np.log10(max(high - low, 1e-9))) - 2))


# ---------------------------------------------------------------- the data

choice = st.radio("Wine set", WINE_SETS, horizontal=True, format_func=lambda w: {"both": "red and white"}.get(w, w),
                  help="With both, a colour feature (is_red) is added to the 11 measurements.")
frame = wines_frame(choice)

edges_text = st.text_input(
    "Quality bin edges", "5, 6",
    help="The highest quality score of every bin but the last. '5, 6' gives low (<= 5), medium (6) and high (>= 7); "
         "'5' gives two classes; up to four edges.")
try:
    bins = QualityBins(parse_edges(edges_text))
    bins.encode(frame["quality"])
except InputError as error:
    bins = None
    st.error(str(error), icon=":material/error:")

st.header("The data")
overview, distributions, correlations, quality = st.tabs(["Overview", "Distributions", "Correlations", "Quality and bins"])
with overview:
    cols = st.columns(4)
    cols[0].metric("Wines", f"{len(frame):,}")
    cols[1].metric("Columns", frame.shape[1])
    cols[2].metric("Missing values", int(frame.isna().sum().sum()))
    cols[3].metric("Duplicate rows", int(frame.duplicated().sum()))
    st.dataframe(profile(frame), width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.4g") for c in
                                ("mean", "std", "min", "25%", "median", "75%", "max", "skew", "missing %")})
    st.caption("Duplicate rows are real: several wines share identical measurements and score. They are kept, as in "
               "the source data; a duplicate can land in both training and test sets.")
with distributions:
    st.plotly_chart(distributions_chart(frame, choice), width="stretch")
with correlations:
    corr = frame.corr(numeric_only=True)
    heatmap = px.imshow(corr, text_auto=".2f", color_continuous_scale="RdBu_r", zmin=-1, zmax=1, aspect="auto",
                        title="Pearson correlations")
    heatmap.update_layout(height=600)
    st.plotly_chart(heatmap, width="stretch")
    strongest = corr["quality"].drop("quality").abs().sort_values(ascending=False)
    st.write(f"Quality correlates most with **{strongest.index[0]}** (r = {corr.loc[strongest.index[0], 'quality']:+.2f}) "
             f"and **{strongest.index[1]}** (r = {corr.loc[strongest.index[1], 'quality']:+.2f}).")
with quality:
    if bins is None:
        st.info("Fix the bin edges above to see the bins.")
    else:
        st.plotly_chart(quality_chart(frame, bins), width="stretch")
        counts = bins.counts(frame["quality"])
        st.dataframe(pd.DataFrame({"class code": range(len(counts)), "bin": counts.index, "wines": counts.to_numpy(),
                                   "share": counts.to_numpy() / counts.sum()}),
                     hide_index=True, width="content",
                     column_config={"share": st.column_config.NumberColumn(format="percent")})
        st.caption("The bins become the classes to predict, encoded 0 (lowest) upward. Unequal bins make accuracy "
                   "flattering: compare it with the share of the largest bin, and read macro F1 too.")
attribution("wine")

# ---------------------------------------------------------------- the run

st.header("Tune and fit the ensembles")
left, right = st.columns(2)
n_iter = left.number_input("Random-search iterations (forests tried)", 1, 50, 10,
                           help="How many random hyperparameter settings of the random forest to try.")
folds = right.number_input("Cross-validation folds", 2, 10, 5,
                           help="Stratified k-fold on the training wines, for the search and every model's CV scores.")
if bins is None:
    st.stop()
settings = (choice, bins.edges, int(n_iter), int(folds))
config_args = {"bins": bins, "n_iter": int(n_iter), "folds": int(folds)}
config = EnsembleConfig.quick(**config_args) if quick_mode() else EnsembleConfig(**config_args)
if quick_mode():
    st.caption(f"Quick mode: a stratified subset of {config.max_rows} wines, forests of at most {config.max_trees} "
               f"trees and {config.boost_rounds} boosting rounds.")
run = InMemoryArtifact(f"wine-ensembles-{settings}", "the ensembles",
                       lambda progress: WineEnsembles(config).fit(frame, progress))
model: WineEnsembles | None = in_memory(run)
if model is None:
    fits = int(n_iter) * int(folds)
    st.write(f"A run tries {fits} random-forest fits in the search, then cross-validates and fits the boosters and the "
             f"stack (about a minute for red or white and two for both on two cores).")
    if not st.button("Run the ensembles", type="primary"):
        st.info("Choose the settings, then press **Run the ensembles**. Results are kept for these settings.")
        st.stop()
    with explain_input_errors():
        model = loaded(run, "Tuning and fitting the ensembles", done="Ensembles fitted")
st.caption(f"{model.n_train_:,} training wines, {model.n_test_:,} held-out test wines (stratified split, seed "
           f"{config.seed}).")

# ---------------------------------------------------------------- the search

st.subheader("Bagging: the randomized search")
cols = st.columns(3)
cols[0].metric("Best CV accuracy", f"{model.best_cv_score_:.3f}")
cols[1].metric("Forests tried", len(model.search_))
cols[2].metric("Search time", f"{model.search_seconds_:.1f} s")
st.write("Best parameters: " + ", ".join(f"`{k}` = {v}" for k, v in sorted(model.best_params_.items())))
st.plotly_chart(search_chart(model.search_), width="stretch")
with st.expander("Every candidate's scores"):
    st.dataframe(model.search_.sort_values("rank"), width="stretch")

# ---------------------------------------------------------------- the comparison

st.subheader("Bagging vs boosting vs stacking on held-out wines")
comparison = model.comparison()
cols = st.columns(len(comparison))
for col, (name, row) in zip(cols, comparison.iterrows()):
    col.metric(name, f"{row['test accuracy']:.3f}", help=f"Test accuracy; macro F1 {row['test macro F1']:.3f}")
st.dataframe(comparison, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.4f") for c in comparison.columns if c != "family"})
largest = model.reports_["random_forest"].per_class["support"].max() / model.n_test_
st.caption(f"Always predicting the largest bin would score {largest:.3f} test accuracy. CV scores are accuracies on "
           f"the same {config.folds} folds of the training wines for every model; the variance across folds is "
           f"how much a model's score depends on which wines it was trained on.")
steadiest, shakiest = comparison["CV variance"].idxmin(), comparison["CV variance"].idxmax()
st.write(f"Lowest variance of CV accuracy across folds: **{steadiest}** ({comparison.loc[steadiest, 'CV variance']:.5f}); "
         f"highest: **{shakiest}** ({comparison.loc[shakiest, 'CV variance']:.5f}). Bagging promises low variance; "
         f"with {config.folds} folds these estimates are themselves noisy.")
folds_long = pd.DataFrame([{"model": r.name, "fold": i + 1, "CV accuracy": s}
                           for r in model.reports_.values() for i, s in enumerate(r.cv_scores)])
st.plotly_chart(px.strip(folds_long, x="model", y="CV accuracy", hover_data=["fold"], color="model",
                         color_discrete_map=MODEL_COLOURS, title="Accuracy on each cross-validation fold")
                .update_layout(showlegend=False), width="stretch")

st.subheader("Confusion matrices (test set)")
cols = st.columns(2)
for i, report in enumerate(model.reports_.values()):
    cols[i % 2].plotly_chart(confusion_chart(report.confusion, report.name), width="stretch")

st.subheader("Precision and recall per class (test set)")
per_class = pd.concat({r.name: r.per_class for r in model.reports_.values()}, names=["model", "class"]).reset_index()
long = per_class.melt(id_vars=["model", "class"], value_vars=["precision", "recall"], var_name="metric")
precision_recall = px.bar(long, x="class", y="value", color="model", barmode="group", facet_col="metric",
                          color_discrete_map=MODEL_COLOURS, category_orders={"class": list(model.labels_)})
precision_recall.for_each_annotation(lambda a: a.update(text=a.text.removeprefix("metric=")))
st.plotly_chart(precision_recall.update_layout(legend={"orientation": "h", "y": -0.25}), width="stretch")
with st.expander("The numbers"):
    st.dataframe(per_class, hide_index=True, width="stretch")

st.subheader("Feature importance")
st.write("Impurity-based importance comes free with tree ensembles but is measured on training data and favours "
         "features with many split points. Permutation importance is the drop in **test** accuracy when one "
         "feature's values are shuffled, and works for any model, including the stack.")
feature_order = (model.importances_.groupby("feature")["permutation"].mean().sort_values().index.tolist())
left, right = st.columns(2)
for column, kind, title in ((left, "impurity", "Impurity-based (mean decrease in impurity)"),
                            (right, "permutation", "Permutation (drop in test accuracy)")):
    shown = model.importances_.dropna(subset=[kind])
    chart = px.bar(shown, x=kind, y="feature", color="model", barmode="group", orientation="h", height=650,
                   error_x="permutation std" if kind == "permutation" else None, title=title,
                   color_discrete_map=MODEL_COLOURS, category_orders={"feature": feature_order[::-1]})
    column.plotly_chart(chart.update_layout(legend={"orientation": "h", "y": -0.12, "title": None}), width="stretch")
st.caption("Gradient boosting on histograms and the stack have no impurity-based importance; only permutation "
           "importance can rank their features.")

# ---------------------------------------------------------------- one wine

st.subheader("Predict one wine")
st.write("Set the measurements (they start at the median wine of this set); every model gives its class and "
         "probabilities.")
measurements = {}
cols = st.columns(3)
for i, name in enumerate(MEASUREMENTS):
    low, high = float(frame[name].min()), float(frame[name].max())
    step = slider_step(low, high)
    measurements[name] = cols[i % 3].slider(
        name.replace("_", " "), low, high, float(np.clip(np.round(frame[name].median() / step) * step, low, high)),
        step=step,
        format=f"%.{max(0, int(-np.log10(step)))}f", key=f"wine_{choice}_{name}")
if choice == "both":
    colours = ["red", "white"]
    colour = cols[len(MEASUREMENTS) % 3].radio("colour", colours, index=colours.index(frame["colour"].mode()[0]),
                                               horizontal=True, help="Starts at the more common colour.")
    measurements["is_red"] = float(colour == "red")
predictions = model.predict_wine(measurements)
cols = st.columns(len(predictions))
for col, (name, row) in zip(cols, predictions.iterrows()):
    col.metric(name, row["predicted class"], help=f"probability {row[row['predicted class']]:.2f}")
probabilities = predictions.drop(columns="predicted class").reset_index().melt(
    id_vars="model", var_name="class", value_name="probability")
st.plotly_chart(px.bar(probabilities, x="model", y="probability", color="class", barmode="group",
                       category_orders={"class": list(model.labels_)}, range_y=[0, 1]), width="stretch")
st.dataframe(predictions, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.3f") for c in model.labels_})
