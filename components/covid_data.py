"""The COVID-19 page's data: the OxCGRT, Google and indicator frames shared by every session, and the cuts of them
a selection shows, each cached on just the choices it depends on.

The full frames are shared read-only across sessions (cache_resource): copying them out of st.cache_data on every
rerun would take longer than drawing the page. The mobility frame is keyed by its source (bundled mirror or
Google's complete report, and when that was retrieved), so a download replaces it; every cut of it takes that key
too (``source``), so none outlives the frame it was cut from.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.data_status import load_or_explain
from data.covid import load_mobility, load_oxcgrt, mobility_source
from data.oxcgrt_indicators import Indicator, indicators_available, load_indicators
from models.covid_map import index_by_day, mobility_by_day
from models.covid_mobility import mobility_coverage, ranking, relation_summary, smooth_mobility


def source_key() -> str:
    """What identifies the mobility data in use: which report, retrieved when, up to which day."""
    source = mobility_source()
    return f"{'full' if source.full else 'mirror'}:{source.retrieved}:{source.last_date}"


@st.cache_resource(show_spinner=False)
def indices() -> pd.DataFrame:
    return load_or_explain(load_oxcgrt)


@st.cache_resource(show_spinner=False, max_entries=1)
def mobility(source: str) -> pd.DataFrame:
    """The mobility rows of ``source`` (see :func:`source_key`); one source is held at a time."""
    return load_or_explain(load_mobility)


@st.cache_resource(show_spinner=False, max_entries=1)
def indicators(on_disk: bool) -> tuple[pd.DataFrame | None, dict[str, Indicator]]:
    """OxCGRT's individual indicators, long, and their catalog (see :func:`data.oxcgrt_indicators.load_indicators`);
    (None, {}) until downloaded."""
    return load_or_explain(load_indicators) if on_disk else (None, {})


def indicators_now() -> tuple[pd.DataFrame | None, dict[str, Indicator]]:
    return indicators(indicators_available())


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
def smoothed(source: str, half_window: int, codes: tuple[str, ...]) -> pd.DataFrame:
    frame = mobility(source)
    return smooth_mobility(frame[frame["country_code"].isin(codes)], half_window)


@st.cache_data(show_spinner=False)
def mobility_of(source: str, half_window: int, codes: tuple[str, ...], categories: tuple[str, ...], start: dt.date,
                end: dt.date) -> pd.DataFrame:
    frame = smoothed(source, half_window, codes)
    return frame[frame["country_code"].isin(codes) & frame["category"].isin(categories)
                 & frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))]


@st.cache_data(show_spinner=False)
def coverage_of(source: str, codes: tuple[str, ...], start: dt.date, end: dt.date) -> list[str]:
    names = country_names()
    return mobility_coverage(mobility(source), names[names["country_code"].isin(codes)], start, end)


@st.cache_data(show_spinner=False)
def relation_of(source: str, index_name: str, half_window: int, codes: tuple[str, ...], categories: tuple[str, ...],
                start: dt.date, end: dt.date, lags: tuple[int, int]) -> pd.DataFrame:
    index = index_rows(index_name)
    return relation_summary(index[index["country_code"].isin(codes)], smoothed(source, half_window, codes),
                            categories, start, end, lags=range(lags[0], lags[1] + 1))


@st.cache_data(show_spinner=False)
def ranked(source: str, index_name: str, half_window: int, categories: tuple[str, ...], start: dt.date,
           end: dt.date) -> pd.DataFrame:
    return ranking(index_rows(index_name), mobility(source), categories, start, end, half_window)


@st.cache_resource(show_spinner=False, max_entries=8)
def map_table(source: str, what: str, half_window: int) -> pd.DataFrame:
    """Dates x country codes of what the map shows: an index (a key of INDEX_LABELS) or a mobility category."""
    if what.startswith("index:"):
        return index_by_day(index_rows(what.removeprefix("index:")))
    return mobility_by_day(mobility(source), what, half_window)
