"""Turning a table into a clean time series for forecasting, and knowing its cadence.

Every problem a user's CSV can have is either refused with an ``InputError`` that
says how to fix it, or repaired in a stated way (the repair is returned as a
note for the page to show): duplicated dates are aggregated, missing values are
left as gaps (Prophet fits around them), rows without a date are dropped. Dates
pandas cannot compute with, and series whose regular grid would dwarf their
observations (a typo in a year, minute readings decades apart), are refused
before anything is built from them.
"""
from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from data.user_csv import numeric_column
from core.errors import InputError

MIN_POINTS = 20
EARLIEST, LATEST = pd.Timestamp.min.ceil("D"), (pd.Timestamp.max - pd.Timedelta(days=366)).floor("D")
"""The dates a series may hold. Prophet and its forecast dates count time in nanoseconds since 1970 in 64 bits,
which reach from 1677-09-22 to 2262-04-11; the last date leaves a year, the longest step, for the forecast
(``models.forecasting.model.horizon_bounds`` keeps the horizon within what remains)."""
MAX_SPAN = pd.Timedelta.max.floor("D")
"""The longest time from the first date to the last: 106,751 days (292 years), the most a time difference in
nanoseconds can hold (Prophet scales time by the span; the cadence is read from the gaps)."""
MAX_GRID_PER_VALUE = 10
"""Regular-grid steps a series may have per observed value. The baselines and the evaluation work on every step
from the first date to the last, gaps included. Real series fill most of theirs (the built-in ones 98-100%, weekday
data 71%, hourly data of business hours 24%, i.e. 4.2 steps a value); ten allows 90% gaps. Beyond that the dates
hold a mistake (a wrong year) or the cadence is far finer than the data (a burst of readings a minute apart in
months of silence), and aggregating is the fix."""
MAX_GRID_POINTS = 1_000_000
"""Regular-grid steps a series may have in all, however many values it has: a year of readings every minute is
525,600, ten years of hourly ones 87,600, the largest built-in series 18,721. A million steps are 16 MB per copy
of the grid; the grid is built several times per evaluation, in jobs with a memory limit."""


class Period(NamedTuple):
    """A period the page can aggregate to: its pandas frequency, its shortest length and its name."""

    freq: str
    shortest: pd.Timedelta  # a month: 28 days, so the number of periods is never underestimated
    name: str


AGGREGATIONS: dict[str, Period | None] = {
    "none": None,
    "hourly": Period("h", pd.Timedelta(hours=1), "hour"),
    "daily": Period("D", pd.Timedelta(days=1), "day"),
    "weekly": Period("W", pd.Timedelta(days=7), "week"),
    "monthly": Period("MS", pd.Timedelta(days=28), "month"),
}


@dataclass(frozen=True)
class Cadence:
    """How often a series is observed: a pandas frequency, its length, and the natural season."""

    name: str  # "5 minutes", "day", "month", ...
    freq: str  # pandas frequency for future dates
    step: pd.Timedelta  # typical spacing (months vary; this is the average)
    season: int  # observations per natural cycle (7 for daily, 12 for monthly, ...)

    def steps_between(self, start: pd.Series | pd.Timestamp, end: pd.Series | pd.Timestamp):
        """Whole number of steps from ``start`` to ``end`` (rounded, so 28-31 days are one month)."""
        return np.round((end - start) / self.step).astype(int)


@dataclass(frozen=True)
class PreparedSeries:
    """A clean ``ds``/``y`` frame plus the repairs made to get it, in plain words."""

    frame: pd.DataFrame
    cadence: Cadence
    notes: tuple[str, ...] = ()
    recipe: tuple[str, ...] = ()  # what it was made from and how: origin, columns, aggregation, combination

    @property
    def key(self) -> str:
        """A hash of the recipe and of the exact dates and values, for keying fits and widgets of exactly this series."""
        return series_hash(self.frame, self.recipe)

    def summary(self) -> str:
        """How many values, how often and from when to when (with the time of day when steps are under a day)."""
        when = date_format(self.cadence.step)
        dates = self.frame["ds"]
        return (f"{self.frame['y'].notna().sum()} observations every {self.cadence.name}, {dates.min():{when}} to "
                f"{dates.max():{when}}.")


