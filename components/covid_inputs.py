"""The COVID-19 page's inputs: the OxCGRT and Google frames shared by every session, the reader's choice of
countries, categories, index, period, smoothing and lags, the data cut to that choice, and the sources' credits."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.data_status import attribution, load_or_explain
from data.covid import CATEGORY_LABELS, INDEX_LABELS, load_mobility, load_oxcgrt
from models.covid_mobility import (
    mobility_coverage, ranking, relation_summary, smooth_mobility, with_country_names,
)

DEFAULT_COUNTRIES = ["Germany", "Sweden", "Italy", "New Zealand"]
DEFAULT_CATEGORIES = ["workplaces", "transit_stations", "retail_and_recreation", "residential"]
ARTICLE_PERIOD = (dt.date(2020, 3, 1), dt.date(2020, 6, 4))


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
def coverage_of(codes: tuple[str, ...], start: dt.date, end: dt.date) -> list[str]:
    names = country_names()
    return mobility_coverage(mobility(), names[names["country_code"].isin(codes)], start, end)


@st.cache_data(show_spinner=False)
def relation_of(index_name: str, half_window: int, codes: tuple[str, ...], categories: tuple[str, ...],
                start: dt.date, end: dt.date, lags: tuple[int, int]) -> pd.DataFrame:
    index = index_rows(index_name)
    return relation_summary(index[index["country_code"].isin(codes)], smoothed(half_window, codes),
                            categories, start, end, lags=range(lags[0], lags[1] + 1))


@st.cache_data(show_spinner=False)
def ranked(index_name: str, half_window: int, categories: tuple[str, ...], start: dt.date,
           end: dt.date) -> pd.DataFrame:
    return ranking(index_rows(index_name), mobility(), categories, start, end, half_window)


@dataclass
class Selection:
    """What the reader chose, and the data cut to it; each cut is cached on just the choices it depends on."""

    countries: list[str]
    codes: tuple[str, ...]
    categories: list[str]
    index_name: str
    start: dt.date
    end: dt.date
    half_window: int
    lags: tuple[int, int]

    @property
    def index_label(self) -> str:
        return INDEX_LABELS[self.index_name]

    def code(self, country: str) -> str:
        """The country code of one of the chosen countries."""
        return self.codes[self.countries.index(country)]

    def index(self) -> pd.DataFrame:
        """The chosen index's rows for the chosen countries in the period."""
        return index_of(self.index_name, self.codes, self.start, self.end)

    def mobility(self) -> pd.DataFrame:
        """Smoothed mobility of the chosen countries and categories in the period, with country names."""
        return with_country_names(mobility_of(self.half_window, self.codes, tuple(self.categories), self.start,
                                              self.end), dict(zip(self.codes, self.countries)))

    def coverage(self) -> list[str]:
        """Where Google mobility falls short of the period for the chosen countries (see mobility_coverage)."""
        return coverage_of(self.codes, self.start, self.end)

    def relation(self) -> pd.DataFrame:
        """Per chosen country and category, the index against mobility (see relation_summary)."""
        return relation_of(self.index_name, self.half_window, self.codes, tuple(self.categories), self.start,
                           self.end, self.lags)

    def ranking(self) -> pd.DataFrame:
        """Every country ranked by its peak index in the period, with the chosen categories' extremes."""
        return ranked(self.index_name, self.half_window, tuple(self.categories), self.start, self.end)


def choose_selection() -> Selection | None:
    """The page's controls: countries, categories, index, period, moving average and lags searched.

    None while the period has only its start picked.
    """
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
                             help=f"OxCGRT covers {first_day} to {last_day}; Google mobility here {mobility_first} to "
                                  f"{mobility_last}. The default is the source article's period.")
    half_window = middle.slider("Moving average (± days)", 0, 14, 6,
                                help="A centred mean over the day itself and this many days on either side.")
    middle.caption(f"A {2 * half_window + 1}-day centred window.")
    lags = right.slider("Lags searched (days)", -28, 42, (-14, 28),
                        help="Positive: mobility follows the index by that many days; negative: it moved first.")
    if len(period) != 2:
        return None
    return Selection(countries, tuple(code_of[name] for name in countries), categories, index_name, *period,
                     half_window, lags)
