"""Reading a CSV a user uploaded, with messages that name the problem."""
from __future__ import annotations

import csv
import io

import pandas as pd

from core.errors import InputError


def read_user_csv(raw: bytes, name: str = "the file", sep: str | None = None, min_columns: int = 1) -> pd.DataFrame:
    """Parse uploaded bytes as a CSV; raise InputError with a plain reason when it is not one.

    The separator is sniffed (comma, semicolon, tab, pipe) unless given. Cells are
    read as text first when needed, never evaluated: a cell like ``=HYPERLINK(...)``
    stays a string.
    """
    if not raw or not raw.strip():
        raise InputError(f"{name} is empty.")
    if b"\x00" in raw[:4096]:
        raise InputError(f"{name} looks like a binary file, not a CSV. Export it as CSV (comma- or semicolon-separated text).")
    text = _decode(raw, name)
    if sep is None:
        sep = _sniff_separator(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, engine="python", skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        raise InputError(f"{name} could not be read as a CSV: {error}") from error
    if frame.empty or frame.shape[1] == 0:
        raise InputError(f"{name} has a header but no data rows.")
    if frame.shape[1] < min_columns:
        raise InputError(
            f"{name} has {frame.shape[1]} column; at least {min_columns} are needed. "
            f"Check the separator (found '{sep}')."
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name} is not text in UTF-8 or Windows-1252 encoding.")


def _sniff_separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def numeric_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as numbers; InputError naming the column and a bad value if it is not numeric."""
    if column not in frame.columns:
        raise InputError(f"There is no column '{column}'. Columns: {', '.join(map(str, frame.columns))}.")
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame[column][values.isna() & frame[column].notna()]
    if len(bad):
        raise InputError(
            f"Column '{column}' is not numeric: {len(bad)} value(s) such as {str(bad.iloc[0])[:40]!r} are not numbers."
        )
    return values