def date_format(step: pd.Timedelta) -> str:
    """How to write the dates of a series with this step: with the time of day when steps are under a day."""
    return "%Y-%m-%d" if step >= pd.Timedelta(days=1) else "%Y-%m-%d %H:%M"


def series_hash(frame: pd.DataFrame, recipe: tuple[str, ...] = ()) -> str:
    """sha256 of the recipe, the length, and every date (nanoseconds) and value (float64 bytes), shortened."""
    digest = hashlib.sha256(json.dumps([list(recipe), len(frame)]).encode())
    digest.update(frame["ds"].to_numpy("datetime64[ns]").tobytes())  # exact: parse_dates keeps dates in this range
    digest.update(frame["y"].to_numpy(float).tobytes())
    return digest.hexdigest()[:32]


def guess_columns(frame: pd.DataFrame) -> tuple[str, str]:
    """The likeliest date column and value column, as defaults for the column pickers.

    The date column is the first whose name says so (ds, date, time, month, ...) or
    whose values mostly parse as dates; the value column is the first other column
    that is mostly numeric (``y`` wins if present).
    """
    columns = list(frame.columns)
    date_words = ("ds", "date", "time", "day", "month", "week", "year", "period")
    by_name = [c for c in columns if str(c).strip().lower() in date_words or "date" in str(c).lower()]
    by_content = [c for c in columns if _mostly_dates(frame[c])]
    date = (by_name or by_content or columns)[0]
    others = [c for c in columns if c != date] or columns
    numeric = [c for c in others if pd.to_numeric(frame[c], errors="coerce").notna().mean() > 0.8]
    value = "y" if "y" in others else (numeric or others)[0]
    return date, value


