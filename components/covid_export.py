"""CSV files of the COVID-19 page an analyst can cite: each under a header block of ``#`` lines naming the view,
the sources with their licences and retrieval dates, and the smoothing (read back with
``pd.read_csv(path, comment="#")``)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from components.covid_inputs import OXCGRT_RELEASE, Selection, mobility_credit
from models.covid_mobility import csv_with_metadata


def view_link() -> str:
    """The address that reopens this view: the page's URL with its state."""
    base = (st.context.url or "").split("?")[0]
    pairs = [(name, value) for name in st.query_params for value in st.query_params.get_all(name)]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def metadata(selection: Selection, what: str) -> list[tuple[str, str]]:
    """The header block of an export: what it holds, the view, the sources, licences and retrieval dates."""
    return [
        ("title", f"ML Atlas, COVID-19 lockdowns and mobility: {what}"),
        ("generated", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("view", view_link()),
        *selection.described(),
        ("source (policy)", f"Oxford COVID-19 Government Response Tracker (OxCGRT), {OXCGRT_RELEASE}, "
                            "https://github.com/OxCGRT/covid-policy-dataset; Hale et al. (2021), Nature Human "
                            "Behaviour, https://doi.org/10.1038/s41562-021-01079-8"),
        ("licence (policy)", "CC BY 4.0, https://creativecommons.org/licenses/by/4.0/; changes: national rows only, "
                             "one row per country and day"),
        ("source (mobility)", mobility_credit()),
        ("licence (mobility)", "Google Terms of Service; Google advises against comparing changes between countries"),
    ]


def csv_download(label: str, table: pd.DataFrame, file_name: str, selection: Selection, key: str,
                 place=st) -> None:
    """A download of ``table`` as CSV with the metadata header."""
    place.download_button(label, csv_with_metadata(table, metadata(selection, label.removesuffix(" as CSV").lower())),
                          file_name=file_name, mime="text/csv", key=key, disabled=table.empty, on_click="ignore",
                          icon=":material/download:")
