"""The movie-recommendations page in a real browser: a user's top picks, then a k-NN explanation."""
import pytest

from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def test_recommendations_and_a_knn_explanation_render(app_url, page):
    page.goto(f"{app_url}/recommender")
    page.get_by_text("Top pick for user 1").wait_for(timeout=120_000)
    page.get_by_text("Top 10 unseen movies for user 1").wait_for(timeout=30_000)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="KNNWithMeans").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Predict and explain").click()
    page.get_by_text("most similar users who rated this movie").wait_for(timeout=60_000)
    page.get_by_text("Predicted rating (KNNWithMeans)").wait_for(timeout=30_000)
    page_has_no_exception(page)
