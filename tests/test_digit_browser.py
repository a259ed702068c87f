"""The digits page explains a drawing in a real browser: its saliency maps, the digit to compare with (kept in the
URL), the nearest training digits once they are computed, and the gallery's score."""
import re

import pytest

from conftest import page_has_no_exception, wait_for_app
from test_digits_page import prediction_text, settled_canvas, stroke

LONG = 180_000


def saliency_image(page, caption: str):
    """The saliency map whose caption starts with ``caption``, once its image has loaded."""
    image = page.locator('[data-testid="stImage"]', has_text=caption).locator("img").first
    image.wait_for(timeout=30_000)
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                           timeout=30_000)
    return image


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the (first) selectbox labelled ``label``."""
    box = page.get_by_role("combobox", name=label).first
    box.click()
    box.press("ArrowDown")  # a click does not always open the list (it may land while a rerun redraws it)
    page.locator('[role="option"]').filter(has_text=re.compile(f"^{re.escape(option)}$")).click()


@pytest.mark.browser
def test_drawing_a_digit_shows_its_saliency_maps_neighbours_and_gallery(app_url, page):
    page.goto(f"{app_url}/digits")
    page.locator("canvas.upper-canvas").first.wait_for(timeout=LONG)
    wait_for_app(page, timeout=LONG)
    stroke(page, settled_canvas(page), [(150, 50), (148, 120), (145, 230)])  # a "1"

    reading = saliency_image(page, "The reading:")
    assert reading.bounding_box()["width"] >= 200, "the map is drawn large enough to see its pixels"
    read = prediction_text(page)[0]
    other = "4" if read != "4" else "7"
    choose(page, "Compare with", other)
    saliency_image(page, f"Compared with: {other} (")
    assert f"compare={other}" in page.url, "the digit to compare with is kept in the page's link"

    # the training digits' embedding is computed as a job after the CNN: the neighbours show when it is done
    page.get_by_text("training digits the network places nearest").wait_for(timeout=LONG)
    wait_for_app(page, timeout=LONG)

    choose(page, "True digit", read)
    page.locator('[data-testid="stMetric"]', has_text="Read right").get_by_text("1 of 1 · 100%").wait_for(
        timeout=30_000)
    page_has_no_exception(page)
