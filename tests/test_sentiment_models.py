"""The three sentiment models, trained in quick mode on a small subset of IMDB."""
import html
import re

import keras
import numpy as np
import pandas as pd
import pytest

from conftest import quick_models
from models.sentiment import model as sentiment
from models.sentiment.artifacts import FULL_SETTINGS, MODEL_NAMES, SENTIMENT_MODELS, design
from models.sentiment.text_pipeline import tokenize, word_spans
from core.cache import ModelCache
from core.errors import InputError


@pytest.fixture(scope="module", autouse=True)
def quick_cache(tmp_path_factory):
    """Quick mode and one model cache for every sentiment test file of the session (models train once)."""
    with quick_models(tmp_path_factory.getbasetemp() / "sentiment-models"):
        yield


@pytest.fixture(scope="module")
def models(quick_cache):
    return {name: sentiment.trained_model(name) for name in MODEL_NAMES}


def test_classic_network_is_the_tutorials():
    network = sentiment.build_network(FULL_SETTINGS["classic"])
    kinds = [type(layer).__name__ for layer in network.layers]
    assert kinds == ["InputLayer", "Embedding", "LSTM", "Dense"]
    # Embedding 10,000 x 32 + LSTM(100) on 32 inputs + Dense(1): the tutorial's parameter count for a 10k vocabulary.
    assert network.count_params() == 10_000 * 32 + 4 * (100 * (32 + 100) + 100) + 101
    assert network.layers[-1].activation.__name__ == "sigmoid"


def test_best_network_is_a_masked_bidirectional_lstm():
    network = sentiment.build_network(FULL_SETTINGS["best"])
    bidirectional = next(layer for layer in network.layers if isinstance(layer, keras.layers.Bidirectional))
    assert isinstance(bidirectional.forward_layer, keras.layers.LSTM)
    embedding = network.get_layer("embedding")
    assert embedding.mask_zero and not embedding.trainable  # fixed word2vec vectors: only the LSTM and head learn


def test_models_predict_probabilities_and_reload_identically(models):
    texts = ["A wonderful, moving film with great acting.", "Awful, boring, a waste of time."]
    for name, model in models.items():
        first = model.predict_proba(texts)
        assert first.shape == (2,) and np.all((first >= 0) & (first <= 1)), name
        again = sentiment.trained_model(name).predict_proba(texts)
        np.testing.assert_allclose(again, first, rtol=1e-5, atol=1e-6)


def test_keras_models_expose_their_layers_and_pipeline(models):
    for name in ("classic", "best"):
        model = models[name]
        layers = model.keras_model.layers
        assert any(isinstance(layer, keras.layers.Embedding) for layer in layers)
        assert any(isinstance(layer, keras.layers.LSTM)
                   or isinstance(getattr(layer, "forward_layer", None), keras.layers.LSTM) for layer in layers)
        ids = model.pipeline.encode(["a good film"])
        assert ids.shape == (1, model.pipeline.max_length)
        assert model.pipeline.vocabulary[:2] == ["<pad>", "<oov>"]


