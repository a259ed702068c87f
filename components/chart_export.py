"""A chart on a page with its downloads: PNG and SVG images carrying the chart's title and source line."""
from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from components.charts.export import IMAGE_FORMATS, can_export_images, figure_image


def file_stem(title: str) -> str:
    """A file name from a chart's title: lower case, words joined by underscores."""
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:80] or "chart"


def chart(figure: go.Figure, title: str, key: str, source: str | None = None, **plotly_kwargs: Any) -> Any:
    """Draw ``figure`` and, under it, PNG and SVG downloads of it with ``title`` and ``source`` drawn in.

    The images are rendered only when a button is clicked (a second or two), on Streamlit's download thread;
    the page does not rerun. Returns what ``st.plotly_chart`` returns (the selection, with ``on_select``).
    """
    plotly_kwargs.setdefault("width", "stretch")
    shown = st.plotly_chart(figure, key=key, **plotly_kwargs)
    available = can_export_images()
    row = st.container(horizontal=True, gap="small")
    for image_format in IMAGE_FORMATS:
        row.download_button(
            image_format.upper(), data=lambda f=image_format: figure_image(figure, title, source, f),
            file_name=f"{file_stem(title)}.{image_format}", mime=IMAGE_FORMATS[image_format], on_click="ignore",
            key=f"{key}_{image_format}", icon=":material/download:", disabled=not available,
            help=(f"{title}, as {image_format.upper()}, with its title and source line" if available else
                  "Image downloads need Chromium on the server (bash scripts/start installs it)."),
        )
    return shown
