"""A table on a page with its download: the frame shown, and the same frame as a CSV file named after its title."""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components.chart_export import file_stem


def table(frame: pd.DataFrame, title: str, key: str, index: bool = False, place: Any = st,
          **dataframe_kwargs: Any) -> Any:
    """Draw ``frame`` with ``st.dataframe`` and, under it, a CSV download of it named after ``title``.

    ``index`` keeps the frame's index in the table and the file (it names the rows); ``place`` is where to draw
    (a column or container; the page by default); ``key`` names the download button. Returns what
    ``st.dataframe`` returns.
    """
    shown = place.dataframe(frame, hide_index=not index, **dataframe_kwargs)
    place.download_button("CSV", frame.to_csv(index=index).encode(), f"{file_stem(title)}.csv", "text/csv",
                          key=f"{key}_csv", on_click="ignore", icon=":material/download:",
                          help=f"{title}, as a CSV file")
    return shown
