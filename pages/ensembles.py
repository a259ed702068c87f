"""Ensembles on wine quality: a tuned random forest (bagging), two boosters and a stack, compared on held-out wines."""
import pandas as pd
import streamlit as st

from components.artifact_store import in_memory, loaded
from components.charts import classification as charts
from components.charts.distributions import WINE_COLOURS, binned_counts, correlation_heatmap, histograms
from components.data_status import attribution, load_or_explain
from components.feedback import explain_input_errors
from components.shell import ensure_app_navigation
from core.artifacts import InMemoryArtifact
from core.settings import quick_mode
from data.profile import profile
from data.wine import MEASUREMENTS, WINE_SETS, load_wine
from models.ensembles import interpretation as read
from models.ensembles.model import MODELS, SEARCHED_PARAMETERS, WineEnsembles

ensure_app_navigation()

MODEL_COLOURS = charts.model_palette(name for name, _ in MODELS.values())

st.title("Ensembles on wine quality")
st.write("Three ways to combine many trees into one classifier. **Bagging** (a random forest) grows deep trees on "
         "bootstrap samples and lets them vote: it mainly lowers variance. **Boosting** (gradient boosting, AdaBoost) "
         "grows shallow, weak trees one after another, each concentrating on the wines the previous ones got wrong. "
         "**Stacking** feeds the models' class probabilities to a logistic regression that learns how far to trust "
         "each. All are fitted and cross-validated on training wines only and compared on a held-out test set.")


@st.cache_data(show_spinner=False)
def wines_frame(wines: str) -> pd.DataFrame:
    return load_or_explain(load_wine, wines)


choice = st.radio("Wine set", WINE_SETS, horizontal=True, format_func=lambda w: {"both": "red and white"}.get(w, w),
                  help="With both, a colour feature (is_red) is added to the 11 measurements.")
frame = wines_frame(choice)
edges_text = st.text_input("Quality bin edges", "5, 6", help="The highest quality score of every bin but the last. "
                           "'5, 6' gives low (<= 5), medium (6) and high (>= 7); '5' gives two classes; up to four edges.")
bins = None
with explain_input_errors(stop=False):
    bins = read.checked_bins(edges_text, frame["quality"])

st.header("The data")
overview, distributions, correlations, quality = st.tabs(["Overview", "Distributions", "Correlations", "Quality and bins"])
with overview:
    for col, (label, value) in zip(st.columns(4), read.overview(frame).items()):
        col.metric(label, f"{value:,}")
    st.dataframe(profile(frame), width="stretch", column_config={c: st.column_config.NumberColumn(format="%.4g") for c in
                 ("mean", "std", "min", "25%", "median", "75%", "max", "skew", "missing %")})
    st.caption("Duplicate rows are real: several wines share identical measurements and score. They are kept, as in "
               "the source data; a duplicate can land in both training and test sets.")
with distributions:
    st.plotly_chart(histograms(frame, WINE_COLOURS, choice), width="stretch")
with correlations:
    corr = frame.corr(numeric_only=True)
    st.plotly_chart(correlation_heatmap(corr), width="stretch")
    st.write(read.correlation_sentence(corr))
with quality:
    if bins is None:
        st.info("Fix the bin edges above to see the bins.")
    else:
        st.plotly_chart(binned_counts(read.quality_counts(frame["quality"], bins), "quality", bins.labels,
                                      "Quality scores and their bins"), width="stretch")
        st.dataframe(read.bin_table(bins, frame["quality"]), hide_index=True, width="content",
                     column_config={"share": st.column_config.NumberColumn(format="percent")})
        st.caption("The bins become the classes to predict, encoded 0 (lowest) upward. Unequal bins make accuracy "
                   "flattering: compare it with the share of the largest bin, and read macro F1 too.")
attribution("wine")

st.header("Tune and fit the ensembles")
left, right = st.columns(2)
n_iter = left.number_input("Random-search iterations (forests tried)", 1, 50, 10,
                           help="How many random hyperparameter settings of the random forest to try.")
folds = right.number_input("Cross-validation folds", 2, 10, 5,
                           help="Stratified k-fold on the training wines, for the search and every model's CV scores.")
if bins is None:
    st.stop()
