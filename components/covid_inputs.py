"""The COVID-19 page's main controls, bound to the URL: countries, categories, index, period, smoothing and lags;
the data cut to that choice; the sources' credits."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from components import covid_data as data
from components.data_status import attribution
from components.url_state import BIND
from data.covid import CATEGORY_LABELS, INDEX_LABELS, mobility_source
from models.covid_mobility import with_country_names

DEFAULT_COUNTRIES = ["Germany", "Sweden", "Italy", "New Zealand"]
DEFAULT_CATEGORIES = ["workplaces", "transit_stations", "retail_and_recreation", "residential"]
ARTICLE_PERIOD = (dt.date(2020, 3, 1), dt.date(2020, 6, 4))
LABELS = {"countries": "Countries", "categories": "Mobility categories", "index": "OxCGRT index", "period": "Period",
          "smoothing": "Moving average", "lags": "Lags searched", "focus": "Country of the twin-axis chart"}
OXCGRT_RELEASE = "OxCGRT/covid-policy-dataset v1 (final release, June 2023)"


def mobility_credit() -> str:
    """Google's report as used here: which one, when retrieved, its span."""
    source = mobility_source()
    return (f"Google LLC \"Google COVID-19 Community Mobility Reports\" ({source.label}, retrieved {source.retrieved}; "
            f"{source.first_date} to {source.last_date}), https://www.google.com/covid19/mobility/, used under the "
            "Google Terms of Service (https://policies.google.com/terms)")


def source_line() -> str:
    """The source line drawn under every exported chart."""
    return (f"Sources: Oxford COVID-19 Government Response Tracker, {OXCGRT_RELEASE}, Hale et al. (2021), CC BY 4.0. "
            f"{mobility_credit()}.")


def credits() -> None:
    """Both sources' credit lines, with what Google's terms and OxCGRT's CC BY 4.0 licence ask of users."""
    attribution("covid")
    st.caption(
        f"OxCGRT data (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/) as published in {OXCGRT_RELEASE}, "
        "cite Hale et al. (2021), Nature Human Behaviour, https://doi.org/10.1038/s41562-021-01079-8. Changes: "
        f"national rows only, reshaped to one row per country and day. {mobility_credit()}. Google's data is meant "
        "to help remediate the impact of COVID-19; it is not for medical diagnostic, prognostic or treatment "
        "purposes nor guidance for personal travel plans, and Google advises against comparing changes between "
        "countries, since location accuracy and place categories differ by region."
    )


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
    source: str = field(default_factory=data.source_key)

    @property
    def index_label(self) -> str:
        return INDEX_LABELS[self.index_name]

    def code(self, country: str) -> str:
        """The country code of one of the chosen countries."""
        return self.codes[self.countries.index(country)]

    def index(self) -> pd.DataFrame:
        """The chosen index's rows for the chosen countries in the period."""
        return data.index_of(self.index_name, self.codes, self.start, self.end)

    def mobility(self) -> pd.DataFrame:
        """Smoothed mobility of the chosen countries and categories in the period, with country names."""
        return with_country_names(data.mobility_of(self.source, self.half_window, self.codes, tuple(self.categories),
                                                   self.start, self.end), dict(zip(self.codes, self.countries)))

    def coverage(self) -> list[str]:
        """Where Google mobility falls short of the period for the chosen countries (see mobility_coverage)."""
        return data.coverage_of(self.source, self.codes, self.start, self.end)

    def relation(self) -> pd.DataFrame:
        """Per chosen country and category, the index against mobility (see relation_summary)."""
        return data.relation_of(self.source, self.index_name, self.half_window, self.codes, tuple(self.categories),
                                self.start, self.end, self.lags)

    def ranking(self) -> pd.DataFrame:
        """Every country ranked by its peak index in the period, with the chosen categories' extremes."""
        return data.ranked(self.source, self.index_name, self.half_window, tuple(self.categories), self.start,
                           self.end)

    def described(self) -> list[tuple[str, str]]:
        """The selection written out, for an export's header."""
        return [("countries", ", ".join(self.countries)), ("period", f"{self.start} to {self.end}"),
                ("index", self.index_label), ("mobility categories", ", ".join(self.categories)),
                ("smoothing", f"{2 * self.half_window + 1}-day centred moving average of Google's daily percent "
                              "change from baseline (a day needs at least half its window observed)"),
                ("lags searched", f"{self.lags[0]} to {self.lags[1]} days")]


def choose_selection() -> tuple[Selection | None, dict]:
    """The page's main controls, each bound to the URL; with what they hold (as the URL writes it) for the link's
    fallback note. The selection is None while the period has only its start picked."""
    names = data.country_names()
    code_of = dict(zip(names["country"], names["country_code"]))
    index_dates = data.index_rows("stringency")["date"]
    first_day, last_day = index_dates.min().date(), index_dates.max().date()
    source = mobility_source()

    countries = st.multiselect("Countries", list(code_of), default=DEFAULT_COUNTRIES, key="countries", bind=BIND,
                               help="Or click a country on the world map below.")
    left, right = st.columns(2)
    categories = left.multiselect("Mobility categories", list(CATEGORY_LABELS), default=DEFAULT_CATEGORIES,
                                  format_func=CATEGORY_LABELS.get, key="categories", bind=BIND)
    index_name = right.selectbox("OxCGRT index", list(INDEX_LABELS), format_func=INDEX_LABELS.get, key="index",
                                 bind=BIND)
    left, middle, right = st.columns(3)
    period = left.date_input("Period", value=ARTICLE_PERIOD, min_value=first_day, max_value=last_day, key="period",
                             bind=BIND, help=f"OxCGRT covers {first_day} to {last_day}; Google mobility here "
                                             f"{source.first_date} to {source.last_date}. The default is the source "
                                             "article's period.")
    half_window = middle.slider("Moving average (± days)", 0, 14, 6, key="smoothing", bind=BIND,
                                help="A centred mean over the day itself and this many days on either side.")
    middle.caption(f"A {2 * half_window + 1}-day centred window.")
    lags = right.slider("Lags searched (days)", -28, 42, (-14, 28), key="lags", bind=BIND,
                        help="Positive: mobility follows the index by that many days; negative: it moved first.")
    held = {"countries": countries, "categories": [CATEGORY_LABELS[c] for c in categories],
            "index": INDEX_LABELS[index_name], "period": period, "smoothing": half_window, "lags": lags}
    if len(period) != 2:
        return None, held
    return Selection(countries, tuple(code_of[name] for name in countries), categories, index_name, *period,
                     half_window, lags), held
