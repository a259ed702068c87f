"""A chart as a file someone can cite: its title and its source line drawn into a PNG or SVG image.

Rendered by Plotly's own static export (kaleido, driving a headless Chromium); the chart on the page is left
as it is, the exported copy gets the title, the source line and a fixed size.
"""
from __future__ import annotations

import shutil
import textwrap

import plotly.graph_objects as go
import plotly.io as pio

IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
WIDTH, HEIGHT = 1100, 600
_SOURCE_LINE_CHARS = 170
_CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "chrome")


def can_export_images() -> bool:
    """Whether a Chromium for kaleido is installed (``bash scripts/start`` installs Debian's)."""
    return any(shutil.which(name) for name in _CHROMIUM)


def titled_figure(figure: go.Figure, title: str, source: str | None = None) -> go.Figure:
    """A copy of ``figure`` with ``title`` on top and ``source`` (wrapped) under the plot, sized for a file."""
    lines = textwrap.wrap(source or "", _SOURCE_LINE_CHARS)
    out = go.Figure(figure)
    out.update_layout(title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
                      width=WIDTH, height=HEIGHT + 18 * len(lines),
                      margin={"t": 70, "b": 80 + 18 * len(lines), "l": 70, "r": 30})
    if lines:
        out.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0, xanchor="left",
                           yanchor="top", yshift=-45, showarrow=False, align="left",
                           font={"size": 11, "color": "#555"})
    return out


def figure_image(figure: go.Figure, title: str, source: str | None, image_format: str) -> bytes:
    """The figure with its title and source line as PNG or SVG bytes."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {', '.join(IMAGE_FORMATS)}, not {image_format!r}")
    return pio.to_image(titled_figure(figure, title, source), format=image_format, scale=1 if image_format == "svg"
                        else 2)
