"""Hostile input through a real browser: oversize uploads, HTML in typed text, junk URL parameters."""
import pytest

from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def test_an_upload_over_the_size_limit_is_refused_and_the_page_keeps_its_results(app_url, page, tmp_path):
    page.goto(f"{app_url}/price_elasticity")
    page.get_by_text("PED (b)").wait_for(timeout=60_000)
    page.get_by_text("Upload your own CSV").click()
    wait_for_app(page)
    oversize = tmp_path / "huge.csv"
    with open(oversize, "wb") as out:  # server.maxUploadSize is 50 MB
        out.write(b"price,quantity\n" + b"1,2\n" * (51 * 1024 * 1024 // 4))
    page.locator('input[type="file"]').set_input_files(oversize)
    page.get_by_text("File must be 50.0MB or smaller.").wait_for(timeout=30_000)
    page.get_by_text("Upload a CSV to estimate its elasticity.").wait_for()
    page_has_no_exception(page)


def test_html_in_a_review_is_shown_as_text_never_run(app_url, page):
    """The word highlights show the review as typed, so its markup reaches the page: escaped, it stays text.

    Unescaped, ``<!--`` would open an HTML comment that hides the rest of the review, and ``<b>`` would be bold.
    """
    page.goto(f"{app_url}/sentiment")
    review = page.get_by_label("Movie review")
    review.wait_for(timeout=180_000)
    review.fill('A great film <img src=x onerror="document.title=\'pwned\'"> <script>document.title="pwned"</script> '
                "<b>loved</b> it &amp; <!-- hidden? --> the end")
    page.get_by_role("button", name="Score the review").click()
    page.get_by_test_id("stMetric").filter(has_text="Verdict").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.title() != "pwned"
    assert page.locator('img[src="x"]').count() == 0
    highlight = page.locator("[data-testid='stMarkdownContainer'] div[style*='line-height']").first
    assert highlight.locator("b").count() == 0 and highlight.locator("script").count() == 0
    shown = " ".join(highlight.inner_text().split())
    assert '<script>document.title="pwned"</script> <b>loved</b> it &amp; <!-- hidden? --> the end' in shown, shown
    page_has_no_exception(page)


def test_junk_url_parameters_are_ignored(app_url, page):
    page.goto(f"{app_url}/attribution?order=%3Cscript%3Ealert(1)%3C/script%3E&channel=../../etc/passwd")
    page.get_by_text("Most likely next step").wait_for(timeout=60_000)
    wait_for_app(page)
    page_has_no_exception(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
