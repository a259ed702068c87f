"""Markov attribution: which marketing channels earn the conversions, and what comes next in a journey."""
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components.data_status import attribution, load_or_explain
from components.shell import ensure_app_navigation
from components.upload import csv_upload
from data.attribution import PATH_SEPARATOR, journeys_from_frame, load_path_data
from core.errors import InputError
from models.markov import CONVERSION, NULL, MarkovChain, compare_attribution, order_comparison, path_summary

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
@st.cache_resource(show_spinner="Fitting the Markov chain...", max_entries=16)
def fitted_chain(journeys_key: str, _journeys: pd.DataFrame, order: int) -> MarkovChain:
    return MarkovChain(order).fit(_journeys)


@st.cache_data(show_spinner="Attributing conversions...", max_entries=16)
def attribution_table(journeys_key: str, _journeys: pd.DataFrame, order: int) -> pd.DataFrame:
    return compare_attribution(_journeys, order)


@st.cache_data(show_spinner="Scoring next-step prediction on held-out customers...", max_entries=8)
def accuracy_by_order(journeys_key: str, _journeys: pd.DataFrame) -> pd.DataFrame:
    return order_comparison(_journeys)


source = st.radio("Journeys", ["ChannelAttribution's PathData (10,000 paths)", "Upload your own CSV"], horizontal=True)
if source.startswith("Channel"):
    journeys, journeys_key = path_data(), "PathData"
else:
    st.caption("Either one row per distinct path with columns `path`, `total_conversions`, `total_null` "
               "(and optionally `total_conversion_value`), or one row per journey with `path` and `converted` (0/1) "
               "(and optionally `value`).")
    separator = st.text_input("Channel separator inside a path", value=PATH_SEPARATOR.strip(), max_chars=5)
    uploaded = csv_upload("Journeys CSV", key="journeys_upload", min_columns=2)
    if uploaded is None:
        st.info("Upload a CSV of journeys to attribute them.")
        st.stop()
    try:
        journeys = journeys_from_frame(uploaded, separator=f" {separator.strip() or '>'} ")
        journeys_key = f"upload {pd.util.hash_pandas_object(uploaded).sum()} separator {separator!r}"
    except InputError as error:
        st.error(str(error))
        st.stop()

order = st.segmented_control("Markov order k", [1, 2, 3], default=1, help="How many past channels the next step depends on.")
order = order or 1
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
left.plotly_chart(px.bar(summary["lengths"], x="length", y="customers", title="Path length (touchpoints)"),
                  width="stretch")
middle.plotly_chart(px.bar(summary["channels"], x="channel", y="touches", title="Touches per channel"),
                    width="stretch")
right.dataframe(summary["top_paths"], hide_index=True, width="stretch",
                column_config={"conversion_rate": st.column_config.NumberColumn(format="%.3f")})

st.subheader(f"Attribution: Markov order {order} vs heuristics")
table = attribution_table(journeys_key, journeys, order)
markov_column = f"markov_order_{order}"
conversions = table[["channel", markov_column, "first_touch", "last_touch", "linear"]]
values = table[["channel", f"{markov_column}_value", "first_touch_value", "last_touch_value", "linear_value"]]
measure = st.radio("Attribute", ["conversions", "conversion value"], horizontal=True)
shown = conversions if measure == "conversions" else values.set_axis(conversions.columns, axis=1)
long = shown.melt(id_vars="channel", var_name="model", value_name=measure)
st.plotly_chart(px.bar(long, x="channel", y=measure, color="model", barmode="group"), width="stretch")
st.dataframe(table.round(3).sort_values(markov_column, ascending=False), hide_index=True, width="stretch")
st.caption("Removal effects come from the absorbing chain's fundamental matrix; value uses each final state's "
           "mean value per conversion. Attributed conversions and value are normalised to sum to the totals.")

st.subheader("The chain")
matrix = MarkovChain(1).fit(journeys).transition_matrix() if order > 1 else chain.transition_matrix()
left, right = st.columns(2)
left.plotly_chart(px.imshow(matrix, color_continuous_scale="Blues", aspect="auto",
                            title="First-order transition probabilities (row: from, column: to)"), width="stretch")


def chain_graph(matrix: pd.DataFrame, threshold: float) -> go.Figure:
    """Channels on a circle, (start) left, (conversion)/(null) right; edge width by transition probability."""
    channels = [c for c in matrix.index if c != "(start)"]
    angles = np.linspace(0, 2 * np.pi, len(channels), endpoint=False)
    where = {c: (np.cos(a), np.sin(a)) for c, a in zip(channels, angles)}
    where.update({"(start)": (-2.0, 0.0), CONVERSION: (2.0, 0.6), NULL: (2.0, -0.6)})
    figure = go.Figure()
    for source_name, row in matrix.iterrows():
        for target_name, p in row.items():
            if p >= threshold and source_name != target_name:
                (x0, y0), (x1, y1) = where[source_name], where[target_name]
                figure.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                                      showarrow=True, arrowhead=2, arrowsize=0.6, arrowwidth=1 + 8 * p,
                                      arrowcolor="rgba(31, 119, 180, 0.35)", standoff=8, startstandoff=8,
                                      hovertext=f"{source_name} → {target_name}: {p:.2f}")
    names = list(where)
    figure.add_trace(go.Scatter(x=[where[n][0] for n in names], y=[where[n][1] for n in names], text=names,
                                mode="markers+text", textposition="top center", marker={"size": 14}, showlegend=False))
    figure.update_layout(title="The chain (edges with probability above the threshold)", xaxis_visible=False,
                         yaxis_visible=False, height=480)
    return figure


threshold = right.slider("Show edges with probability at least", 0.0, 0.5, 0.05, 0.01)
right.plotly_chart(chain_graph(matrix, threshold), width="stretch")

st.subheader("What comes next?")
typed = st.text_input("A partial path, channels separated by '>'", value=" > ".join(summary["channels"].channel[:2]))
partial = [c.strip() for c in typed.split(">") if c.strip()]
unknown = [c for c in partial if c not in chain.channels_]
if not partial:
    st.info("Type one or more channels, e.g. `alpha > iota`.")
elif unknown:
    st.warning(f"Unknown channel(s): {', '.join(unknown)}. Known channels: {', '.join(chain.channels_)}.")
else:
    prediction = chain.next_steps(partial)
    best = prediction.iloc[0]
    st.metric("Most likely next step", f"{best['next']} · {best.probability:.1%}")
    st.caption(f"History used: {prediction.attrs['history_used']} (order {order}; shorter history if unseen).")
    st.dataframe(prediction, hide_index=True, width="stretch",
                 column_config={"probability": st.column_config.ProgressColumn(format="%.3f", min_value=0, max_value=1)})

with st.expander("What does a higher order buy? Next-step accuracy on 20% held-out customers"):
    st.dataframe(accuracy_by_order(journeys_key, journeys).round(4), hide_index=True, width="stretch")
    st.caption("Each held-out customer's every step is a question; after the last channel the answer is "
               "(conversion) or (null).")

if source.startswith("Channel"):
    attribution("attribution")
else:
    st.caption("Data: your upload; it stays in this browser session and is not stored.")
