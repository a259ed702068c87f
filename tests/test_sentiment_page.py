"""The sentiment page in Streamlit's AppTest, with good and bad reviews (quick-mode models)."""
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from conftest import quick_models, run_until_ready
from models.sentiment.model import MAX_REVIEW_CHARS

PAGE = str(PROJECT_ROOT / "pages" / "sentiment.py")


@pytest.fixture(scope="module", autouse=True)
def quick_cache(tmp_path_factory):
    """Quick mode and the model cache shared with tests/test_sentiment_models.py (models train once)."""
    with quick_models(tmp_path_factory.getbasetemp() / "sentiment-models"):
        yield


def run_with(text: str | None = None, compare: bool = False, model: str | None = None) -> AppTest:
    app = run_until_ready(AppTest.from_file(PAGE, default_timeout=240))
    if compare:
        app.toggle[0].set_value(True)
    if model is not None:
        app.radio[0].set_value(model)
    if text is not None:
        app.text_area(key="review").set_value(text)
    run_until_ready(app)
    assert not app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_empty_review_prompts_and_the_report_is_shown():
    app = run_with()
    assert any("Type or paste a movie review" in info.value for info in app.info)
    shown = metrics(app)
    assert "Verdict" not in shown and shown["Test reviews"] == "1,000"
    assert app.get("plotly_chart")
    assert any("word2vec Skip-gram vectors" in text.value for text in app.markdown)  # how the best model is built


def test_a_review_gets_a_verdict_and_highlighted_words():
    app = run_with("The acting was wonderful and the story moved me. A great film.")
    shown = metrics(app)
    assert shown["Verdict"] in ("Positive", "Negative")
    assert shown["Probability positive"].endswith("%")
    assert any("<span" in md.value and ">wonderful</span>" in md.value for md in app.markdown)


@pytest.mark.parametrize("text, message", [
    ("!!! 12345 ??? $$$", "only numbers or symbols"),
    ("zzxqv blorpt quuxelf", "vocabulary"),
])
def test_junk_is_explained_without_a_score(text, message):
    app = run_with(text)
    assert any(message in warning.value for warning in app.warning)
    assert "Verdict" not in metrics(app)


def test_a_very_long_review_is_scored_on_its_first_words_with_a_note():
    app = run_with("a truly good film " * 200)
    assert "Verdict" in metrics(app)
    assert any("800 words" in info.value and "first" in info.value for info in app.info)


def test_the_review_box_states_its_limit_and_a_longer_text_sent_anyway_is_cut_to_it():
    app = run_with()
    assert app.text_area(key="review").max_chars == MAX_REVIEW_CHARS == 15_000
    assert any("Up to 15,000 characters" in caption.value for caption in app.caption)
    # 24,000 characters: the browser stops typing at 15,000, another client need not; the server keeps the first
    # 15,000 (Streamlit cuts a text area's value to its max_chars), so the review is read, not refused.
    app = run_with("a good film " * 2_000)
    assert "Verdict" in metrics(app) and not app.warning and not app.error
    assert any("Your review has 3,750 words" in info.value for info in app.info)


def test_a_long_review_read_whole_is_highlighted_on_its_first_words_with_a_note():
    app = run_with("a truly good film " * 150, model="baseline")  # 600 words, all read by the baseline
    assert metrics(app)["Words known to the model"].endswith("of 600")
    highlight = next(md.value for md in app.markdown if md.value.startswith('<div style="line-height: 2;">'))
    assert highlight.count("<span ") == 99  # 60,000 words' budget: 100 scorings of 600 words
    assert any("cover the first 99 of the 600 words read" in info.value and "60,000 words" in info.value
               for info in app.info)


def test_example_button_fills_the_review_and_all_three_models_score_it():
    app = run_with(compare=True)
    app.button(key="example_0").click()
    run_until_ready(app)  # the other models may still be training as jobs
    assert app.text_area(key="review").value
    shown = metrics(app)
    assert "Verdict" in shown
    assert all(shown[f"{name} model"] in ("Positive", "Negative") for name in ("Classic", "Best", "Baseline"))


def highlights(app: AppTest) -> list[str]:
    return [md.value for md in app.markdown if md.value.startswith('<div style="line-height: 2;">')]


