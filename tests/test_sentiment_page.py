"""The sentiment page in Streamlit's AppTest, with good and bad reviews (quick-mode models)."""
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from conftest import quick_models
from models.sentiment.model import MAX_REVIEW_CHARS

PAGE = str(PROJECT_ROOT / "pages" / "sentiment.py")


@pytest.fixture(scope="module", autouse=True)
def quick_cache(tmp_path_factory):
    """Quick mode and the model cache shared with tests/test_sentiment_models.py (models train once)."""
    with quick_models(tmp_path_factory.getbasetemp() / "sentiment-models"):
        yield


def run_with(text: str | None = None, compare: bool = False, model: str | None = None) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=240).run()
    if compare:
        app.toggle[0].set_value(True)
    if model is not None:
        app.radio[0].set_value(model)
    if text is not None:
        app.text_area(key="review").set_value(text)
    app.run()
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
    app.button(key="example_0").click().run()
    assert app.text_area(key="review").value
    shown = metrics(app)
    assert "Verdict" in shown
    assert all(shown[f"{name} model"] in ("Positive", "Negative") for name in ("Classic", "Best", "Baseline"))
