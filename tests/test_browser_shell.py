"""The shell in a real browser: navigation, the home page, and deep links opened first after a restart."""
import pytest

from conftest import page_has_no_exception, quick_env, running_app, wait_for_app

pytestmark = pytest.mark.browser


def test_home_lists_pages_and_links_to_elasticity(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("ML Atlas", exact=True).first.wait_for()
    page_has_no_exception(page)
    page.get_by_role("link", name="Price elasticity").first.click()
    page.get_by_text("PED (b)").wait_for(timeout=30_000)
    page.get_by_text("-0.531").first.wait_for(timeout=30_000)
    page_has_no_exception(page)


def test_a_deep_link_opened_first_after_a_restart_gets_the_app_navigation(page, tmp_path):
    """Streamlit would run a pages/ script alone, with a file-name sidebar, before app.py ever ran."""
    with running_app(quick_env(tmp_path / "models"), tmp_path / "server.log") as url:
        page.goto(f"{url}/attribution")
        page.get_by_text("Most likely next step").wait_for(timeout=60_000)
        wait_for_app(page)
        sidebar = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Classic ML" in sidebar and "Markov attribution" in sidebar, sidebar
        assert "price elasticity" not in sidebar  # v1's file-name entries
        page_has_no_exception(page)
