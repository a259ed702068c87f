"""AppTests of the word map and the analogies pages in quick mode, including unknown and empty words."""
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from conftest import run_until_ready, quick_models


@pytest.fixture(scope="module", autouse=True)
def quick_model_cache(tmp_path_factory):
    """Quick mode and a model cache of this module's own: both pages train the small models once."""
    with quick_models(tmp_path_factory.mktemp("word2vec-models")), pytest.MonkeyPatch.context() as patch:
        patch.setenv("ML_ATLAS_CACHE_DIR", str(tmp_path_factory.mktemp("word2vec-cache")))
        yield


def run(page: str) -> AppTest:
    app = run_until_ready(AppTest.from_file(str(PROJECT_ROOT / "pages" / page), default_timeout=240))
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> str:
    return " ".join(m.value for m in app.markdown)


def test_analogies_page_shows_neighbours_analogies_and_scores_for_both_models():
    app = run("word_analogies.py")
    assert texts(app).count("closest to father") == 2
    assert texts(app).count("3CosAdd") == 2 and texts(app).count("3CosMul") == 2
    table = app.dataframe[-1].value
    assert {"CBOW (ours)", "Skip-gram (ours)"} <= set(table.columns)
    assert "similarity: WordSim-353 (Spearman)" in table.index and "analogies: overall" in table.index

    app.text_input[0].set_value("fathr").run()
    warnings = [w.value for w in app.warning]
    assert len(warnings) == 2 and all("'fathr' is not in the vocabulary" in w and "father" in w for w in warnings)
    app.text_input[0].set_value("  ").run()
    assert any("Type a word" in i.value for i in app.info)

    app.text_input[2].set_value("qqqxyz").run()  # the "b" of a - b + c
    assert not app.exception
    assert sum("'qqqxyz' is not in the vocabulary" in w.value for w in app.warning) == 4  # 2 models x 2 methods
    app.text_input[1].set_value("").run()
    assert any("Type three words" in i.value for i in app.info)


def test_word_map_draws_the_projection_and_finds_words():
    app = run("word_embeddings_map.py")
    assert len(app.get("plotly_chart")) == 1
    labels = {m.label: m.value for m in app.metric}
    assert int(labels["Training speed (words/s)"].replace(",", "")) > 0
    app.text_input[0].set_value("kingg").run()
    assert any("'kingg' is not in the vocabulary" in w.value and "king" in w.value for w in app.warning)
    app.text_input[0].set_value("the").run()
    assert "Nearest words to **the**" in texts(app)
    app.radio[1].set_value("PCA").run()
    app.radio[2].set_value(3).run()
    app.radio[0].set_value("skipgram").run()
    assert not app.exception and len(app.get("plotly_chart")) == 1


def test_word_map_trains_on_an_uploaded_corpus_and_rejects_bad_files():
    app = run("word_embeddings_map.py")
    app.selectbox[0].set_value("Upload your own .txt").run()
    assert any("Upload a .txt file" in i.value for i in app.info)
    app.file_uploader[0].set_value(("mine.txt", b"\x00\x01binary", "text/plain")).run()
    assert not app.exception and any("binary" in e.value for e in app.error)
    sentences = "\n".join(f"the {animal} sat on the {thing} number {n}" for n in range(120)
                          for animal, thing in [("cat", "mat"), ("dog", "rug"), ("cow", "grass")])
    app.file_uploader[0].set_value(("mine.txt", sentences.encode("latin-1"), "text/plain")).run()
    assert not app.exception, app.exception
    assert {m.label: m.value for m in app.metric}["Vocabulary"] == "10 words"


def test_a_corpus_that_cannot_be_downloaded_says_where_to_get_it(monkeypatch):
    """Offline, the complete WikiText-2 is named with its publisher URL; the page does not crash."""
    monkeypatch.setenv("ML_ATLAS_OFFLINE", "1")
    app = run("word_analogies.py")
    app.selectbox[0].set_value("wikitext-2-full").run()
    assert not app.exception
    assert any("https://wikitext.smerity.com/wikitext-2-v1.zip" in e.value and "ML_ATLAS_DATA_DIR" in e.value
               for e in app.error)
    app.selectbox[0].set_value("english-mix").run()
    assert not app.error and texts(app).count("closest to father") == 2


def files_holding(folder: Path, word: bytes) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and word in path.read_bytes()]


def test_a_model_of_an_upload_is_kept_in_memory_only_and_known_by_its_settings():
    """Training on an upload writes nothing holding its words to the model cache; each architecture has its model."""
    model_dir = Path(os.environ["ML_ATLAS_MODEL_DIR"])
    app = run("word_embeddings_map.py")
    app.selectbox[0].set_value("Upload your own .txt").run()
    sentences = "\n".join(f"the zorblax {verb} the quenzil near the {place} {n}" for n in range(100)
                          for verb, place in [("chased", "river"), ("greeted", "hill"), ("painted", "barn")])
    app.file_uploader[0].set_value(("private.txt", sentences.encode(), "text/plain"))
    app = run_until_ready(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert {m.label: m.value for m in app.metric}["Vocabulary"] == "10 words"
    assert any("never written to disk" in c.value for c in app.caption)
    app.radio[0].set_value("skipgram")
    app = run_until_ready(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert files_holding(model_dir, b"zorblax") == [] and files_holding(model_dir, b"quenzil") == []
