"""Loading data on a page: a progress bar while downloading, a clear message when missing, the credit line."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.errors import DataError
from data.registry import DATASETS

T = TypeVar("T")


def load_or_explain(loader: Callable[..., T], *args, **kwargs) -> T:
    """Call a data loader; if the data set cannot be had, say why and how to get it, then stop this page."""
    bar = None

    def progress(done: int, total: int | None, what: str) -> None:
        nonlocal bar
        bar = bar or st.progress(0.0, text=f"Downloading {what}")
        mb = done / 1e6
        bar.progress(min(done / total, 1.0) if total else 0.0, text=f"Downloading {what}: {mb:.1f} MB")

    try:
        return loader(*args, progress=progress, **kwargs)
    except DataError as error:
        st.error(str(error), icon=":material/database_off:")
        st.stop()
    finally:
        if bar is not None:
            bar.empty()


def attribution(*keys: str) -> None:
    """The source and licence of each data set the page uses."""
    for key in keys:
        dataset = DATASETS[key]
        st.caption(f"**Data:** {dataset.title}. {dataset.attribution} **Licence/terms:** {dataset.license} "
                   f"[Source]({dataset.homepage})")
