"""AppTests of the word map and the analogies pages in quick mode: their controls, unknown and empty words, and
their views behind links."""
import json
import os
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from conftest import run_until_ready, quick_models

LINK_NOTE = "This link asked for something the page cannot show"


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

    app.text_input(key="word").set_value("fathr").run()
    warnings = [w.value for w in app.warning]
    assert len(warnings) >= 2 and sum("'fathr' is not in the vocabulary" in w and "father" in w for w in warnings) == 2
    app.text_input(key="word").set_value("  ").run()
    assert any("Type a word" in i.value for i in app.info)

    app.text_input(key="take").set_value("qqqxyz").run()
    assert not app.exception
    assert sum("'qqqxyz' is not in the vocabulary" in w.value for w in app.warning) == 4  # 2 models x 2 methods
    app.text_input(key="add").set_value("").run()
    assert any("Type at least one word to add" in i.value for i in app.info)


def unknown_words(app: AppTest) -> set[str]:
    """The words the page said are not in a model's vocabulary (the quick models know few words)."""
    return {w.value.split("'")[1] for w in app.warning if "is not in the vocabulary" in w.value}


def answers(app: AppTest, label: str) -> list[list[str]]:
    """The words of each model's table under ``label`` (CBOW's, then Skip-gram's)."""
    return [m.value.split(": ", 1)[1].split(", ") for m in app.markdown if m.value.startswith(f"**{label}**: ")]


def test_analogies_take_several_words_to_add_and_to_take_away():
    from models.word2vec.model import trained_model

    app = run("word_analogies.py")
    app.text_input(key="add").set_value("king, woman, good").run()
    app.text_input(key="take").set_value("man bad").run()
    assert not app.exception and not unknown_words(app) & {"king", "woman", "good", "man", "bad"}
    cbow = trained_model("cbow").vectors  # the page's model, from the module's model cache
    for label, method in (("3CosAdd", "3cosadd"), ("3CosMul", "3cosmul")):
        expected = cbow.most_similar(["king", "woman", "good"], ["man", "bad"], 5, method).word.tolist()
        assert answers(app, label)[0] == expected
        assert not {"king", "woman", "good", "man", "bad"} & set(answers(app, label)[1])
    app.text_input(key="take").set_value("").run()  # positive words alone
    assert len(answers(app, "3CosAdd")) == 2


def test_the_example_fills_the_boxes_and_the_odd_one_out_and_a_pair_are_shown():
    app = run("word_analogies.py")
    app.selectbox(key="example").set_value("paris − france + germany").run()
    assert app.text_input(key="add").value == "paris, germany" and app.text_input(key="take").value == "france"

    app.text_input(key="odd").set_value("man, woman, father, the").run()
    odd = [m.value for m in app.markdown if m.value.startswith("Odd one out: ")]
    assert len(odd) == 2
    app.text_input(key="odd").set_value("man, woman").run()
    assert sum("at least three different words" in w.value for w in app.warning) == 2

    app.text_input(key="first").set_value("man").run()
    app.text_input(key="second").set_value("woman").run()
    cosines = [m for m in app.metric if m.label == "cosine(man, woman)"]
    assert len(cosines) == 2 and all(-1 <= float(m.value) <= 1 for m in cosines)
    assert sum("is man's" in m.value and "nearest word" in m.value for m in app.markdown) == 2
    app.text_input(key="second").set_value("wman").run()
    assert sum("'wman' is not in the vocabulary" in w.value and "woman" in w.value for w in app.warning) == 2


def opened(page: str, **params) -> AppTest:
    """The page as a fresh browser session opening a link with ``params`` sees it on its first run."""
    app = AppTest.from_file(str(PROJECT_ROOT / "pages" / page), default_timeout=240)
    for name, value in params.items():
        app.query_params[name] = value
    app = run_until_ready(app)
    assert not app.exception, app.exception
    return app


def link_note(app: AppTest) -> str:
    notes = [i.value for i in app.info if LINK_NOTE in i.value]
    assert len(notes) <= 1
    return notes[0] if notes else ""


