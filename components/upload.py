"""A CSV upload widget that never crashes the page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data.user_csv import read_user_csv
from core.errors import InputError


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
