"""The COVID-19 page's views beyond the first charts, each with its own controls bound to the URL: the policy
indicators behind the index, the common clock, and the world map. Each returns what its controls hold (as the URL
writes it) for the link's fallback note."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import covid_data as data
from components.chart_export import chart
from components.charts.covid_clock import clock_multiples
from components.charts.covid_map import world_map
from components.charts.covid_policies import indicator_timeline
from components.covid_inputs import Selection, source_line
from components.url_state import BIND
from data.covid import CATEGORY_LABELS, INDEX_LABELS
from data.oxcgrt_indicators import Indicator
from models.covid_clock import clock_starts, never_reached, on_common_clock
from models.covid_map import map_days, weekly_dates
from models.covid_policies import CONTAINMENT, change_marks, indicator_rows, policy_changes

MAP_DATE = dt.date(2020, 4, 15)
MAP_CHOICES = {**{f"index:{name}": label for name, label in INDEX_LABELS.items()},
               **{category: f"{label} mobility (smoothed % change)" for category, label in CATEGORY_LABELS.items()}}
CLOCK_MODES = {"index": "Index level", "indicator": "Indicator level"}
LABELS = {"indicators": "Policy indicators", "align": "Common clock", "level": "Index level", "axes": "Axes",
          "clock_indicator": "Clock indicator", "clock_level": "Indicator level", "map": "Map", "map_date": "Map date",
          "show_policies": "Indicator timelines", "show_country": "One country's views",
          "show_clock": "Common clock section", "show_map": "World map section", "show_ranking": "Ranking section"}
CLOCK_PARAMETERS = ("align", "level", "axes", "clock_indicator", "clock_level")
MAP_PARAMETERS = ("map", "map_date")
"""The URL parameters of the controls inside the folded clock and map sections: a link that sets one opens its
section."""


def indicator_label(catalog: dict[str, Indicator], code: str) -> str:
    return f"{code} {catalog[code].name}"


def choose_indicators(catalog: dict[str, Indicator]) -> list[str]:
    """Which of OxCGRT's indicators the page shows; the containment ones and masks by default."""
    return st.multiselect("Policy indicators", list(catalog), default=[c for c in CONTAINMENT if c in catalog],
                          key="indicators", bind=BIND, format_func=lambda code: indicator_label(catalog, code),
                          help="Their level changes are marked on the mobility charts (▲ tighter, ▼ looser, ◆ both) "
                               "and drawn as timelines under the index.")


def marks_of(selection: Selection, indicators: pd.DataFrame | None, catalog: dict[str, Indicator],
             chosen: list[str]) -> pd.DataFrame | None:
    """The chosen countries' policy changes in the period as chart marks (None without the indicators)."""
    if indicators is None:
        return None
    changes = policy_changes(indicators, selection.codes, chosen, selection.start, selection.end)
    return change_marks(changes, {code: indicator.name for code, indicator in catalog.items()})


def policy_timelines(selection: Selection, indicators: pd.DataFrame, catalog: dict[str, Indicator],
                     chosen: list[str]) -> None:
    """Per chosen country, a timeline of each chosen indicator's level."""
    names = {code: indicator.name for code, indicator in catalog.items()}
    highest = {code: indicator.max_level for code, indicator in catalog.items()}
    for country in selection.countries:
        rows = indicator_rows(indicators, selection.code(country), chosen, selection.start, selection.end)
        if rows.empty:
            st.caption(f"{country}: no indicator levels recorded in this period.")
            continue
        chart(indicator_timeline(rows, names, highest, country, chosen), f"{country}: OxCGRT policy indicators",
              key=f"timeline_{selection.code(country)}", source=source_line())
    st.caption("Colour: the level as a share of the indicator's highest level; blue a general measure, orange a "
               "targeted one (some regions or groups only). Hover for the level.")


