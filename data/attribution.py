"""Customer journeys for attribution: ChannelAttribution's PathData, or the analyst's own CSV."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.locate import Locator, Progress, dataset_dir
from data.user_csv import numeric_column
from core.errors import InputError

PATH_SEPARATOR = " > "
JOURNEY_COLUMNS = ("path", "total_conversions", "total_conversion_value", "total_null", "converted", "value")
"""The columns journeys are read from, matched ignoring case and blanks around the names."""

MAX_CHANNELS = 50
"""Distinct channels in the journeys. PathData has 12; real multi-channel data (search, social, email, display,
affiliates, ...) rarely passes a few dozen, and a finer split (campaigns, keywords) is not what a channel
attribution explains. Each channel costs one solve of the chain per measure and a row and column of the heat map."""

MAX_TOUCHPOINTS = 500_000
"""Touchpoints over the distinct paths (the same path on many rows counts once). PathData has 59,454 over 10,000
distinct paths; every fit of a chain walks them all, and the page fits several (the chosen order, order 1 for the
heat map, orders 1-3 for the held-out comparison), about a second each per 100,000 touchpoints."""


def load_path_data(locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """PathData: one row per distinct path, with its conversions, conversion value and non-conversions."""
    folder = dataset_dir("attribution", locator, progress)
    return journeys_from_frame(pd.read_csv(folder / "Data.csv", sep=";"))


def journeys_from_frame(frame: pd.DataFrame, separator: str = PATH_SEPARATOR) -> pd.DataFrame:
    """Validate and normalise journeys in either accepted layout.

    Aggregated layout: ``path, total_conversions, total_null`` (``total_conversion_value``
    optional). One row per journey: ``path, converted`` (0/1; ``value`` optional),
    aggregated here into the first layout. Paths become lists of channel names.
    """
    columns = _journey_columns(frame)
    if "path" not in columns:
        raise InputError(f"A 'path' column is needed (channels separated by '{separator.strip()}'); "
                         f"found: {', '.join(map(str, frame.columns))}.")
    if {"total_conversions", "total_null"} <= columns.keys():
        journeys = pd.DataFrame({
            "path": frame[columns["path"]],
            "total_conversions": _counts(frame, columns["total_conversions"]),
            "total_conversion_value": _counts(frame, columns["total_conversion_value"])
            if "total_conversion_value" in columns else 0.0,
            "total_null": _counts(frame, columns["total_null"]),
        })
    elif "converted" in columns:
        converted = _counts(frame, columns["converted"])
        if not converted.isin([0, 1]).all():
            raise InputError("'converted' must be 0 or 1 for every journey.")
        value = _counts(frame, columns["value"]) if "value" in columns else 0.0
        single = pd.DataFrame({"path": frame[columns["path"]], "total_conversions": converted,
                               "total_conversion_value": converted * value, "total_null": 1 - converted})
        journeys = single.groupby("path", as_index=False, sort=False).sum()
    else:
        raise InputError("Give either the columns total_conversions and total_null (one row per distinct path) "
                         "or a 'converted' column of 0/1 (one row per journey).")
    journeys["path"] = journeys["path"].map(lambda text: split_path(text, separator))
    empty = journeys["path"].map(len) == 0
    if empty.all():
        raise InputError(f"Every path is empty. Paths list channels separated by '{separator.strip()}'.")
    if empty.any():
        raise InputError(f"{int(empty.sum())} row(s) have an empty path (first at row {int(empty.idxmax()) + 1}); "
                         "remove them or fill in the channels.")
    touchpoints = int(journeys["path"].map(len).sum())
    if touchpoints > MAX_TOUCHPOINTS:
        raise InputError(f"The {len(journeys):,} distinct paths have {touchpoints:,} touchpoints; the limit is "
                         f"{MAX_TOUCHPOINTS:,}, because each Markov chain walks every one. Keep the most frequent "
                         "paths, or shorten paths to their last channels.")
    channels = {channel for path in journeys["path"] for channel in path}
    if len(channels) > MAX_CHANNELS:
        raise InputError(f"The journeys have {len(channels):,} distinct channels; the limit is {MAX_CHANNELS}, because "
                         "each channel is one more solve of the chain and a row of its heat map. Group the channels "
                         f"(campaigns into their channel, ...) or check the separator (paths are split by "
                         f"'{separator.strip()}').")
    if (journeys.total_conversions + journeys.total_null).sum() == 0:
        raise InputError("No journey has any conversion or non-conversion count.")
    return journeys.reset_index(drop=True)


def _journey_columns(frame: pd.DataFrame) -> dict[str, str]:
    """The frame's columns by their lower-case, trimmed name; InputError if a journeys column is given twice so."""
    columns: dict[str, list[str]] = {}
    for column in frame.columns:
        columns.setdefault(str(column).strip().lower(), []).append(column)
    repeated = [names for key, names in columns.items() if key in JOURNEY_COLUMNS and len(names) > 1]
    if repeated:
        raise InputError("Journey columns are matched ignoring case, and "
                         + "; ".join(" and ".join(repr(str(n)) for n in names) for names in repeated)
                         + " name the same one. Rename or remove the repeats.")
    return {key: names[0] for key, names in columns.items()}


def _counts(frame: pd.DataFrame, column: str) -> pd.Series:
    """A count or value column: finite numbers (``numeric_column``), none missing or negative."""
    values = numeric_column(frame, column)
    missing = np.flatnonzero(values.isna())
    if len(missing):
        raise InputError(f"Column '{column}' has missing values (first at row {missing[0] + 1}); fill them in.")
    negative = np.flatnonzero(values < 0)
    if len(negative):
        raise InputError(f"Column '{column}' has negative values (first at row {negative[0] + 1}); "
                         "counts and values must be zero or more.")
    return values


def split_path(text, separator: str = PATH_SEPARATOR) -> list[str]:
    """The channels of a path written as text, blanks around them and empty ones dropped; [] if it is not text."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(separator.strip()) if part.strip()]


def path_separator(typed: str) -> str:
    """The separator paths are split by, from what the analyst typed: spaced, and '>' if they typed nothing."""
    return f" {typed.strip() or '>'} "
