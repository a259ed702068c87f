"""Ensembles on wine quality: a tuned random forest (bagging), two boosters and a stack, compared on held-out wines."""
import streamlit as st

from components.artifact_store import in_memory, loaded
from components.chart_export import chart
from components.charts import classification as charts
from components.data_status import attribution
from components.feedback import explain_input_errors
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.table_export import table
from components.url_state import BIND
from components.wine_views import (AS_WRITTEN, ONE_WINE, SETTINGS, SOURCE, data_overview, wine_measurements,
                                   wine_set_name, wines_frame)
from core.artifacts import InMemoryArtifact
from core.settings import quick_mode
from data.wine import WINE_SETS
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


link = LinkNote()
choice = st.radio("Wine set", WINE_SETS, horizontal=True, format_func=wine_set_name, key="wines", bind=BIND,
                  help="With both, a colour feature (is_red) is added to the 11 measurements.")
frame = wines_frame(choice)
wines = f"{wine_set_name(choice)} wines"
edges_text = st.text_input("Quality bin edges", "5, 6", max_chars=40, key="bins", bind=BIND, help="The highest quality "
                           "score of every bin but the last. '5, 6' gives low (<= 5), medium (6) and high (>= 7); '5' "
                           "gives two classes; up to four edges.")
bins = None
with explain_input_errors(stop=False):
    bins = read.checked_bins(edges_text, frame["quality"])

st.header("The data")
data_overview(frame, choice, bins)
attribution("wine")

st.header("Tune and fit the ensembles")
left, right = st.columns(2)
n_iter = left.number_input("Random-search iterations (forests tried)", 1, 50, 10, key="iterations", bind=BIND,
                           help="How many random hyperparameter settings of the random forest to try.")
folds = right.number_input("Cross-validation folds", 2, 10, 5, key="folds", bind=BIND,
                           help="Stratified k-fold on the training wines, for the search and every model's CV scores.")
link.check(SETTINGS, AS_WRITTEN)
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
chart(charts.search_scores(model.search_, SEARCHED_PARAMETERS), f"Random forests tried on the {wines}: CV accuracy "
      "by hyperparameter", "search_chart", SOURCE)
with st.expander("Every candidate's scores"):
    table(model.search_.sort_values("rank"), f"Random-search candidates on the {wines}", "search", index=True)

st.subheader("Bagging vs boosting vs stacking on held-out wines")
comparison = model.comparison()
for col, (name, row) in zip(st.columns(len(comparison)), comparison.iterrows()):
    col.metric(name, f"{row['test accuracy']:.3f}", help=f"Test accuracy; macro F1 {row['test macro F1']:.3f}")
table(comparison, f"Bagging, boosting and stacking on held-out {wines}", "comparison", index=True,
      column_config={c: st.column_config.NumberColumn(format="%.4f") for c in comparison.columns if c != "family"})
st.caption(read.baseline_note(model, config.folds))
st.write(read.variance_verdict(comparison, config.folds))
chart(charts.fold_scores(read.fold_scores(model), MODEL_COLOURS), f"Accuracy on each cross-validation fold, {wines}",
      "fold_chart", SOURCE)

st.subheader("Confusion matrices (test set)")
for number, (col, report) in enumerate(zip(st.columns(2) * 2, model.reports_.values())):
    with col:
        chart(charts.confusion_matrix(report.confusion, model.labels_, report.name, "wines", height=330, compact=True),
              f"Confusion matrix of {report.name} on held-out {wines}", f"confusion_{number}", SOURCE)

st.subheader("Precision and recall per class (test set)")
per_class = read.per_class_scores(model)
chart(charts.class_scores(read.precision_recall(per_class), model.labels_, MODEL_COLOURS),
      f"Precision and recall per quality class, held-out {wines}", "class_scores", SOURCE)
with st.expander("The numbers"):
    table(per_class, f"Precision and recall per quality class, held-out {wines}", "per_class")

st.subheader("Feature importance")
st.write("Impurity-based importance comes free with tree ensembles but is measured on training data and favours "
         "features with many split points. Permutation importance is the drop in **test** accuracy when one "
         "feature's values are shuffled, and works for any model, including the stack.")
order = read.features_by_importance(model.importances_)
for column, kind in zip(st.columns(2), ("impurity", "permutation")):
    with column:
        chart(charts.importance_bars(model.importances_, kind, order, MODEL_COLOURS),
              f"{kind.title()} importance of each measurement, {wines}", f"{kind}_importance", SOURCE)
st.caption("Gradient boosting on histograms and the stack have no impurity-based importance; only permutation "
           "importance can rank their features.")

st.subheader("Predict one wine")
st.write("Set the measurements (they start at the median wine of this set); every model gives its class and "
         "probabilities.")
measurements = wine_measurements(frame, choice)
link.check(ONE_WINE)
predictions = model.predict_wine(measurements)
for col, (name, row) in zip(st.columns(len(predictions)), predictions.iterrows()):
    col.metric(name, row["predicted class"], help=f"probability {row[row['predicted class']]:.2f}")
chart(charts.class_probabilities(read.probabilities_by_class(predictions), model.labels_),
      f"Each model's class probabilities for the wine set above ({wines})", "wine_probabilities", SOURCE)
table(predictions, f"Each model's reading of one wine ({wines})", "predictions", index=True,
      column_config={c: st.column_config.NumberColumn(format="%.3f") for c in model.labels_})
