"""The world on one day: every country's index, or a mobility category's smoothed change, as date-by-country tables
a map reads a row of.

Plain pandas on the long frames of :mod:`data.covid`.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from models.covid_mobility import centred_moving_average, mobility_wide


def index_by_day(index: pd.DataFrame) -> pd.DataFrame:
    """One index's rows (country_code, date, value) -> one row per date, one column per country_code."""
    return index.pivot_table(index="date", columns="country_code", values="value", aggfunc="first").sort_index()


def mobility_by_day(mobility: pd.DataFrame, category: str, half_window: int) -> pd.DataFrame:
    """One category's smoothed change (centred moving average) -> one row per date, one column per country_code."""
    rows = mobility[mobility["category"] == category]
    if rows.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    return centred_moving_average(mobility_wide(rows), half_window).xs(category, axis=1, level="category")


def on_day(by_day: pd.DataFrame, date) -> pd.Series:
    """Each country's value on ``date`` (NaN where it has none that day); empty when the date is outside the table."""
    date = pd.Timestamp(date)
    return by_day.loc[date].dropna() if date in by_day.index else pd.Series(dtype=float)


def weekly_dates(by_day: pd.DataFrame, start) -> list[dt.date]:
    """The animation's days: ``start`` and every seventh day after it that the table covers."""
    if by_day.empty:
        return []
    last = by_day.index.max()
    return [day.date() for day in pd.date_range(pd.Timestamp(start), last, freq="7D")]


def map_days(by_day: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """The first and last day the table has a value for any country."""
    filled = by_day.dropna(how="all")
    return filled.index.min().date(), filled.index.max().date()
