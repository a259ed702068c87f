"""Choosing what a page analyses: a built-in data set or the analyst's CSV upload, and the matching credit line."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from components.data_status import attribution
from components.upload import csv_upload
from components.url_state import BIND
from data.registry import DATASETS

UPLOAD = "Upload your own CSV"
UPLOAD_SOURCE = "Data: your upload."
UPLOAD_CREDIT = (f"{UPLOAD_SOURCE} It and what is computed from it are kept in the server's memory only, under a "
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

    @property
    def source_line(self) -> str:
        """The line a chart of this data carries: the built-in data set's attribution, or that it is an upload."""
        return source_line(self.dataset) if self.built_in else UPLOAD_SOURCE

    def credit(self) -> None:
        """The credit line: the built-in data set's source and licence, or that the upload is not kept."""
        if self.built_in:
            attribution(self.dataset)
        else:
            st.caption(UPLOAD_CREDIT)


def source_line(*keys: str) -> str:
    """The source line of a chart drawn from the data sets ``keys``: each one's attribution and address."""
    lines = []
    for key in keys:
        dataset = DATASETS[key]
        credit = dataset.attribution if dataset.attribution.startswith("Data:") else f"Data: {dataset.attribution}"
        lines.append(f"{credit} {dataset.homepage}")
    return " ".join(lines)


def data_source(label: str, built_in: str, dataset: str, layout: str, waiting: str, upload_key: str,
                upload_label: str = "Your CSV", key: str = "data",
                upload_settings: Callable[[], Any] | None = None) -> DataSource:
    """A "built-in data or your own CSV" switch named ``label``; ``built_in`` names the data set ``dataset``.

    For an upload it says what the CSV should hold (``layout``), draws the page's
    ``upload_settings`` widgets if any, then the upload box (a CSV of at least two
    columns); until a usable file is uploaded it says ``waiting`` and stops the page. The choice is in the page's
    URL under ``key`` (the upload itself never is).
    """
    choice = st.radio(label, [built_in, UPLOAD], horizontal=True, key=key, bind=BIND)
    if choice == built_in:
        return DataSource(dataset)
    st.caption(layout)
    settings = upload_settings() if upload_settings else None
    frame = csv_upload(upload_label, key=upload_key, min_columns=2)
    if frame is None:
        st.info(waiting)
        st.stop()
    return DataSource(upload=frame, upload_settings=settings)
