"""COVID-19: how severe were lockdowns (OxCGRT) and how did mobility (Google) follow, country by country."""
import datetime as dt

import pandas as pd
from plotly.colors import qualitative
import plotly.graph_objects as go
import streamlit as st

from components.data_status import attribution, load_or_explain
from components.shell import ensure_app_navigation
from data.covid import CATEGORY_LABELS, INDEX_LABELS, load_mobility, load_oxcgrt
from models.covid_mobility import (
    LOCKDOWN_RISES, coverage_notes, index_summary, ranking, relation_summary, smooth_mobility,
)

ensure_app_navigation()

DEFAULT_COUNTRIES = ["Germany", "Sweden", "Italy", "New Zealand"]
DEFAULT_CATEGORIES = ["workplaces", "transit_stations", "retail_and_recreation", "residential"]
ARTICLE_PERIOD = (dt.date(2020, 3, 1), dt.date(2020, 6, 4))
MOBILITY_AXIS = "mobility, % change from baseline"
CATEGORY_COLOURS = dict(zip(CATEGORY_LABELS, ["#00a087", "#8491b4", "#91d1c2", "#e64b35", "#3c5488", "#f39b7f"]))

st.title("COVID-19 lockdowns and mobility")
st.write(
    "How strict were governments' COVID-19 measures, and how much did people's movements change? The **Oxford "
    "COVID-19 Government Response Tracker (OxCGRT)** scores each country's policies daily from 0 to 100; **Google's "
    "Community Mobility Reports** give the change in visits to places against a pre-pandemic baseline (the median "
    "for the same weekday, 3 Jan - 6 Feb 2020), smoothed here by a centred moving average. The defaults follow the "
    "article *Severity of lockdowns and how they are reflected in mobility data*: did Sweden really have no lockdown?"
)


def credits() -> None:
    """Both sources' credit lines, with what Google's terms and OxCGRT's CC BY 4.0 licence ask of users."""
    attribution("covid")
    st.caption(
        "OxCGRT data (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/) as published in OxCGRT/covid-policy-"
        "dataset (v1, June 2023), cite Hale et al. (2021), Nature Human Behaviour, "
        "https://doi.org/10.1038/s41562-021-01079-8. Changes: national rows only, reshaped to one row per country "
        "and day. Google LLC \"Google COVID-19 Community Mobility Reports\", https://www.google.com/covid19/mobility/, "
        "accessed 2020-11, 2021-02 and 2021-06; used under the Google Terms of Service "
        "(https://policies.google.com/terms). Google's data is meant to help remediate the impact of COVID-19; it is "
        "not for medical diagnostic, prognostic or treatment purposes nor guidance for personal travel plans, and "
        "Google advises against comparing changes between countries, since location accuracy and place "
        "categories differ by region."
    )


# The full frames are shared read-only across sessions (cache_resource): copying them out of st.cache_data on every
# rerun would take longer than drawing the page. What a rerun shows is cut from them once per selection (cache_data).
@st.cache_resource(show_spinner=False)
def indices() -> pd.DataFrame:
    return load_or_explain(load_oxcgrt)


@st.cache_resource(show_spinner=False)
def mobility() -> pd.DataFrame:
    return load_or_explain(load_mobility)


@st.cache_resource(show_spinner=False)
def index_rows(index_name: str) -> pd.DataFrame:
    frame = indices()
    return frame[frame["index"] == index_name].drop(columns="index").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def country_names() -> pd.DataFrame:
    return indices()[["country_code", "country"]].drop_duplicates().sort_values("country", ignore_index=True)


@st.cache_data(show_spinner=False)
def index_of(index_name: str, codes: tuple[str, ...], start: dt.date, end: dt.date) -> pd.DataFrame:
    frame = index_rows(index_name)
    return frame[frame["country_code"].isin(codes) & frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))]


@st.cache_data(show_spinner=False)
def smoothed(half_window: int, codes: tuple[str, ...]) -> pd.DataFrame:
    frame = mobility()
    return smooth_mobility(frame[frame["country_code"].isin(codes)], half_window)


