"""A common clock for countries: day 0 is the day a country's index (or one of its indicators) first reached a
chosen level, so countries whose measures began weeks apart can be compared side by side.

Plain pandas on long dated rows (country_code, date and a value column).
"""
from __future__ import annotations

import pandas as pd


def clock_starts(rows: pd.DataFrame, level: float, value: str = "value") -> pd.Series:
    """Per country_code, the first date on which ``value`` reached ``level`` (``>= level``); countries that never
    did are absent."""
    reached = rows[rows[value] >= level]
    return reached.groupby("country_code")["date"].min()


def never_reached(codes, starts: pd.Series) -> list[str]:
    """Which of ``codes`` have no day 0 in ``starts``, in the order given."""
    return [code for code in codes if code not in starts.index]


def on_common_clock(rows: pd.DataFrame, starts: pd.Series) -> pd.DataFrame:
    """The rows of countries with a day 0, with a column ``days``: days since that country's day 0 (negative before
    it). Rows of countries without a day 0 are left out."""
    # reindex, not map: mapping through an empty Series (no country reached the level) casts dates to floats
    day_zero = pd.Series(starts.reindex(rows["country_code"]).to_numpy(), index=rows.index, dtype="datetime64[ns]")
    kept = day_zero.notna()
    return rows[kept].assign(days=(rows.loc[kept, "date"] - day_zero[kept]).dt.days.astype(int))
