"""A CSV upload widget that never crashes the page, and pickers that map the upload's columns to what a page needs."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data.user_csv import read_user_csv
from core.errors import InputError

NO_COLUMN = "(none)"


def csv_upload(label: str, key: str, help: str | None = None, min_columns: int = 1) -> pd.DataFrame | None:
    """Return the uploaded CSV as a frame, or None (with a message on the page if it was unusable)."""
    uploaded = st.file_uploader(label, type=["csv", "txt", "tsv"], key=key, help=help)
    if uploaded is None:
        return None
    try:
        return read_user_csv(uploaded.getvalue(), name=f"'{uploaded.name}'", min_columns=min_columns)
    except InputError as error:
        st.error(str(error), icon=":material/error:")
        return None


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
