"""The word map in headless Chromium: clicking a point selects its word, lists its nearest neighbours beside the map
and puts the word in the page's link; the map's coordinates download as a CSV."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser

LONG = 240_000  # quick models and the default map train as jobs on first open
TOP_POINTS = '[data-testid="stPlotlyChart"] .scatterlayer .trace:last-child path.point'
"""The points of the trace drawn last (the most frequent kind of word): nothing is drawn over its last point."""
LAST_WORD = """() => {
    const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const trace = plot._fullData[plot._fullData.length - 1];
    return trace.customdata[trace.customdata.length - 1][0];
}"""


def test_clicking_a_point_lists_its_nearest_neighbours(app_url, page):
    page.goto(app_url + "/word_embeddings_map?k=5")
    page.locator(TOP_POINTS).first.wait_for(timeout=LONG)
    wait_for_app(page, timeout=LONG)
    page_has_no_exception(page)
    assert page.get_by_text("Nearest words to").count() == 0

    point = page.locator(TOP_POINTS).last
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    word = page.evaluate(LAST_WORD)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    listed = page.get_by_text(f"Nearest words to {word} on the map, by cosine similarity:")
    listed.wait_for(timeout=60_000)
    wait_for_app(page)
    neighbours = [n.rsplit(" (", 1)[0] for n in listed.inner_text().split(": ", 1)[1].split(", ")]
    assert len(neighbours) == 5 and word not in neighbours
    assert f"words={word}" in page.url
    selected = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Selected on the map")
    assert word in selected.inner_text()
    page_has_no_exception(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Coordinates and labels (CSV)").click()
    frame = pd.read_csv(download.value.path(), keep_default_na=False)
    assert frame.columns.tolist() == ["word", "rank", "kind", "cluster", "x", "y"]
    assert len(frame) == 500 and word in set(frame.word) and set(neighbours) <= set(frame.word)