def _mostly_dates(column: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(column):
        return False
    return pd.to_datetime(column.astype(str), errors="coerce", format="mixed").notna().mean() > 0.8


def prepare_series(frame: pd.DataFrame, date_column: str, value_column: str, aggregate: str = "none",
                   how: str = "mean", origin: str = "") -> PreparedSeries:
    """Validate and tidy two columns of a table into a forecastable series.

    ``aggregate`` resamples to hourly/daily/weekly/monthly with ``how`` (mean or
    sum); empty periods stay missing. Raises InputError for what cannot be
    repaired: unparseable or unrepresentable dates, non-numeric or infinite values,
    too few points, a constant series, a grid far larger than the values.
    ``origin`` names what the frame was read from (an upload's sha256, an example's
    name); with the columns and settings it is part of the series' key.
    """
    if date_column == value_column:
        raise InputError("The date column and the value column must be different columns.")
    if aggregate not in AGGREGATIONS:
        raise InputError(f"Unknown aggregation '{aggregate}'; choose one of {', '.join(AGGREGATIONS)}.")
    notes: list[str] = []
    dates = parse_dates(frame, date_column)
    values = numeric_column(frame, value_column).astype(float)
    tidy = pd.DataFrame({"ds": dates, "y": values})
    blank = tidy["ds"].isna()
    if blank.any():
        notes.append(f"{int(blank.sum())} row(s) without a date were dropped.")
        tidy = tidy[~blank]
    tidy = tidy.sort_values("ds", ignore_index=True)
    duplicated = int(tidy["ds"].duplicated().sum())
    if duplicated and AGGREGATIONS[aggregate] is None:
        notes.append(f"{duplicated} duplicated date(s): values on the same date were combined by their {how}.")
        tidy = _combine(tidy.groupby("ds")["y"], how).reset_index()
    period = AGGREGATIONS[aggregate]
    if period is not None and len(tidy):
        before = len(tidy)
        check_grid(tidy["ds"], period.shortest, period.name, before, "rows")  # before resampling builds that grid
        tidy = _combine(tidy.set_index("ds")["y"].resample(period.freq), how).reset_index()
        notes.append(f"Aggregated {before} rows to {len(tidy)} {aggregate} values by their {how}.")
    missing = int(tidy["y"].isna().sum())
    if missing:
        notes.append(f"{missing} missing value(s) are left as gaps: Prophet fits around them; the baselines "
                     "see them linearly interpolated.")
    observed = tidy["y"].dropna()
    if len(observed) < MIN_POINTS:
        raise InputError(f"Only {len(observed)} dated, non-missing values; at least {MIN_POINTS} are needed to fit "
                         "and evaluate a forecast. Upload a longer series or aggregate less.")
    if observed.nunique() == 1:
        raise InputError(f"The series is constant (every value is {observed.iloc[0]:g}): there is nothing to model, "
                         "the forecast is that value. Check that you picked the right value column.")
    cadence = infer_cadence(tidy["ds"])
    check_grid(tidy["ds"], cadence.step, cadence.name, len(observed), "values")
    return PreparedSeries(tidy[["ds", "y"]], cadence, tuple(notes), (origin, date_column, value_column, aggregate, how))


def check_grid(dates: pd.Series, step: pd.Timedelta, step_name: str, count: int, counted: str) -> None:
    """InputError if the regular grid of ``step`` over the sorted ``dates`` would be far larger than ``count``.

    Counted from the first and last date alone (whole nanoseconds, which cannot overflow), so
    a grid too large to build is refused without building it; the message names both figures
    and the largest gap between dates, where a mistyped year shows.
    """
    first, last = dates.iloc[0], dates.iloc[-1]
    steps = (last.value - first.value) // step.value + 1
    limit = min(MAX_GRID_POINTS, MAX_GRID_PER_VALUE * count)
    if steps <= limit:
        return
    widest = int(np.argmax(dates.diff().to_numpy()[1:])) + 1  # the gap before row ``widest``
    when = date_format(step)
    raise InputError(
        f"The dates run from {first:{when}} to {last:{when}} (the largest gap: {dates.iloc[widest - 1]:{when}} "
        f"to {dates.iloc[widest]:{when}}), which is {steps:,} steps, one every {step_name}, for {count:,} {counted}. "
        f"The limit is {limit:,} steps ({MAX_GRID_PER_VALUE} for each of the {counted}, {MAX_GRID_POINTS:,} at most), "
        "because the evaluation works on every step between the first and the last date. Check the dates for a "
        "wrong year, or aggregate to a longer period.")


def parse_dates(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as timezone-naive timestamps; InputError naming a bad value if some do not parse.

    One format is used for the whole column (ISO, then month-first, then
    day-first), so 01/02/2024 is never read as 1 February on one row and
    2 January on the next.
    """
    if column not in frame.columns:
        raise InputError(f"There is no column '{column}'. Columns: {', '.join(map(str, frame.columns))}.")
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not _looks_like_dates(raw):
        raise InputError(f"Column '{column}' holds numbers, not dates. Pick the column with dates such as 2024-01-31.")
    text = raw.astype("string").str.strip().str.removesuffix(".0").replace("", pd.NA)
    return _representable(_parsed(text, column), text, column)


def _parsed(text: pd.Series, column: str) -> pd.Series:
    """The text as timestamps with the first of the formats that reads every value, else InputError naming one."""
    for options in ({"format": "ISO8601"}, {"dayfirst": False}, {"dayfirst": True}):
        try:
            with warnings.catch_warnings():  # pandas warns when it infers day-first; that is intended here
                warnings.simplefilter("ignore", UserWarning)
                return pd.to_datetime(text, utc=True, **options).dt.tz_localize(None)
        except (ValueError, TypeError, OverflowError):
            continue
    parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    bad = text[parsed.isna() & text.notna()]
    if len(bad):
        raise InputError(f"Column '{column}' has {len(bad)} value(s) that are not dates, such as "
                         f"{str(bad.iloc[0])[:40]!r}. Use dates like 2024-01-31 or 2024-01-31 13:00.")
    return parsed.dt.tz_localize(None)


def _representable(parsed: pd.Series, text: pd.Series, column: str) -> pd.Series:
    """The dates in nanoseconds; InputError naming the row (from 1, under the header) of a date outside
    EARLIEST-LATEST, or the rows of the first and last dates if they are more than MAX_SPAN apart.

    pandas parses dates from year 1 to 9999 (in microseconds), but forecasting them needs nanoseconds.
    """
    dates, text = parsed.reset_index(drop=True), text.reset_index(drop=True)  # row positions as labels
    outside = dates.index[(dates < EARLIEST) | (dates > LATEST)]
    if len(outside):
        raise InputError(f"Column '{column}' has {len(outside)} date(s) outside {EARLIEST:%Y-%m-%d} to "
                         f"{LATEST:%Y-%m-%d}, the dates pandas and Prophet can compute with; the first is "
                         f"{str(text[outside[0]])[:40]!r} in row {outside[0] + 1}. Correct or remove those rows.")
    if dates.notna().any():
        first, last = dates.idxmin(), dates.idxmax()
        if dates[last].value - dates[first].value > MAX_SPAN.value:  # Python ints: no overflow
            raise InputError(
                f"Column '{column}' runs from {str(text[first])[:40]!r} (row {first + 1}) to {str(text[last])[:40]!r} "
                f"(row {last + 1}), more than {MAX_SPAN.days:,} days (292 years) apart: the most time between two "
                "dates that can be computed with. Correct a wrong date, or upload the most recent 292 years.")
    return parsed.astype("datetime64[ns]")


def _looks_like_dates(column: pd.Series) -> bool:
    """Whole numbers that read as years (1990) or compact dates (20240131)."""
    values = column.dropna()
    whole = bool((values % 1 == 0).all())
    return whole and (bool(values.between(1000, 2999).all()) or bool(values.between(10000101, 29991231).all()))


def _combine(grouped, how: str) -> pd.Series:
    """Mean or sum per group; a group with no values stays missing (a gap, not a zero)."""
    if how == "sum":
        return grouped.sum(min_count=1)
    if how == "mean":
        return grouped.mean()
    raise InputError(f"Unknown way to combine values '{how}'; use mean or sum.")


def infer_cadence(dates: pd.Series) -> Cadence:
    """The series' observation frequency from the median gap between dates."""
    gap = pd.Series(dates).sort_values().diff().median()
    days = gap / pd.Timedelta(days=1)
    if days < 1 / 24 * 0.99:
        minutes = max(1, round(gap / pd.Timedelta(minutes=1)))
        return Cadence(f"{minutes} minutes", f"{minutes}min", pd.Timedelta(minutes=minutes), max(1, 1440 // minutes))
    if days < 0.9:
        hours = max(1, round(days * 24))
        return Cadence("hour" if hours == 1 else f"{hours} hours", f"{hours}h", pd.Timedelta(hours=hours),
                       max(1, 24 // hours))
    if days < 3:
        return Cadence("day", "D", pd.Timedelta(days=1), 7)
    if days < 20:
        return Cadence("week", "7D", pd.Timedelta(days=7), 52)
    if days < 60:
        month_start = (pd.Series(dates).dt.day == 1).all()
        return Cadence("month", "MS" if month_start else "ME", pd.Timedelta(days=30.4375), 12)
    if days < 200:
        return Cadence("quarter", "QS", pd.Timedelta(days=91.3125), 4)
    return Cadence("year", "YS", pd.Timedelta(days=365.25), 1)


def regular(frame: pd.DataFrame, cadence: Cadence) -> pd.Series:
    """``y`` on an evenly spaced grid of the cadence (gaps as NaN), indexed by date.

    Dates that do not fall on the grid (say, business days on a daily grid) are
    matched to the nearest grid point.
    """
    series = frame.set_index("ds")["y"]
    grid = pd.date_range(series.index[0], series.index[-1], freq=cadence.freq)
    if len(grid) == 0 or grid[0] != series.index[0]:
        grid = pd.DatetimeIndex([series.index[0]]).append(grid)
    position = grid.get_indexer(series.index, method="nearest")
    return series.groupby(position).mean().reindex(range(len(grid))).set_axis(grid)