def test_an_analogies_link_restores_the_words_and_a_malformed_one_falls_back_with_a_note():
    app = opened("word_analogies.py", corpus="english-mix", word="king", k="7", add="father, woman", take="man, the",
                 odd="man, woman, father, the", first="man", second="woman")
    assert app.text_input(key="word").value == "king" and app.slider(key="k").value == 7
    assert app.text_input(key="add").value == "father, woman" and app.text_input(key="take").value == "man, the"
    assert app.text_input(key="odd").value == "man, woman, father, the" and app.text_input(key="first").value == "man"
    assert [m.label for m in app.metric].count("cosine(man, woman)") == 2
    assert not link_note(app)
    first = next(m.value for m in app.markdown if m.value.startswith("**closest to king**"))
    assert len(first.split(": ", 1)[1].split(", ")) == 7

    app = opened("word_analogies.py", corpus="atlantis", k="500", word="x" * 200)
    note = link_note(app)
    assert "Corpus: the link's 'atlantis' is not available here; showing english-mix." in note
    assert "How many: the link's '500'" in note and "Word: the link's" in note
    assert app.selectbox(key="corpus").value == "english-mix" and app.slider(key="k").value == 10
    assert app.text_input(key="word").value == "x" * 80  # cut to the box's length, and said so


def map_figure(app: AppTest) -> dict:
    (chart,) = app.get("plotly_chart")
    return json.loads(chart.proto.spec)


def neighbour_lines(app: AppTest) -> dict[str, list[str]]:
    """Each listed word and its neighbours, as the list beside the map shows them."""
    lines = [m.value for m in app.markdown if m.value.startswith("Nearest words to **")]
    return {line.split("**")[1]: [n.rsplit(" (", 1)[0] for n in line.split(": ", 1)[1].split(", ")]
            for line in lines}


def test_word_map_draws_the_projection_and_finds_words():
    from models.word2vec.artifacts import word_map

    app = run("word_embeddings_map.py")
    assert len(app.get("plotly_chart")) == 1
    assert word_map("cbow").is_trained()  # the page's default settings are the pre-trained map's, not a fit's
    assert [b.label for b in app.get("download_button") if "CSV" in b.label] == ["Coordinates and labels (CSV)"]
    labels = {m.label: m.value for m in app.metric}
    assert int(labels["Training speed (words/s)"].replace(",", "")) > 0
    app.text_input(key="find").set_value("kingg").run()
    assert any("'kingg' is not in the vocabulary" in w.value and "king" in w.value for w in app.warning)
    assert not app.error and len(app.get("plotly_chart")) == 1  # the map goes on without the unknown word
    app.text_input(key="find").set_value("kingg, the").run()
    assert list(neighbour_lines(app)) == ["the"]
    app.text_input(key="find").set_value("the").run()
    assert "Nearest words to **the**" in texts(app) and len(neighbour_lines(app)["the"]) == 10
    rings = {trace["name"]: trace["text"] for trace in map_figure(app)["data"] if trace["name"] in
             ("selected", "nearest neighbours")}
    assert rings["selected"] == ["the"] and set(rings["nearest neighbours"]) == set(neighbour_lines(app)["the"])
    app.radio(key="projection").set_value("PCA").run()
    app.radio(key="dims").set_value("3-D").run()
    assert map_figure(app)["data"][0]["type"] == "scatter3d"
    app.radio(key="model").set_value("Skip-gram")
    app = run_until_ready(app)  # its model may still be training, as a job
    assert not app.exception and len(app.get("plotly_chart")) == 1


def test_words_selected_on_the_map_list_their_k_nearest_by_the_chosen_metric():
    from models.word2vec.model import trained_model
    from models.word2vec.word_map import frequent_words

    app = run("word_embeddings_map.py")
    app.multiselect(key="words").set_value(["and", "he"]).run()
    app.slider(key="k").set_value(4).run()
    listed = neighbour_lines(app)
    assert list(listed) == ["and", "he"] and all(len(n) == 4 for n in listed.values())
    vectors = trained_model("cbow").vectors
    on_map = [vectors.words[i] for i in frequent_words(vectors, 500)]
    assert all(set(n) <= set(on_map) for n in listed.values())
    app.radio(key="metric").set_value("euclidean").run()
    assert any("by euclidean distance" in m.value for m in app.markdown)
    by_distance = neighbour_lines(app)["he"]
    others = [w for w in on_map if w != "he"]
    others_vectors = vectors.vectors[[vectors.index[w] for w in others]]
    distances = np.linalg.norm(others_vectors - vectors.vectors[vectors.index["he"]], axis=1)
    assert by_distance == [others[i] for i in np.argsort(distances, kind="stable")[:4]]