def test_reports_hold_accuracy_confusion_curves_and_examples(models):
    for name, model in models.items():
        report = model.report
        assert report["test_size"] == 1_000
        assert sum(map(sum, report["confusion_matrix"])) == 1_000
        assert report["test_accuracy"] == pytest.approx(np.trace(report["confusion_matrix"]) / 1_000)
        assert report["training_seconds"] > 0
        kinds = {example["kind"] for example in report["examples"]}
        assert {"correct positive", "correct negative"} <= kinds
        if name == "classic":
            assert set(report["curves"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        if name == "best":  # its learning rate is halved on a validation plateau, and the curves record it
            assert set(report["curves"]) == {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
            assert report["curves"]["learning_rate"][0] == pytest.approx(1e-3)


def test_every_model_reads_most_test_reviews_right(models):
    """A quick network at chance calls every review negative, and its report then has no right positive to show."""
    for name, model in models.items():
        assert model.report["test_accuracy"] > 0.6, name


def test_baseline_learns_from_the_subset(models):
    baseline = models["baseline"]
    assert baseline.report["test_accuracy"] > 0.75
    assert any(example["kind"].startswith("wrong") for example in baseline.report["examples"])
    positive, negative = baseline.predict_proba(["Brilliant, wonderful, excellent film.", "Terrible, awful, worst film."])
    assert positive > 0.5 > negative


def test_bad_reviews_are_explained_not_scored(models):
    model = models["best"]
    for text, message in [("   ", "Type or paste"), ("123 456 !!! ???", "only numbers or symbols"),
                          ("zzxqv blorpt quuxelf", "vocabulary")]:
        with pytest.raises(InputError, match=message):
            sentiment.score(model, text)


def test_long_reviews_are_scored_on_the_kept_words(models):
    model = models["classic"]
    verdict = sentiment.score(model, "good film " * 400)
    assert verdict.words_total == 800 and verdict.words_read == model.pipeline.max_length and verdict.truncated
    assert verdict.label in ("Positive", "Negative")


def test_occlusion_contributions_follow_the_words(models):
    contributions = sentiment.word_contributions(models["baseline"], "The acting was excellent but the plot was awful")
    assert contributions.word.tolist() == "the acting was excellent but the plot was awful".split()
    by_word = contributions.set_index("word").contribution
    assert by_word["excellent"] > 0 > by_word["awful"]
    full = models["baseline"].predict_proba(["The acting was excellent but the plot was awful"])[0]
    without = models["baseline"].predict_proba(["The acting was but the plot was awful"])[0]
    assert by_word["excellent"] == pytest.approx(full - without)


def test_highlight_shows_the_review_as_typed_and_escapes_all_of_it(models):
    text = 'I <3 it & "loved" the <b>CAST</b><br /><br />\n\n<!-- # *so* good <img src=x onerror=alert(1)>'
    contributions = sentiment.word_contributions(models["baseline"], text)
    markup = sentiment.highlight_html(contributions, text)
    assert markup.startswith('<div style="line-height: 2;">') and markup.endswith("</div>")
    assert markup.count("<span ") == len(contributions) == len(tokenize(text)) and ">CAST</span>" in markup
    inner = re.sub(r'<span style="[^"<>]*" title="[^"<>]*">|</span>', "", markup[len('<div style="line-height: 2;">'):-6])
    assert not re.search("[<>\"]", inner) and "\n" not in markup  # all escaped, on one line (one HTML block)
    # shown as typed, from the first word to the last, line breaks made spaces
    assert html.unescape(inner) == 'I <3 it & "loved" the <b>CAST</b> <!-- # *so* good <img src=x onerror=alert(1'


def test_highlight_shades_the_strongest_word_fully():
    text = "bad good"
    frame = pd.DataFrame({"word": ["bad", "good"], "known": [False, True], "contribution": [-0.1, 0.2],
                          "start": [0, 4], "end": [3, 8]})
    markup = sentiment.highlight_html(frame, text)
    assert "rgba(22,163,74,0.75)" in markup and "rgba(220,38,38,0.38)" in markup
    assert "color: #888; font-style: italic;" in markup  # outside the vocabulary


def test_word_spans_place_each_token_in_the_text():
    text = "Great film!<br />İstanbul's \u212aING didn't LIKE it"  # "İ" and the Kelvin sign: unusual lowercases
    assert tokenize(text) == ["great", "film", "istanbul's", "king", "didn't", "like", "it"]
    assert [text[start:end] for start, end in word_spans(text)] == \
        ["Great", "film", "İstanbul's", "\u212aING", "didn't", "LIKE", "it"]


def test_a_review_over_the_limit_is_refused_before_it_is_read(models):
    too_long = "good " * (sentiment.MAX_REVIEW_CHARS // 5) + "!"
    with pytest.raises(InputError, match=f"has {len(too_long):,} characters; the limit is 15,000"):
        sentiment.score(models["baseline"], too_long)
    with pytest.raises(InputError, match="the limit is 15,000"):
        sentiment.word_contributions(models["baseline"], too_long)
    assert sentiment.score(models["baseline"], too_long[:-1]).words_read == 3_000  # at the limit: scored


def test_occlusion_stays_within_its_word_budget(models):
    budget = sentiment.OCCLUSION_WORD_BUDGET
    assert sentiment.occluded_word_count(200) == 200  # a review of ordinary length is highlighted whole
    assert sentiment.occluded_word_count(600) == budget // 600 - 1 == 99
    assert sentiment.occluded_word_count(10 * budget) == 1
    for words in (100, 244, 245, 600, 2_700):
        count = sentiment.occluded_word_count(words)
        assert (count + 1) * words <= budget or count == 1
    text = "a truly good film and " * 600  # 3,000 words, all read by the baseline
    contributions = sentiment.word_contributions(models["baseline"], text)
    assert len(contributions) == sentiment.occluded_word_count(3_000) == 19
    assert contributions.word.tolist()[:5] == ["a", "truly", "good", "film", "and"]
    assert text[contributions.start.iloc[-1]:contributions.end.iloc[-1]] == contributions.word.iloc[-1]


def test_pretrainable_entries(models):
    names = {item.name: item for item in SENTIMENT_MODELS.values()}
    assert set(names) == {"sentiment-classic", "sentiment-best", "sentiment-baseline"}
    assert all(item.is_trained() for item in names.values())
    assert ModelCache().has(sentiment.spec("best"))


def test_a_masking_network_reads_each_batch_padded_only_to_its_longest_review(models):
    """Short padding is an optimisation only: the scores equal those of reviews padded to max_length."""
    best = models["best"]
    assert best.masks_padding and not models["classic"].masks_padding
    reviews = [sentiment.tokenize(t) for t in ["Great film.", "A dull, boring and far too long film. " * 3, "ok"]]
    full_width = best.keras_model.predict_on_batch(best.pipeline.encode_tokens(reviews)).reshape(-1)
    assert best.pipeline.encode_tokens(reviews, to_longest=True).shape == (3, max(map(len, reviews)) + 1)
    np.testing.assert_allclose(best.predict_tokens(reviews), full_width, atol=1e-5)
    too_long = [["great"] * (best.pipeline.max_length + 50)]  # cut to max_length: no padding either way
    assert best.pipeline.encode_tokens(too_long, to_longest=True).shape == (1, best.pipeline.max_length)
    np.testing.assert_allclose(best.predict_tokens(too_long),
                               best.keras_model.predict_on_batch(best.pipeline.encode_tokens(too_long)).reshape(-1),
                               atol=1e-5)


def test_a_network_saved_at_a_fixed_length_is_served_at_any_length(models, tmp_path):
    import keras

    settings = sentiment.config("best")
    inputs = keras.Input((settings["max_length"],), dtype="int32")
    fixed = keras.Model(inputs, sentiment.build_network(settings)(inputs))  # as networks were saved before
    rebuilt = sentiment._at_any_length(fixed, settings)
    assert fixed.input_shape == (None, settings["max_length"]) and rebuilt.input_shape == (None, None)
    ids = models["best"].pipeline.encode_tokens([["a", "great", "film"]])
    np.testing.assert_allclose(rebuilt.predict_on_batch(ids), fixed.predict_on_batch(ids), atol=1e-6)



def test_report_helpers_name_the_kept_epoch_and_the_learning_rate_halvings():
    report = {"curves": {"val_loss": [0.40, 0.31, 0.33, 0.30, 0.32],
                         "learning_rate": [1e-3, 1e-3, 1e-3, 5e-4, 2.5e-4]}}
    assert sentiment.kept_epoch(report) == 4
    assert sentiment.learning_rate_halvings(report) == [3, 4]
    assert sentiment.learning_rate_halvings({"curves": {"val_loss": [0.4]}}) == []
    assert sentiment.kept_epoch({"curves": {}}) is None


def test_design_text_states_the_sizes_of_the_configuration_in_use(monkeypatch):
    # quick mode (this module's fixture): the small networks actually trained
    assert design("classic").startswith("Embedding (3,000 words × 16) → LSTM (16 units) → Dense (1, sigmoid); "
                                        "reviews cut to their last 100 words; Adam, batches of 64")
    assert "vectors (32 dimensions)" in design("best") and "(16 units each way)" in design("best")
    assert "3,000-word vocabulary, first 100 words" in design("best")
    monkeypatch.delenv("ML_ATLAS_QUICK")
    assert design("classic").startswith("Embedding (10,000 words × 32) → LSTM (100 units)")
    assert "dropout 0.4; 30,000-word vocabulary, first 600 words" in design("best")
    assert "up to 200,000 terms" in design("baseline")


def test_training_note_states_the_kept_epoch_and_the_halvings():
    report = {"epochs": 5, "curves": {"val_loss": [0.40, 0.31, 0.33, 0.30, 0.32],
                                      "learning_rate": [1e-3, 1e-3, 1e-3, 5e-4, 2.5e-4]}}
    note = sentiment.training_note(report)
    assert note.startswith("Evaluated once on the official test reviews")
    assert "Training ran 5 epochs; the weights of epoch 4 (best on validation) are kept." in note
    assert note.endswith("The learning rate was halved after epochs 3, 4, when validation loss stopped falling.")
    assert sentiment.training_note({"epochs": None, "curves": {}}).endswith("never the test set.")


def test_curves_by_epoch_are_one_value_per_row():
    report = {"curves": {"loss": [0.6, 0.4], "accuracy": [0.7, 0.8], "val_loss": [0.5, 0.45],
                         "val_accuracy": [0.75, 0.78]}}
    long = sentiment.curves_by_epoch(report)
    assert len(long) == 8 and set(long["split"]) == {"train", "validation"}
    row = long[(long.metric == "accuracy") & (long.split == "validation") & (long.epoch == 2)]
    assert row["value"].tolist() == [0.78]


def test_strongest_words_in_each_direction_strongest_first():
    contributions = pd.DataFrame({"word": ["good", "bad", "plot", "great", "awful"], "known": [True] * 5,
                                  "contribution": [0.1, -0.2, 0.0, 0.3, -0.05]})
    positive = sentiment.strongest_words(contributions, positive=True)
    assert positive.index.tolist() == ["great", "good"] and positive["position"].tolist() == [4, 1]
    assert positive["contribution"].tolist() == ["+0.3000", "+0.1000"]
    assert sentiment.strongest_words(contributions, positive=False, count=1).index.tolist() == ["bad"]


def test_preview_strips_markup_and_cuts_long_reviews():
    assert sentiment.preview("A *great*<br />film") == "A great film"
    assert sentiment.preview("word " * 30, length=10) == "word word …"


def test_baseline_accuracy_by_c_is_indexed_by_c():
    table = sentiment.accuracy_by_c({"validation_accuracy_by_c": {"1.0": 0.85, "4.0": 0.87}})
    assert table.index.name == "C" and table.name == "validation accuracy" and table["4.0"] == 0.87
