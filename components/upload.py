"""A CSV upload widget that never crashes the page, and pickers that map the upload's columns to what a page needs."""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from data.user_csv import read_user_csv
from core.errors import InputError

NO_COLUMN = "(none)"
UPLOAD_SHA256 = "upload_sha256"  # key of ``frame.attrs`` holding the sha256 of the bytes an uploaded frame was read from

# Parsed uploads kept in memory, shared by sessions that upload the same bytes. A 50 MB upload parses to a few
# hundred MB at most (``data.user_csv.MAX_ROWS``), so a handful of them bound the cache's share of the server.
READ_CACHE_ENTRIES = 4


@st.cache_data(show_spinner="Reading the CSV...", max_entries=READ_CACHE_ENTRIES)
def _read(sha256: str, name: str, min_columns: int, _raw: bytes) -> pd.DataFrame | InputError:
    """The upload read once per content (``sha256`` of ``_raw``): its frame, or the InputError saying why it is not one."""
    try:
        frame = read_user_csv(_raw, name=name, min_columns=min_columns)
    except InputError as error:
        return error
    frame.attrs[UPLOAD_SHA256] = sha256
    return frame


def csv_upload(label: str, key: str, help: str | None = None, min_columns: int = 1) -> pd.DataFrame | None:
    """Return the uploaded CSV as a frame, or None (with a message on the page if it was unusable).

    The file is parsed once per content, not on every rerun; ``upload_sha256(frame)``
    identifies what it was read from, for keying what a page computes from it.
    """
    uploaded = st.file_uploader(label, type=["csv", "txt", "tsv"], key=key, help=help)
    if uploaded is None:
        return None
    raw = uploaded.getvalue()
    read = _read(hashlib.sha256(raw).hexdigest(), f"'{uploaded.name}'", min_columns, raw)
    if isinstance(read, InputError):
        st.error(str(read), icon=":material/error:")
        return None
    return read


def upload_sha256(frame: pd.DataFrame) -> str:
    """The sha256 of the uploaded bytes ``frame`` was read from by ``csv_upload``."""
    return frame.attrs[UPLOAD_SHA256]


def choose_columns(frame: pd.DataFrame, guesses: dict[str, str], optional: str | None = None) -> list[str | None]:
    """Side-by-side pickers of the frame's columns, one per label of ``guesses`` starting at its guessed column.

    With ``optional``, one more picker of that label may be left at "(none)", which gives None.
    """
    columns = list(frame.columns)
    places = st.columns(len(guesses) + (optional is not None))
    chosen = [place.selectbox(label, columns, index=columns.index(guess))
              for place, (label, guess) in zip(places, guesses.items())]
    if optional is not None:
        extra = places[-1].selectbox(optional, [NO_COLUMN] + columns)
        chosen.append(None if extra == NO_COLUMN else extra)
    return chosen