def clock_section(selection: Selection, indicators: pd.DataFrame | None, catalog: dict[str, Indicator],
                  index: pd.DataFrame, mobility: pd.DataFrame) -> dict:
    """Small multiples of the chosen countries on a common clock: day 0 is the first day in the period on which
    the index (or an indicator) reached a chosen level."""
    left, middle, right = st.columns(3)
    mode = left.radio("Day 0: the first day in the period on which a country's", list(CLOCK_MODES),
                      format_func=CLOCK_MODES.get, key="align", bind=BIND, help="... reached the level chosen.")
    axes = right.radio("Mobility axes", ["shared", "independent"], key="axes", bind=BIND, horizontal=True)
    held = {"align": CLOCK_MODES[mode], "axes": axes}
    if mode == "index":
        level = middle.slider(f"{selection.index_label} level", 0, 100, 50, 5, key="level", bind=BIND)
        held["level"], what = level, f"{selection.index_label.lower()} first reached {level}"
        starts = clock_starts(index, level)
    elif indicators is None:
        middle.info("Download OxCGRT's policy indicators (above) to align on one of them.")
        return held
    else:
        code = middle.selectbox("Indicator", list(catalog), format_func=lambda c: indicator_label(catalog, c),
                                key="clock_indicator", bind=BIND)
        level = middle.selectbox("Level reached", range(1, catalog[code].max_level + 1), key="clock_level",
                                 bind=BIND)
        held |= {"clock_indicator": indicator_label(catalog, code), "clock_level": level}
        rows = indicators[(indicators["indicator"] == code) & indicators["country_code"].isin(selection.codes)
                          & indicators["date"].between(pd.Timestamp(selection.start), pd.Timestamp(selection.end))]
        starts, what = clock_starts(rows, level, value="level"), f"{code} first reached level {level}"
    missing = [selection.countries[selection.codes.index(code)] for code in never_reached(selection.codes, starts)]
    if missing:
        st.info(f"Never reached in the period, so left out: {', '.join(missing)}.", icon=":material/schedule:")
    reached = [country for country in selection.countries if selection.code(country) in starts.index]
    if reached:
        days = {country: f"{starts[selection.code(country)]:%Y-%m-%d}" for country in reached}
        st.caption("Day 0: " + "; ".join(f"{country} {day}" for country, day in days.items()) + ".")
        figure = clock_multiples(on_common_clock(mobility, starts), on_common_clock(index, starts), reached,
                                 selection.index_label, f"days since {what}", axes == "shared")
        chart(figure, f"Countries on a common clock: days since {what}", key="clock", source=source_line())
    return held


def add_clicked_country() -> None:
    """The map's click: add the clicked country to the comparison (before the countries' control is drawn)."""
    names = dict(zip(data.country_names()["country_code"], data.country_names()["country"]))
    points = st.session_state["world_map"].selection.points
    chosen = list(st.session_state.get("countries", []))
    for point in points:
        name = names.get(point.get("location"))
        if name is not None and name not in chosen:
            chosen.append(name)
    st.session_state["countries"] = chosen


def map_section(selection: Selection) -> dict:
    """A choropleth of every country on a chosen day, with a weekly play button; a click adds a country."""
    left, right = st.columns([1, 2])
    what = left.selectbox("Map of", list(MAP_CHOICES), format_func=MAP_CHOICES.get, key="map", bind=BIND)
    table = data.map_table(selection.source, what, selection.half_window)
    if table.empty:
        st.info("No data to map for this choice.")
        return {"map": MAP_CHOICES[what]}
    first, last = map_days(table)
    if not first <= st.session_state.get("map_date", MAP_DATE) <= last:
        st.session_state["map_date"] = min(max(MAP_DATE, first), last)
    day = right.slider("Date", first, last, min(max(MAP_DATE, first), last), key="map_date", bind=BIND,
                       format="YYYY-MM-DD", help="Play on the map steps a week at a time from this date.")
    names = dict(zip(data.country_names()["country_code"], data.country_names()["country"]))
    label = MAP_CHOICES[what]
    figure = world_map(table, names, day, label, weekly_dates(table, day), diverging=not what.startswith("index:"))
    chart(figure, f"{label}, {day:%Y-%m-%d}", key="world_map", source=source_line(), on_select=add_clicked_country,
          selection_mode="points")
    st.caption("Click a country to add it to the comparison. ▶ plays the weeks from the chosen date.")
    return {"map": label, "map_date": day}
