"""COVID-19: how severe were lockdowns (OxCGRT) and how did mobility (Google) follow, country by country."""
import streamlit as st

from components.charts.mobility import (
    category_over_time, country_palette, index_against_mobility, index_and_mobility, index_over_time,
)
from components.covid_inputs import choose_selection, credits
from components.shell import ensure_app_navigation
from data.covid import CATEGORY_LABELS
from models.covid_mobility import (
    export_table, extreme_column, extreme_readings, labelled_ranking, labelled_relation, paired_days, peak_readings,
    rank_sentences,
)

ensure_app_navigation()

st.title("COVID-19 lockdowns and mobility")
st.write(
    "How strict were governments' COVID-19 measures, and how much did people's movements change? The **Oxford "
    "COVID-19 Government Response Tracker (OxCGRT)** scores each country's policies daily from 0 to 100; **Google's "
    "Community Mobility Reports** give the change in visits to places against a pre-pandemic baseline (the median "
    "for the same weekday, 3 Jan - 6 Feb 2020), smoothed here by a centred moving average. The defaults follow the "
    "article *Severity of lockdowns and how they are reflected in mobility data*: did Sweden really have no lockdown?"
)

selection = choose_selection()
if selection is None:
    st.info("Choose the period's end date too.")
    credits()
    st.stop()
countries, categories, index_label = selection.countries, selection.categories, selection.index_label
palette = country_palette(countries)
in_period, shown = selection.index(), selection.mobility()

if not countries:
    st.info("Choose at least one country to compare; the ranking of all countries is below.")
else:
    notes = selection.coverage()
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
            grid[i % 2].plotly_chart(category_over_time(shown, category, palette), width="stretch")
        st.caption(f"{2 * selection.half_window + 1}-day centred moving average of Google's daily percent change "
                   "from baseline.")

    st.subheader(index_label)
    st.plotly_chart(index_over_time(in_period, index_label, palette), width="stretch")

    st.subheader("Index and mobility together")
    focus = st.selectbox("Country", countries)
    focus_code = selection.code(focus)
    focus_index = in_period[in_period["country_code"] == focus_code]
    st.plotly_chart(index_and_mobility(shown[shown["country_code"] == focus_code], focus_index, focus, index_label),
                    width="stretch")

    st.subheader("The relation, quantified")
    relation = selection.relation()
    peak, peak_date, first_rise = peak_readings(focus_index)
    cols = st.columns(3)
    cols[0].metric(f"{focus}: peak index", peak, help=index_label)
    cols[1].metric("Peak date", peak_date, help="the first day at the peak")
    cols[2].metric("First rise of the index", first_rise,
                   help="the first day in the period the index is higher than the day before")
    readings = extreme_readings(relation, focus)
    if readings:
        for col, (label, value, note) in zip(st.columns(len(readings)), readings):
            col.metric(label, value, help="smoothed percent change from baseline")
            col.caption(note)
    st.write(
        "Per country and category: the lowest smoothed mobility in the period (the highest for residential, which "
        "rises when people stay home) and its date, the days from the index's first rise to it, and the Pearson "
        "correlation between the index and smoothed mobility, at lag 0 and at the lag that maximises its size. "
        "A negative best lag means mobility moved before the rules did."
    )
    st.dataframe(
        labelled_relation(relation), hide_index=True, width="stretch",
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

    paired = paired_days(shown, in_period)
    if not paired.empty:
        pair_category = st.selectbox("Scatter: mobility category", categories, format_func=CATEGORY_LABELS.get)
        st.plotly_chart(index_against_mobility(paired, pair_category, index_label, palette), width="stretch")
        st.caption("Each point is one day: the index against the smoothed mobility on the same day.")

st.subheader("All countries")
st.write(f"Every country with OxCGRT data, {selection.start} to {selection.end}, ranked by its peak "
         f"{index_label.lower()} (1 = strictest); the mobility columns are each category's lowest smoothed value "
         "(highest for residential), None where Google has no data. Click a column header to sort.")
table = labelled_ranking(selection.ranking(), categories)
for sentence in rank_sentences(table, countries):
    st.write(sentence)
st.dataframe(table.drop(columns="country_code"), hide_index=True, width="stretch", height=400,
             column_config={"peak date": st.column_config.DateColumn(),
                            "mean index": st.column_config.NumberColumn(format="%.1f"),
                            **{extreme_column(c): st.column_config.NumberColumn(format="%.1f") for c in categories}})

st.subheader("Export")
export = export_table(in_period, shown, selection.index_name)
left, right = st.columns(2)
left.download_button("Shown countries as CSV", export.to_csv(index=False).encode(), file_name="covid_mobility.csv",
                     mime="text/csv", disabled=export.empty)
right.download_button("Ranking as CSV", table.to_csv(index=False).encode(), file_name="covid_ranking.csv",
                      mime="text/csv")
credits()
