"""The sentiment page in Streamlit's AppTest, with good and bad reviews (quick-mode models)."""
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from conftest import quick_models

PAGE = str(PROJECT_ROOT / "pages" / "sentiment.py")


@pytest.fixture(scope="module", autouse=True)
def quick_cache(tmp_path_factory):
    """Quick mode and the model cache shared with tests/test_sentiment_models.py (models train once)."""
    with quick_models(tmp_path_factory.getbasetemp() / "sentiment-models"):
        yield


def run_with(text: str | None = None, compare: bool = False) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=240).run()
    if compare:
        app.toggle[0].set_value(True)
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


def test_example_button_fills_the_review_and_all_three_models_score_it():
    app = run_with(compare=True)
    app.button(key="example_0").click().run()
    assert app.text_area(key="review").value
    shown = metrics(app)
    assert "Verdict" in shown
    assert all(shown[f"{name} model"] in ("Positive", "Negative") for name in ("Classic", "Best", "Baseline"))