config = read.run_config(bins, int(n_iter), int(folds), quick_mode())
if quick_mode():
    st.caption(read.quick_note(config))
run = InMemoryArtifact(read.run_key(choice, config), "the ensembles",
                       lambda progress: WineEnsembles(config).fit(frame, progress))
model: WineEnsembles | None = in_memory(run)
if model is None:
    st.write(read.run_cost(config))
    if not st.button("Run the ensembles", type="primary"):
        st.info("Choose the settings, then press **Run the ensembles**. Results are kept for these settings.")
        st.stop()
    with explain_input_errors():
        model = loaded(run, "Tuning and fitting the ensembles", done="Ensembles fitted")
st.caption(read.split_note(model, config))

st.subheader("Bagging: the randomized search")
cols = st.columns(3)
cols[0].metric("Best CV accuracy", f"{model.best_cv_score_:.3f}")
cols[1].metric("Forests tried", len(model.search_))
cols[2].metric("Search time", f"{model.search_seconds_:.1f} s")
st.write("Best parameters: " + ", ".join(f"`{k}` = {v}" for k, v in sorted(model.best_params_.items())))
st.plotly_chart(charts.search_scores(model.search_, SEARCHED_PARAMETERS), width="stretch")
with st.expander("Every candidate's scores"):
    st.dataframe(model.search_.sort_values("rank"), width="stretch")

st.subheader("Bagging vs boosting vs stacking on held-out wines")
comparison = model.comparison()
for col, (name, row) in zip(st.columns(len(comparison)), comparison.iterrows()):
    col.metric(name, f"{row['test accuracy']:.3f}", help=f"Test accuracy; macro F1 {row['test macro F1']:.3f}")
st.dataframe(comparison, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.4f") for c in comparison.columns if c != "family"})
st.caption(read.baseline_note(model, config.folds))
st.write(read.variance_verdict(comparison, config.folds))
st.plotly_chart(charts.fold_scores(read.fold_scores(model), MODEL_COLOURS), width="stretch")

st.subheader("Confusion matrices (test set)")
for col, report in zip(st.columns(2) * 2, model.reports_.values()):
    col.plotly_chart(charts.confusion_matrix(report.confusion, model.labels_, report.name, "wines", height=330,
                                             compact=True), width="stretch")

st.subheader("Precision and recall per class (test set)")
per_class = read.per_class_scores(model)
st.plotly_chart(charts.class_scores(read.precision_recall(per_class), model.labels_, MODEL_COLOURS), width="stretch")
with st.expander("The numbers"):
    st.dataframe(per_class, hide_index=True, width="stretch")

st.subheader("Feature importance")
st.write("Impurity-based importance comes free with tree ensembles but is measured on training data and favours "
         "features with many split points. Permutation importance is the drop in **test** accuracy when one "
         "feature's values are shuffled, and works for any model, including the stack.")
order = read.features_by_importance(model.importances_)
for column, kind in zip(st.columns(2), ("impurity", "permutation")):
    column.plotly_chart(charts.importance_bars(model.importances_, kind, order, MODEL_COLOURS), width="stretch")
st.caption("Gradient boosting on histograms and the stack have no impurity-based importance; only permutation "
           "importance can rank their features.")

st.subheader("Predict one wine")
st.write("Set the measurements (they start at the median wine of this set); every model gives its class and "
         "probabilities.")
cols = st.columns(3)
measurements = {name: cols[i % 3].slider(name.replace("_", " "), key=f"wine_{choice}_{name}",
                                         **read.slider_range(frame[name])) for i, name in enumerate(MEASUREMENTS)}
if choice == "both":
    colour = cols[len(MEASUREMENTS) % 3].radio("colour", ["red", "white"], int(frame["colour"].mode()[0] == "white"),
                                               horizontal=True, help="Starts at the more common colour.")
    measurements["is_red"] = float(colour == "red")
predictions = model.predict_wine(measurements)
for col, (name, row) in zip(st.columns(len(predictions)), predictions.iterrows()):
    col.metric(name, row["predicted class"], help=f"probability {row[row['predicted class']]:.2f}")
st.plotly_chart(charts.class_probabilities(read.probabilities_by_class(predictions), model.labels_), width="stretch")
st.dataframe(predictions, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.3f") for c in model.labels_})