@st.cache_data(show_spinner=False)
def mobility_of(half_window: int, codes: tuple[str, ...], categories: tuple[str, ...], start: dt.date,
                end: dt.date) -> pd.DataFrame:
    frame = smoothed(half_window, codes)
    return frame[frame["country_code"].isin(codes) & frame["category"].isin(categories)
                 & frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))]


@st.cache_data(show_spinner=False)
def notes_of(codes: tuple[str, ...], start: dt.date, end: dt.date) -> dict[str, str]:
    names = country_names()
    return coverage_notes(mobility(), names[names["country_code"].isin(codes)], start, end)


@st.cache_data(show_spinner=False)
def relation_of(index_name: str, half_window: int, codes: tuple[str, ...], categories: tuple[str, ...],
                start: dt.date, end: dt.date, lags: tuple[int, int]) -> pd.DataFrame:
    index = index_rows(index_name)
    return relation_summary(index[index["country_code"].isin(codes)], smoothed(half_window, codes),
                            categories, start, end, lags=range(lags[0], lags[1] + 1))


@st.cache_data(show_spinner=False)
def ranked(index_name: str, half_window: int, categories: tuple[str, ...], start: dt.date, end: dt.date) -> pd.DataFrame:
    return ranking(index_rows(index_name), mobility(), categories, start, end, half_window)


def by_country(frame: pd.DataFrame, x: str, y: str, palette: dict[str, str], title: str, mode: str = "lines",
               step: bool = False) -> go.Figure:
    """One trace per country in the page's colours. Built with graph_objects: plotly express takes
    several times longer, which would show on every control change."""
    figure = go.Figure()
    for country, group in frame.groupby("country", sort=False):
        figure.add_trace(go.Scatter(
            x=group[x], y=group[y], name=country, mode=mode, line={"color": palette[country], "shape": "hv" if step
                                                                    else "linear"},
            marker={"color": palette[country], "size": 5, "opacity": 0.6}))
    figure.update_layout(title=title, height=320, margin={"t": 40, "b": 10, "l": 10, "r": 10},
                         legend={"orientation": "h", "y": -0.25})
    return figure


def category_column(category: str) -> str:
    return f"{CATEGORY_LABELS[category]} {'peak' if category in LOCKDOWN_RISES else 'low'} (%)"


names = country_names()
code_of = dict(zip(names["country"], names["country_code"]))
index_dates, mobility_dates = index_rows("stringency")["date"], mobility()["date"]
first_day, last_day = index_dates.min().date(), index_dates.max().date()
mobility_first, mobility_last = mobility_dates.min().date(), mobility_dates.max().date()

countries = st.multiselect("Countries", list(code_of), default=DEFAULT_COUNTRIES)
left, right = st.columns(2)
categories = left.multiselect("Mobility categories", list(CATEGORY_LABELS), default=DEFAULT_CATEGORIES,
                              format_func=CATEGORY_LABELS.get)
index_name = right.selectbox("OxCGRT index", list(INDEX_LABELS), format_func=INDEX_LABELS.get)
left, middle, right = st.columns(3)
period = left.date_input("Period", value=ARTICLE_PERIOD, min_value=first_day, max_value=last_day,
                         help=f"OxCGRT covers {first_day} to {last_day}; Google mobility here {mobility_first} to {mobility_last}. "
                              "The default is the source article's period.")
half_window = middle.slider("Moving average (± days)", 0, 14, 6,
                            help="A centred mean over the day itself and this many days on either side.")
middle.caption(f"A {2 * half_window + 1}-day centred window.")
lags = right.slider("Lags searched (days)", -28, 42, (-14, 28),
                    help="Positive: mobility follows the index by that many days; negative: it moved first.")

if len(period) != 2:
    st.info("Choose the period's end date too.")
    credits()
    st.stop()
start, end = period

