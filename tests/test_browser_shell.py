"""The shell in a real browser: the home page lists the pages and the elasticity page renders its estimate."""
import pytest

from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def test_home_lists_pages_and_links_to_elasticity(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("ML Atlas", exact=True).first.wait_for()
    page_has_no_exception(page)
    page.get_by_role("link", name="Price elasticity").first.click()
    page.get_by_text("PED (b)").wait_for(timeout=30_000)
    wait_for_app(page)
    assert "-0.531" in page.inner_text("body")
    page_has_no_exception(page)
