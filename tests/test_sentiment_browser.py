"""A real browser types a review on the sentiment page and reads the verdict."""
import re

import pytest

from conftest import page_has_no_exception, wait_for_app


@pytest.mark.browser
def test_typing_a_review_shows_a_verdict(app_url, page):
    page.goto(f"{app_url}/sentiment")
    wait_for_app(page, timeout=180_000)
    review = page.get_by_label("Movie review")
    review.wait_for(timeout=180_000)  # drawn once the quick model has trained on first open
    review.fill("A wonderful film: moving, funny and beautifully acted. I loved it.")
    page.get_by_role("button", name="Score the review").click()
    verdict = page.get_by_test_id("stMetric").filter(has_text="Verdict")
    verdict.wait_for(timeout=60_000)
    assert re.search(r"Verdict\s*(Positive|Negative)", verdict.inner_text())
    probability = page.get_by_test_id("stMetric").filter(has_text="Probability positive").inner_text()
    assert re.search(r"\d+\.\d%", probability)
    page_has_no_exception(page)