def test_a_neural_model_shows_integrated_gradients_beside_occlusion_and_the_reading_word_by_word():
    app = run_with("The plot was thin and slow, but the acting was superb and I loved every minute.")
    assert any(md.value == "**Integrated gradients**" for md in app.markdown)
    assert len(highlights(app)) == 2  # occlusion and integrated gradients
    assert any("add up to the score" in caption.value for caption in app.caption)
    assert any("disagree on" in info.value for info in app.info) or any(
        "push every highlighted word the same way" in caption.value for caption in app.caption)
    reading = next(chart for chart in app.get("plotly_chart") if "word by word" in chart.proto.spec)
    assert '"words read"' in reading.proto.spec


def test_the_baseline_has_occlusion_only_and_still_a_reading_word_by_word():
    app = run_with("A wonderful film, moving and funny.", model="baseline")
    assert len(highlights(app)) == 1
    assert any("only occlusion" in caption.value for caption in app.caption)
    assert any("word by word" in chart.proto.spec for chart in app.get("plotly_chart"))


def test_a_pinned_review_stays_beside_the_edited_one():
    app = run_with("The acting was wonderful and the story moved me. A great film.")
    first = metrics(app)["Probability positive"]
    assert "Pinned: probability positive" not in metrics(app)
    app.button(key="pin_review").click().run()
    assert any("has not changed since it was pinned" in caption.value for caption in app.caption)
    app.text_area(key="review").set_value("The acting was dreadful and the story bored me. An awful film.").run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Pinned: probability positive"] == first
    assert shown["Current: probability positive"] == shown["Probability positive"] != first
    shaded = highlights(app)
    assert any(">wonderful</span>" in html for html in shaded) and any(">dreadful</span>" in html for html in shaded)
    app.button(key="unpin_review").click().run()
    assert "Pinned: probability positive" not in metrics(app)


@pytest.mark.browser
def test_a_browser_pins_a_review_edits_it_and_sees_both_readings(app_url, page):
    from conftest import page_has_no_exception, wait_for_app

    page.goto(f"{app_url}/sentiment")
    wait_for_app(page, timeout=180_000)
    review = page.get_by_label("Movie review")
    review.wait_for(timeout=180_000)
    review.fill("The acting was wonderful and the story moved me. A great film.")
    page.get_by_role("button", name="Score the review").click()
    page.get_by_role("button", name="Pin this review").click(timeout=60_000)
    page.get_by_role("button", name="Unpin").wait_for(timeout=60_000)
    review.fill("The acting was dreadful and the story bored me. An awful film.")
    page.get_by_role("button", name="Score the review").click()
    # the Current metric is there since the pin (equal to Pinned): wait for the edited review's own reading
    page.locator("span", has_text="dreadful").first.wait_for(timeout=60_000)
    page.get_by_text("has not changed since it was pinned").wait_for(state="detached", timeout=60_000)
    current = page.get_by_test_id("stMetric").filter(has_text="Current: probability positive")
    pinned = page.get_by_test_id("stMetric").filter(has_text="Pinned: probability positive").inner_text()
    assert "%" in pinned and "%" in current.inner_text() and "points" in current.inner_text()
    assert page.locator("span", has_text="wonderful").count() >= 1 and page.locator("span", has_text="dreadful").count()
    page_has_no_exception(page)


def opened_from_link(**params: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=240)
    for name, value in params.items():
        app.query_params[name] = value
    run_until_ready(app)
    assert not app.exception
    return app


def test_a_link_reopens_the_model_and_the_comparison():
    from models.sentiment.artifacts import TITLES

    app = opened_from_link(model=TITLES["classic"], compare="true")
    assert app.radio(key="model").value == "classic" and app.toggle(key="compare").value is True
    assert not [i for i in app.info if "This link asked for something" in i.value]
    assert app.subheader[-1].value == f"Model report: {TITLES['classic']}"


def test_a_link_to_an_unknown_model_falls_back_with_a_note():
    app = AppTest.from_file(PAGE, default_timeout=240)
    app.query_params["model"], app.query_params["compare"] = "GPT-7", "maybe"
    app.run()  # the note is on the page's first run, above the model (or its training panel)
    assert not app.exception
    assert app.radio(key="model").value == "best" and app.toggle(key="compare").value is False
    note = next(i.value for i in app.info if "This link asked for something" in i.value)
    assert "'GPT-7'" in note and "'maybe'" in note


def test_the_report_charts_download_with_their_titles():
    app = run_with()
    labels = [button.label for button in app.get("download_button")]
    assert labels.count("PNG") >= 2 and labels.count("SVG") >= 2  # the confusion matrix and the training curves
