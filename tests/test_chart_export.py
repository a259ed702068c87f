"""Chart images an analyst can cite: the title and the source line are drawn into the exported PNG and SVG."""
import plotly.graph_objects as go
import pytest

from components.chart_export import file_stem
from components.charts.export import can_export_images, figure_image, titled_figure

SOURCE = "Source: Google LLC, Google COVID-19 Community Mobility Reports, retrieved 2022-10-15; OxCGRT (CC BY 4.0)."


def _figure() -> go.Figure:
    return go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="Sweden"))


def test_the_exported_copy_carries_title_and_source_and_the_page_figure_is_unchanged():
    figure = _figure()
    exported = titled_figure(figure, "Workplaces, Sweden", SOURCE)
    assert exported.layout.title.text == "Workplaces, Sweden"
    assert SOURCE.split()[1] in exported.layout.annotations[0].text
    assert not figure.layout.title.text and not figure.layout.annotations


@pytest.mark.skipif(not can_export_images(), reason="needs Chromium for kaleido")
def test_svg_and_png_are_rendered_with_the_title_and_source_drawn_in():
    svg = figure_image(_figure(), "Workplaces, Sweden", SOURCE, "svg").decode()
    assert svg.startswith("<svg") and "Workplaces, Sweden" in svg and "Community Mobility Reports" in svg
    png = figure_image(_figure(), "Workplaces, Sweden", SOURCE, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_file_names_come_from_the_title():
    assert file_stem("Index & mobility: Sweden (2020)") == "index_mobility_sweden_2020"
    with pytest.raises(ValueError):
        figure_image(_figure(), "t", None, "gif")
