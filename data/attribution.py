"""Customer journeys for attribution: ChannelAttribution's PathData, or the analyst's own CSV."""
from __future__ import annotations

import pandas as pd

from data.locate import Locator, Progress, dataset_dir
from core.errors import InputError

PATH_SEPARATOR = " > "


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
    columns = {c.strip().lower(): c for c in frame.columns}
    if "path" not in columns:
        raise InputError(f"A 'path' column is needed (channels separated by '{separator.strip()}'); "
                         f"found: {', '.join(map(str, frame.columns))}.")
    if {"total_conversions", "total_null"} <= columns.keys():
        journeys = pd.DataFrame({
            "path": frame[columns["path"]],
            "total_conversions": _counts(frame[columns["total_conversions"]], "total_conversions"),
            "total_conversion_value": _counts(frame[columns["total_conversion_value"]], "total_conversion_value")
            if "total_conversion_value" in columns else 0.0,
            "total_null": _counts(frame[columns["total_null"]], "total_null"),
        })
    elif "converted" in columns:
        converted = _counts(frame[columns["converted"]], "converted")
        if not converted.isin([0, 1]).all():
            raise InputError("'converted' must be 0 or 1 for every journey.")
        value = _counts(frame[columns["value"]], "value") if "value" in columns else 0.0
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
    if (journeys.total_conversions + journeys.total_null).sum() == 0:
        raise InputError("No journey has any conversion or non-conversion count.")
    return journeys.reset_index(drop=True)


def _counts(column: pd.Series, name: str) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce")
    if values.isna().any():
        raise InputError(f"Column '{name}' has missing or non-numeric values (first at row {int(values.isna().idxmax()) + 1}).")
    if (values < 0).any():
        raise InputError(f"Column '{name}' has negative values (first at row {int((values < 0).idxmax()) + 1}); "
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
