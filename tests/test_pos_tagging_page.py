"""AppTest of the part-of-speech tagging page: a typed sentence tagged, the trellis, the test report, the
Baum-Welch curve, and bad input explained."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import PROJECT_ROOT
from core.cache import ModelCache
from models.hmm.training import load_baum_welch, load_taggers

SCRIPT = str(PROJECT_ROOT / "pages" / "pos_tagging.py")


@pytest.fixture(scope="module")
def quick_model_dir(tmp_path_factory):
    """The quick taggers and Baum-Welch run in a model cache, so the page only loads them."""
    folder = tmp_path_factory.mktemp("hmm-quick-models")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ML_ATLAS_QUICK", "1")
        load_taggers(cache=ModelCache(folder))
        load_baum_welch(cache=ModelCache(folder))
    return folder


@pytest.fixture
def app(monkeypatch, quick_model_dir) -> AppTest:
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(quick_model_dir))
    app = AppTest.from_file(SCRIPT, default_timeout=120).run()
    assert not app.exception, app.exception
    return app


def tags(app: AppTest) -> list[str]:
    return app.dataframe[0].value.tag.tolist()


def test_the_example_is_tagged_with_trellis_report_and_baum_welch(app):
    table = app.dataframe[0].value
    assert table.word.tolist() == ["I", "saw", "her", "duck", "under", "the", "table", "."]
    assert tags(app)[0] == "PRON" and tags(app)[-1] == "PUNCT"
    assert table.posterior.between(0, 1).all()
    labels = [m.label for m in app.metric]
    assert "Accuracy, trigram HMM" in labels and "Many-to-one accuracy after the last iteration" in labels
    assert any("closest call" in c.value for c in app.caption)
    assert any("Universal Dependencies English Web Treebank" in c.value for c in app.caption)


def test_typing_a_sentence_and_switching_to_the_bigram(app):
    app.text_input[0].set_value("She quizzically frobnicated the flimbish gadgets").run()
    assert not app.exception
    assert len(tags(app)) == 6
    assert any("Never seen in training" in c.value and "frobnicated" in c.value for c in app.caption)
    app.segmented_control[0].set_value("bigram").run()
    assert not app.exception and len(tags(app)) == 6


@pytest.mark.parametrize("text, expected", [("", "Type a sentence"), ("   ", "Type a sentence")])
def test_empty_input_asks_for_a_sentence(app, text, expected):
    app.text_input[0].set_value(text).run()
    assert not app.exception
    assert any(expected in e.value for e in app.error)


def test_punctuation_only_and_very_long_input_get_a_reading(app):
    app.text_input[0].set_value("!!! ... ?").run()
    assert not app.exception and tags(app) == ["PUNCT", "PUNCT", "PUNCT"]
    app.text_input[0].set_value("the cat sat on the mat " * 20).run()
    assert not app.exception
    assert any("Only the first 60 words" in i.value for i in app.info)
    assert len(tags(app)) == 60
