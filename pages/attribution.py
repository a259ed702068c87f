"""Markov attribution: which marketing channels earn the conversions, and what comes next in a journey."""
import pandas as pd
import streamlit as st

from components.chart_export import chart
from components.charts.markov import (attribution_chart, chain_graph, channel_touches_chart, path_length_chart,
                                      transition_heatmap)
from components.data_source import data_source
from components.data_status import load_or_explain
from components.feedback import explain_input_errors
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.table_export import table
from components.upload import upload_sha256
from components.url_state import BIND
from data.attribution import PATH_SEPARATOR, journeys_from_frame, load_path_data, path_separator, split_path
from models.markov import MarkovChain, attribution_by_model, compare_attribution, markov_column, order_comparison, path_summary

ensure_app_navigation()

st.title("Markov attribution of customer journeys")
st.write(
    "Each journey is a path of marketing touchpoints ending in a conversion or not. A Markov chain of order k "
    "(the next step depends on the last k channels) is fitted to all journeys. A channel's **removal effect** is "
    "how much the probability of converting drops when the channel is removed from the chain; conversions and "
    "their value are shared out in proportion to it, next to the simple first-, last-touch and linear rules."
)


@st.cache_data(show_spinner="Loading PathData...")
def path_data() -> pd.DataFrame:
    return load_or_explain(load_path_data)


# The journeys hold lists (the paths), which Streamlit can only hash by pickling the whole frame on every
# rerun; the cached steps below are keyed by ``journeys_key`` (what the journeys were read from) instead.
@st.cache_data(show_spinner="Reading the journeys...", max_entries=8)
def uploaded_journeys(journeys_key: str, _upload: pd.DataFrame, separator: str) -> pd.DataFrame:
    return journeys_from_frame(_upload, separator=separator)


@st.cache_resource(show_spinner="Fitting the Markov chain...", max_entries=16)
def fitted_chain(journeys_key: str, _journeys: pd.DataFrame, order: int) -> MarkovChain:
    return MarkovChain(order).fit(_journeys)


@st.cache_data(show_spinner="Attributing conversions...", max_entries=16)
def attribution_table(journeys_key: str, _journeys: pd.DataFrame, order: int) -> pd.DataFrame:
    return compare_attribution(_journeys, order)


@st.cache_data(show_spinner="Scoring next-step prediction on held-out customers...", max_entries=8)
def accuracy_by_order(journeys_key: str, _journeys: pd.DataFrame) -> pd.DataFrame:
    return order_comparison(_journeys)


link = LinkNote()
source = data_source("Journeys", "ChannelAttribution's PathData (10,000 paths)", "attribution",
                     "Either one row per distinct path with columns `path`, `total_conversions`, `total_null` "
                     "(and optionally `total_conversion_value`), or one row per journey with `path` and `converted` "
                     "(0/1) (and optionally `value`).", "Upload a CSV of journeys to attribute them.",
                     upload_key="journeys_upload", upload_label="Journeys CSV",
                     upload_settings=lambda: st.text_input("Channel separator inside a path",
                                                           value=PATH_SEPARATOR.strip(), max_chars=5))
if source.built_in:
    journeys, journeys_key = path_data(), "PathData"
else:
    separator = path_separator(source.upload_settings)
    journeys_key = f"upload sha256 {upload_sha256(source.upload)} separator {separator!r}"
    with explain_input_errors():
        journeys = uploaded_journeys(journeys_key, source.upload, separator)

order = st.segmented_control("Markov order k", [1, 2, 3], default=1, key="order", bind=BIND,
                             help="How many past channels the next step depends on.") or 1
link.check({"data": "Journeys", "order": "Markov order k"})
with explain_input_errors():  # too many states for this order
    chain = fitted_chain(journeys_key, journeys, order)

summary = path_summary(journeys)
customers = journeys.total_conversions.sum() + journeys.total_null.sum()
cols = st.columns(4)
cols[0].metric("Journeys", f"{customers:,.0f}")
cols[1].metric("Conversions", f"{journeys.total_conversions.sum():,.0f}")
cols[2].metric("Conversion value", f"{journeys.total_conversion_value.sum():,.2f}")
cols[3].metric(f"P(conversion) from (start), order {order}", f"{chain.conversion_probability():.4f}")

st.subheader("The journeys")
left, middle, right = st.columns(3)
with left:
    chart(path_length_chart(summary["lengths"]), "Journeys by number of touchpoints", "lengths", source.source_line)
with middle:
    chart(channel_touches_chart(summary["channels"]), "Touches per channel", "touches", source.source_line)
table(summary["top_paths"], "The most common paths", "top_paths", place=right,
      column_config={"conversion_rate": st.column_config.NumberColumn(format="%.3f")})

st.subheader(f"Attribution: Markov order {order} vs heuristics")
attributed = attribution_table(journeys_key, journeys, order)
measure = st.radio("Attribute", ["conversions", "conversion value"], horizontal=True, key="measure", bind=BIND)
chart(attribution_chart(attribution_by_model(attributed, order, measure), measure),
      f"Attributed {measure} per channel: Markov order {order} against the heuristics", "attribution_chart",
      source.source_line)
table(attributed.round(3).sort_values(markov_column(order), ascending=False),
      f"Attribution per channel, Markov order {order} and heuristics", "attribution")
st.caption("Removal effects come from the absorbing chain's fundamental matrix; value uses each final state's "
           "mean value per conversion. Attributed conversions and value are normalised to sum to the totals.")

st.subheader("The chain")
matrix = fitted_chain(journeys_key, journeys, 1).transition_matrix()
left, right = st.columns(2)
with left:
    chart(transition_heatmap(matrix), "Transition probabilities of the first-order chain", "transitions",
          source.source_line)
with right:
    threshold = st.slider("Show edges with probability at least", 0.0, 0.5, 0.05, 0.01, key="edges", bind=BIND)
    chart(chain_graph(matrix, threshold), f"The first-order chain, edges with probability at least {threshold:g}",
          "chain", source.source_line)

st.subheader("What comes next?")
typed = st.text_input("A partial path, channels separated by '>'", value=" > ".join(summary["channels"].channel[:2]),
                      max_chars=300, key="path", bind=BIND)
link.check({"measure": "Attribute", "edges": "Show edges with probability", "path": "A partial path"})
partial = split_path(typed)
unknown = chain.unknown_channels(partial)
if not partial:
    st.info("Type one or more channels, e.g. `alpha > iota`.")
elif unknown:
    st.warning(f"Unknown channel(s): {', '.join(unknown)}. Known channels: {', '.join(chain.channels_)}.")
else:
    prediction = chain.next_steps(partial)
    best = prediction.iloc[0]
    st.metric("Most likely next step", f"{best['next']} · {best.probability:.1%}")
    st.caption(f"History used: {prediction.attrs['history_used']} (order {order}; shorter history if unseen).")
    table(prediction, f"What comes after {' > '.join(partial)}", "next_steps", column_config={
        "probability": st.column_config.ProgressColumn(format="%.3f", min_value=0, max_value=1)})

with st.expander("What does a higher order buy? Next-step accuracy on 20% held-out customers"):
    table(accuracy_by_order(journeys_key, journeys).round(4), "Next-step accuracy by Markov order, held-out customers",
          "accuracy_by_order")
    st.caption("Each held-out customer's every step is a question; after the last channel the answer is "
               "(conversion) or (null).")

source.credit()