def test_a_smaller_map_keeps_the_selected_words_it_still_shows():
    from models.word2vec.model import trained_model
    from models.word2vec.word_map import frequent_words

    vectors = trained_model("cbow").vectors
    rare = vectors.words[frequent_words(vectors, 500)[-1]]  # on the default map of 500 words, not on one of 100
    app = run("word_embeddings_map.py")
    app.multiselect(key="words").set_value(["the", rare]).run()
    assert list(neighbour_lines(app)) == ["the", rare]
    app.slider(key="n").set_value(100)
    app = run_until_ready(app)
    assert not app.exception, app.exception
    assert app.multiselect(key="words").value == ["the"] and list(neighbour_lines(app)) == ["the"]


def test_umap_and_custom_axes_draw_their_maps():
    app = run("word_embeddings_map.py")
    app.radio(key="projection").set_value("UMAP").run()
    app = run_until_ready(app)  # a map of other settings is a fit, as a job
    app.slider(key="neighbors").set_value(5)
    app.slider(key="min_dist").set_value(0.5)
    app = run_until_ready(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert len(map_figure(app)["data"][0]["x"]) > 0

    app.radio(key="projection").set_value("Custom axes")
    app = run_until_ready(app)
    layout = map_figure(app)["layout"]
    assert layout["xaxis"]["title"]["text"] == "man → woman" and layout["yaxis"]["title"]["text"] == "bad → good"
    assert app.radio(key="dims").disabled
    app.text_input(key="x_to").set_value("woman, mother").run()
    assert map_figure(app)["layout"]["xaxis"]["title"]["text"] == "man → woman, mother"
    app.text_input(key="y_to").set_value("godo").run()
    assert any("'godo' is not in the vocabulary" in e.value and "good" in e.value for e in app.error)
    app.text_input(key="y_to").set_value("bad").run()
    assert any("has no direction" in e.value for e in app.error)


def test_a_word_map_link_restores_the_view_and_a_malformed_one_falls_back_with_a_note():
    app = opened("word_embeddings_map.py", model="Skip-gram", projection="PCA", dims="3-D", n="300",
                 words=["and", "he"], k="3", metric="euclidean", colour="k-means cluster", clusters="5")
    assert app.radio(key="model").value == "Skip-gram" and app.radio(key="projection").value == "PCA"
    assert app.multiselect(key="words").value == ["and", "he"] and app.slider(key="k").value == 3
    assert app.radio(key="metric").value == "euclidean" and app.slider(key="n").value == 300
    assert not link_note(app)
    assert {n: len(w) for n, w in neighbour_lines(app).items()} == {"and": 3, "he": 3}
    assert map_figure(app)["data"][0]["type"] == "scatter3d"

    app = opened("word_embeddings_map.py", projection="Custom axes", x_from="man", x_to="woman, mother")
    assert map_figure(app)["layout"]["xaxis"]["title"]["text"] == "man → woman, mother" and not link_note(app)

    app = opened("word_embeddings_map.py", projection="Isomap", k="999", words=["and", "zzzqx"], dims="4-D",
                 metric="manhattan")
    note = link_note(app)
    for label, value in (("Projection", "Isomap"), ("Neighbours", "999"), ("Selected words", "zzzqx"),
                         ("Dimensions", "4-D"), ("Neighbour metric", "manhattan")):
        assert f"{label}: the link's '{value}'" in note, note
    assert app.radio(key="projection").value == "t-SNE" and app.slider(key="k").value == 10
    assert app.multiselect(key="words").value == ["and"]


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
    app.radio(key="model").set_value("Skip-gram")
    app = run_until_ready(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert files_holding(model_dir, b"zorblax") == [] and files_holding(model_dir, b"quenzil") == []
