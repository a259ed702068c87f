"""Every page of the catalog in a real browser: it renders its main output with no error, and its main
interaction works. A screenshot of each page lands in screenshots/ (git-ignored) for people to look at.

A page added to the catalog fails here until it gets an interaction below or names its own browser test.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from components.catalog import PAGES, PROJECT_ROOT
from conftest import page_has_no_exception, wait_for_app

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "screenshots"
MAIN_OUTPUT = ('[data-testid="stMetric"], [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], '
               '[data-testid="stImage"], [data-testid="stGraphVizChart"], [data-testid="stTable"]')
LONG = 120_000  # quick models train on first open


def no_error_on(page) -> None:
    page_has_no_exception(page)
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()


def screenshot(page, name: str) -> None:
    """The whole page, not only the viewport: Streamlit scrolls inside its main container."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height, 1000), 12_000)})
    wait_for_app(page)
    page.wait_for_function(  # every chart drawn again after the resize, not a grey placeholder
        "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')].every(c => c.querySelector('.main-svg'))",
        timeout=30_000)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def upload_elasticity_csv(page) -> None:
    page.get_by_text("Upload your own CSV").click()
    csv = b"price,quantity,store\n1,10,a\n2,7,a\n3,6,a\n4,5,a\n1,20,b\n2,11,b\n3,7,b\n4,5,b\n"
    page.locator('input[type="file"]').set_input_files(files=[{"name": "sales.csv", "mimeType": "text/csv", "buffer": csv}])
    observations = page.get_by_test_id("stMetric").filter(has_text="Observations (n)")
    observations.filter(has_text="8").wait_for(timeout=30_000)  # the upload's 8 rows, not the beef data's 91
    wait_for_app(page)


def read_an_attribution(page) -> None:
    page.get_by_text("Attribution: Markov order 1 vs heuristics").wait_for()
    box = page.get_by_label("A partial path, channels separated by '>'")
    box.fill("eta > theta")
    box.press("Enter")
    page.get_by_text("History used: theta").wait_for(timeout=30_000)


def search_the_word_map(page) -> None:
    box = page.get_by_role("textbox", name="Find a word (it and its nearest neighbours are highlighted)")
    box.fill("the")
    box.press("Enter")
    page.get_by_text("Nearest words to").wait_for(timeout=LONG)


def solve_an_analogy(page) -> None:
    page.get_by_text("Analogies: add and take away words").wait_for(timeout=LONG)
    for label, word in (("Word", "the"), ("+ Add", "the, and"), ("− Take away", "a")):
        box = page.get_by_role("textbox", name=label, exact=True).last  # a rerun may briefly keep a stale copy
        box.fill(word)
        box.press("Enter")
        page.wait_for_timeout(500)
        wait_for_app(page)
    # Words in even the quick models' vocabulary: no unknown-word warning, and for CBOW and Skip-gram a table of
    # nearest words, one of 3CosAdd and one of 3CosMul answers and one of the odd one out, then the evaluation table.
    assert page.get_by_text("is not in the vocabulary").count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 9


def unroll_a_word(page) -> None:
    box = page.get_by_label("A short word")
    box.fill("atlas")
    box.press("Enter")
    page.get_by_text("5: s", exact=True).first.wait_for(timeout=LONG)  # the hidden-state heatmap's last step
    wait_for_app(page, timeout=LONG)


def run_the_ensembles_on_a_small_budget(page) -> None:
    for label, value in (("Random-search iterations (forests tried)", "2"), ("Cross-validation folds", "2")):
        box = page.get_by_role("spinbutton", name=label)
        box.fill(value)
        box.press("Tab")
        wait_for_app(page)
    page.get_by_text("A run tries 4 random-forest fits").wait_for(timeout=30_000)  # both values reached the app
    page.get_by_role("button", name="Run the ensembles").click()
    page.get_by_text("Bagging vs boosting vs stacking on held-out wines").wait_for(timeout=LONG)
    wait_for_app(page, timeout=LONG)


def tag_a_sentence(page) -> None:
    page.get_by_text("Viterbi at work").wait_for(timeout=LONG)
    box = page.get_by_label("A sentence to tag")
    box.fill("Time flies like an arrow")
    box.press("Enter")
    page.get_by_text("5: arrow").first.wait_for(timeout=30_000)  # the trellis's last column: the new sentence
    wait_for_app(page, timeout=LONG)


INTERACTIONS = {
    "price_elasticity": upload_elasticity_csv,
    "attribution": read_an_attribution,
    "word_embeddings_map": search_the_word_map,
    "word_analogies": solve_an_analogy,
    "rnn_internals": unroll_a_word,
    "ensembles": run_the_ensembles_on_a_small_budget,
    "pos_tagging": tag_a_sentence,
}
# Pages whose main interaction is driven by their own browser test.
OWN_BROWSER_TESTS = {
    "digits": "test_digits_page.py::test_drawing_in_the_browser_is_read_live",
    "sentiment": "test_sentiment_browser.py::test_typing_a_review_shows_a_verdict",
    "forecasting": "test_forecast_browser.py::test_forecasting_page_renders_forecast_and_comparison",
    "covid_mobility": "test_covid_page.py::test_page_in_the_browser_shows_charts_figures_and_ranking",
    "recommender": "test_recommender_browser.py::test_recommendations_and_a_knn_explanation_render",
}


def test_every_page_has_a_browser_interaction():
    for card in PAGES:
        if card.url_path in INTERACTIONS:
            continue
        assert card.url_path in OWN_BROWSER_TESTS, f"{card.script} has no browser interaction test"
        file, function = OWN_BROWSER_TESTS[card.url_path].split("::")
        source = (Path(__file__).parent / file).read_text()
        assert f"def {function}(" in source and "browser" in source, OWN_BROWSER_TESTS[card.url_path]


@pytest.mark.parametrize("card", PAGES, ids=lambda card: card.url_path)
def test_page_renders_its_main_output_and_interaction(app_url, page, card):
    page.goto(f"{app_url}/{card.url_path}")
    page.locator(MAIN_OUTPUT).first.wait_for(timeout=LONG)
    wait_for_app(page, timeout=LONG)
    no_error_on(page)
    if card.url_path in INTERACTIONS:
        INTERACTIONS[card.url_path](page)
        no_error_on(page)
    assert page.locator(MAIN_OUTPUT).count() > 0
    screenshot(page, card.url_path)


def test_home_page_screenshot(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    for card in PAGES:
        page.get_by_text(card.summary).wait_for()
    no_error_on(page)
    screenshot(page, "home")
