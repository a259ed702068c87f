"""The COVID-19 page's figures and tables: one country's index against its mobility, the relation quantified per
country and category, where
the chosen countries stand among all, and every country ranked; each table with its CSV."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.chart_export import chart
from components.charts.mobility import index_against_mobility
from components.covid_export import csv_download
from components.covid_inputs import Selection, source_line
from data.covid import CATEGORY_LABELS
from models.covid_mobility import (
    extreme_column, extreme_readings, labelled_ranking, labelled_relation, paired_days, peak_readings, rank_sentences,
)

RELATION_COLUMNS = {
    "peak index": st.column_config.NumberColumn(format="%.2f"),
    "peak date": st.column_config.DateColumn(), "first rise": st.column_config.DateColumn(),
    "mobility extreme": st.column_config.NumberColumn("lowest (res.: highest) %", format="%.1f"),
    "extreme date": st.column_config.DateColumn(),
    "days rise to extreme": st.column_config.NumberColumn(format="%d"),
    "r (lag 0)": st.column_config.NumberColumn(format="%.2f"),
    "r at best lag": st.column_config.NumberColumn(format="%.2f"),
}


def relation_section(selection: Selection, focus: str, focus_index: pd.DataFrame, shown: pd.DataFrame,
                     in_period: pd.DataFrame, palette: dict[str, str]) -> None:
    """The focus country's peak, its extremes, the table of every chosen country and category, and the scatter."""
    relation = selection.relation()
    peak, peak_date, first_rise = peak_readings(focus_index)
    cols = st.columns(3)
    cols[0].metric(f"{focus}: peak index", peak, help=selection.index_label)
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
    table = labelled_relation(relation)
    st.dataframe(table, hide_index=True, width="stretch", column_config=RELATION_COLUMNS)
    csv_download("Relation table as CSV", table, "covid_relation.csv", selection, key="relation_csv")
    paired = paired_days(shown, in_period)
    if not paired.empty:
        pair_category = st.selectbox("Scatter: mobility category", selection.categories,
                                     format_func=CATEGORY_LABELS.get)
        title = f"{selection.index_label} against {CATEGORY_LABELS[pair_category].lower()} mobility"
        chart(index_against_mobility(paired, pair_category, selection.index_label, palette), title, key="scatter",
              source=source_line())
        st.caption("Each point is one day: the index against the smoothed mobility on the same day.")


def _labelled_ranking(selection: Selection) -> pd.DataFrame:
    return labelled_ranking(selection.ranking(), selection.categories)


def standing(selection: Selection) -> None:
    """Where each chosen country ranks among all countries by its peak index in the period, one sentence each."""
    for sentence in rank_sentences(_labelled_ranking(selection), selection.countries):
        st.write(sentence)


def ranking_table(selection: Selection) -> None:
    """Every country ranked by its peak index in the period, with the chosen categories' extremes."""
    st.write(f"Every country with OxCGRT data, {selection.start} to {selection.end}, ranked by its peak "
             f"{selection.index_label.lower()} (1 = strictest); the mobility columns are each category's lowest "
             "smoothed value (highest for residential), None where Google has no data. Click a column header to sort.")
    table = _labelled_ranking(selection)
    st.dataframe(table.drop(columns="country_code"), hide_index=True, width="stretch", height=400,
                 column_config={"peak date": st.column_config.DateColumn(),
                                "mean index": st.column_config.NumberColumn(format="%.1f"),
                                **{extreme_column(c): st.column_config.NumberColumn(format="%.1f")
                                   for c in selection.categories}})
    csv_download("Ranking as CSV", table, "covid_ranking.csv", selection, key="ranking_csv")