codes = tuple(code_of[name] for name in countries)
palette = dict(zip(countries, qualitative.Plotly * 10))
in_period = index_of(index_name, codes, start, end)
shown = mobility_of(half_window, codes, tuple(categories), start, end)
shown = shown.assign(country=shown["country_code"].map(dict(zip(codes, countries))))
index_label = INDEX_LABELS[index_name]

if not countries:
    st.info("Choose at least one country to compare; the ranking of all countries is below.")
else:
    notes = list(notes_of(codes, start, end).values())
    if start < mobility_first or end > mobility_last:
        notes.insert(0, f"Google mobility in this data set covers {mobility_first} to {mobility_last} only.")
    if notes:
        st.warning("**Mobility coverage**\n" + "".join(f"\n- {note}" for note in notes), icon=":material/info:")

    st.subheader("Mobility by category")
    if not categories:
        st.info("Choose at least one mobility category.")
    elif shown.empty:
        st.info("No Google mobility data for these countries in this period.")
    else:
        grid = st.columns(2)
        for i, category in enumerate(categories):
            figure = by_country(shown[shown["category"] == category], "date", "smoothed", palette,
                                CATEGORY_LABELS[category])
            figure.update_yaxes(title_text="% vs baseline", zeroline=True, zerolinecolor="grey")
            grid[i % 2].plotly_chart(figure, width="stretch")
        st.caption(f"{2 * half_window + 1}-day centred moving average of Google's daily percent change from baseline.")

    st.subheader(index_label)
    figure = by_country(in_period, "date", "value", palette, "", step=True)
    figure.update_yaxes(title_text=index_label, range=[0, 100])
    st.plotly_chart(figure, width="stretch")

    st.subheader("Index and mobility together")
    focus = st.selectbox("Country", countries)
    focus_code = code_of[focus]
    twin = go.Figure()
    for category, group in shown[shown["country_code"] == focus_code].groupby("category", sort=False):
        twin.add_trace(go.Scatter(x=group["date"], y=group["smoothed"], name=CATEGORY_LABELS[category], mode="lines",
                                  line={"color": CATEGORY_COLOURS[category]}))
    focus_index = in_period[in_period["country_code"] == focus_code]
    twin.add_trace(go.Scatter(x=focus_index["date"], y=focus_index["value"], name=index_label, yaxis="y2",
                              mode="lines", line={"color": "black", "width": 3, "shape": "hv"}))
    twin.update_layout(title=focus, height=440, legend={"orientation": "h", "y": -0.2},
                       yaxis={"title": {"text": MOBILITY_AXIS}, "zeroline": True, "zerolinecolor": "grey"},
                       yaxis2={"title": {"text": index_label}, "overlaying": "y", "side": "right", "range": [0, 100],
                               "tickmode": "linear", "tick0": 0, "dtick": 20, "showgrid": False})
    st.plotly_chart(twin, width="stretch")

    st.subheader("The relation, quantified")
    relation = relation_of(index_name, half_window, codes, tuple(categories), start, end, lags)
    head = index_summary(in_period[in_period["country_code"] == focus_code]).iloc[0]
    cols = st.columns(3)
    cols[0].metric(f"{focus}: peak index", f"{head['peak index']:.1f}", help=index_label)
    cols[1].metric("Peak date", f"{head['peak date']:%Y-%m-%d}", help="the first day at the peak")
    cols[2].metric("First rise of the index", f"{head['first rise']:%Y-%m-%d}" if pd.notna(head["first rise"])
                   else "none in period", help="the first day in the period the index is higher than the day before")
    focus_rows = relation[relation["country"] == focus].dropna(subset=["mobility extreme"])
    if len(focus_rows):
        cols = st.columns(len(focus_rows))
        for col, (_, row) in zip(cols, focus_rows.iterrows()):
            days = row["days rise to extreme"]
            after = "" if pd.isna(days) else f", {days:.0f} days after the first rise"
            col.metric(category_column(row["category"]), f"{row['mobility extreme']:+.1f}",
                       help="smoothed percent change from baseline")
            col.caption(f"on {row['extreme date']:%Y-%m-%d}{after}; r = {row['r (lag 0)']:.2f}, strongest at lag "
                        f"{row['best lag (days)']:+.0f} days (r = {row['r at best lag']:.2f})"
                        if pd.notna(row["best lag (days)"]) else f"on {row['extreme date']:%Y-%m-%d}{after}")
    st.write(
        "Per country and category: the lowest smoothed mobility in the period (the highest for residential, which "
        "rises when people stay home) and its date, the days from the index's first rise to it, and the Pearson "
        "correlation between the index and smoothed mobility, at lag 0 and at the lag that maximises its size. "
        "A negative best lag means mobility moved before the rules did."
    )
    st.dataframe(
        relation.assign(category=relation["category"].map(CATEGORY_LABELS)),
        hide_index=True, width="stretch",
        column_config={
            "peak index": st.column_config.NumberColumn(format="%.2f"),
            "peak date": st.column_config.DateColumn(), "first rise": st.column_config.DateColumn(),
            "mobility extreme": st.column_config.NumberColumn("lowest (res.: highest) %", format="%.1f"),
            "extreme date": st.column_config.DateColumn(),
            "days rise to extreme": st.column_config.NumberColumn(format="%d"),
            "r (lag 0)": st.column_config.NumberColumn(format="%.2f"),
            "r at best lag": st.column_config.NumberColumn(format="%.2f"),
        },
    )

    paired = shown.merge(in_period[["country_code", "date", "value"]].rename(columns={"value": "index"}),
                         on=["country_code", "date"])
    if not paired.empty:
        pair_category = st.selectbox("Scatter: mobility category", categories, format_func=CATEGORY_LABELS.get)
        scatter = by_country(paired[paired["category"] == pair_category], "index", "smoothed", palette,
                             f"{index_label} against {CATEGORY_LABELS[pair_category].lower()} mobility",
                             mode="markers")
        scatter.update_layout(height=420, xaxis_title=index_label, yaxis_title=MOBILITY_AXIS)
        st.plotly_chart(scatter, width="stretch")
        st.caption("Each point is one day: the index against the smoothed mobility on the same day.")

