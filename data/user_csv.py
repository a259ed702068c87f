"""Reading a CSV a user uploaded, with messages that name the problem."""
from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from core.errors import InputError

MAX_COLUMNS = 200
"""Columns an upload may have. Pages read two to four of them; wide exports of sales or analytics systems
rarely pass a hundred. Every column is an option of up to three pickers sent to the browser on each rerun,
and the header is counted before the file is parsed, so a file of a million columns costs nothing."""

MAX_ROWS = 1_000_000
"""Rows an upload may have. Real uploads are far smaller (ten years of hourly values are 87,600 rows, a year
of daily sales of 500 stores 182,500); 50 MB (``server.maxUploadSize``) holds up to about 5 million short
rows, which cost each page seconds on every new setting. Parsing stops one row past the limit."""

_QUOTED = re.compile(r'"[^"]*"')


def read_user_csv(raw: bytes, name: str = "the file", sep: str | None = None, min_columns: int = 1) -> pd.DataFrame:
    """Parse uploaded bytes as a CSV; raise InputError with a plain reason when it is not one.

    The separator is sniffed (comma, semicolon, tab, pipe) unless given. Cells are
    read as text first when needed, never evaluated: a cell like ``=HYPERLINK(...)``
    stays a string. The header is checked before parsing: at most ``MAX_COLUMNS``
    columns, no name given twice (blanks around names do not count); at most
    ``MAX_ROWS`` rows are read.
    """
    if not raw or not raw.strip():
        raise InputError(f"{name} is empty.")
    if b"\x00" in raw[:4096]:
        raise InputError(f"{name} looks like a binary file, not a CSV. Export it as CSV (comma- or semicolon-separated text).")
    text = _decode(raw, name)
    if sep is None:
        sep = _sniff_separator(text)
    _check_header(text, sep, name)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, skipinitialspace=True, nrows=MAX_ROWS + 1)
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        raise InputError(f"{name} could not be read as a CSV: {error}") from error
    if frame.empty or frame.shape[1] == 0:
        raise InputError(f"{name} has a header but no data rows.")
    if len(frame) > MAX_ROWS:
        raise InputError(
            f"{name} has more than {MAX_ROWS:,} rows (about {text.count(chr(10)):,} lines); the limit is {MAX_ROWS:,} "
            "so that every page stays quick. Aggregate the rows (per day, per path, ...) or upload a sample."
        )
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


def _check_header(text: str, sep: str, name: str) -> None:
    """Refuse a header of more than ``MAX_COLUMNS`` names, or one naming a column twice, before any parsing.

    The width is first counted on the header's line with quoted names taken out, which
    is cheap however long the line; only a header within the limit is split into names.
    """
    first_line = text.partition("\n")[0]
    width = _QUOTED.sub("", first_line).count(sep) + 1
    if width <= MAX_COLUMNS:
        try:
            names = next(csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True))
        except csv.Error as error:
            raise InputError(f"{name} could not be read as a CSV: {error}") from error
        width = len(names)
    if width > MAX_COLUMNS:
        raise InputError(
            f"{name} has {width:,} columns (separated by '{sep}'); the limit is {MAX_COLUMNS} because the pages read "
            "a few columns and offer every one in their pickers. Keep the columns you need, or check the separator."
        )
    stripped = [n.strip() for n in names]
    repeated = sorted({n for n in stripped if n and stripped.count(n) > 1})
    if repeated:
        raise InputError(
            f"{name} names the column(s) {', '.join(repr(n) for n in repeated)} more than once (blanks around names "
            "do not count), so a column cannot be picked by its name. Rename or remove the repeats."
        )


def numeric_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as numbers, empty cells as NaN; InputError naming the column, a bad value and its row otherwise.

    A value that is not a number, or is infinite (``inf``, ``Infinity``, ``1e999``), is
    refused; cells pandas reads as missing (empty, ``NaN``, ``NA``) stay NaN for the page
    to refuse or repair. Rows count from 1, the first under the header.
    """
    if column not in frame.columns:
        raise InputError(f"There is no column '{column}'. Columns: {', '.join(map(str, frame.columns))}.")
    cells = frame[column]
    values = pd.to_numeric(cells, errors="coerce")
    not_numbers = np.flatnonzero(values.isna() & cells.notna())
    if len(not_numbers):
        raise InputError(
            f"Column '{column}' is not numeric: {len(not_numbers)} value(s) such as "
            f"{str(cells.iloc[not_numbers[0]])[:40]!r} (row {not_numbers[0] + 1}) are not numbers."
        )
    infinite = np.flatnonzero(np.isinf(values.to_numpy(dtype=float)))
    if len(infinite):
        raise InputError(
            f"Column '{column}' has {len(infinite)} infinite value(s), the first {str(cells.iloc[infinite[0]])[:40]!r} "
            f"at row {infinite[0] + 1}; only finite numbers can be used. Correct those cells or leave them empty."
        )
    return values
