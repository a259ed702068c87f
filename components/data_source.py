"""Choosing what a page analyses: a built-in data set or the analyst's CSV upload, and the matching credit line."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from components.data_status import attribution
from components.upload import csv_upload

UPLOAD = "Upload your own CSV"
UPLOAD_CREDIT = ("Data: your upload. It and what is computed from it are kept in the server's memory only, under a "
                 "key made from its bytes, and never written to disk.")


@dataclass(frozen=True)
class DataSource:
    """The analyst's choice: the built-in data set ``dataset``, or ``upload`` (read with ``upload_settings``)."""

    dataset: str | None = None  # registry key of the built-in data set; None for an upload
    upload: pd.DataFrame | None = None
    upload_settings: Any = None  # what the page's own upload widgets returned, if it has any

    @property
    def built_in(self) -> bool:
        return self.dataset is not None

    def credit(self) -> None:
        """The credit line: the built-in data set's source and licence, or that the upload is not kept."""
        if self.built_in:
            attribution(self.dataset)
        else:
            st.caption(UPLOAD_CREDIT)


def data_source(label: str, built_in: str, dataset: str, layout: str, waiting: str, upload_key: str,
                upload_label: str = "Your CSV", key: str | None = None,
                upload_settings: Callable[[], Any] | None = None) -> DataSource:
    """A "built-in data or your own CSV" switch named ``label``; ``built_in`` names the data set ``dataset``.

    For an upload it says what the CSV should hold (``layout``), draws the page's
    ``upload_settings`` widgets if any, then the upload box (a CSV of at least two
    columns); until a usable file is uploaded it says ``waiting`` and stops the page.
    """
    choice = st.radio(label, [built_in, UPLOAD], horizontal=True, key=key)
    if choice == built_in:
        return DataSource(dataset)
    st.caption(layout)
    settings = upload_settings() if upload_settings else None
    frame = csv_upload(upload_label, key=upload_key, min_columns=2)
    if frame is None:
        st.info(waiting)
        st.stop()
    return DataSource(upload=frame, upload_settings=settings)