st.subheader("All countries")
st.write(f"Every country with OxCGRT data, {start} to {end}, ranked by its peak {index_label.lower()} (1 = strictest); "
         "the mobility columns are each category's lowest smoothed value (highest for residential), None where "
         "Google has no data. Click a column header to sort.")
table = ranked(index_name, half_window, tuple(categories), start, end)
table = table.rename(columns={c: category_column(c) for c in categories})
for name in countries:
    row = table[table["country"] == name]
    if len(row):
        st.write(f"**{name}** ranks {int(row['rank'].iloc[0])} of {len(table)} by peak index "
                 f"({row['peak index'].iloc[0]:.1f}); mean index over the period {row['mean index'].iloc[0]:.1f}.")
st.dataframe(table.drop(columns="country_code"), hide_index=True, width="stretch", height=400,
             column_config={"peak date": st.column_config.DateColumn(),
                            "mean index": st.column_config.NumberColumn(format="%.1f"),
                            **{category_column(c): st.column_config.NumberColumn(format="%.1f") for c in categories}})

st.subheader("Export")
export = in_period.rename(columns={"value": index_name})
if not shown.empty:
    mobility_wide = shown.pivot_table(index=["country_code", "date"], columns="category", values=["value", "smoothed"])
    mobility_wide.columns = [f"{c}_{'daily' if kind == 'value' else 'smoothed'}" for kind, c in mobility_wide.columns]
    export = export.merge(mobility_wide.reset_index(), on=["country_code", "date"], how="left")
left, right = st.columns(2)
left.download_button("Shown countries as CSV", export.to_csv(index=False).encode(), file_name="covid_mobility.csv",
                     mime="text/csv", disabled=export.empty)
right.download_button("Ranking as CSV", table.to_csv(index=False).encode(), file_name="covid_ranking.csv",
                      mime="text/csv")
credits()
