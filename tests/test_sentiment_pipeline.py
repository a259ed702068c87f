"""The text pipeline shared by training and the page."""
import numpy as np
import pytest

from models.sentiment.text_pipeline import OOV_ID, PAD_ID, TextPipeline, tokenize


def test_tokenize_strips_breaks_lowercases_and_drops_punctuation():
    assert tokenize("Great film!<br /><br />I didn't LIKE the end... 10/10") == \
        ["great", "film", "i", "didn't", "like", "the", "end", "10", "10"]
    assert tokenize("!!! ??? ...") == []


def test_vocabulary_keeps_the_most_frequent_words_in_order():
    pipeline = TextPipeline(vocab_size=5, max_length=4).fit(["b a a", "c a b", "d"])
    assert pipeline.vocabulary == ["<pad>", "<oov>", "a", "b", "c"]
    assert pipeline.ids(["a", "d", "zzz"]) == [2, OOV_ID, OOV_ID]
    assert pipeline.known(["a", "d"]) == [True, False]


def test_encode_pads_in_front_and_truncates_either_end():
    start = TextPipeline(vocab_size=10, max_length=3, truncating="start").fit(["one two three four five"])
    end = TextPipeline(vocab_size=10, max_length=3, truncating="end").fit(["one two three four five"])
    ids = {w: start.ids([w])[0] for w in "one two three four five".split()}
    encoded = start.encode(["one", "one two three four five"])
    assert encoded.dtype == np.int32 and encoded.shape == (2, 3)
    assert encoded[0].tolist() == [PAD_ID, PAD_ID, ids["one"]]
    assert encoded[1].tolist() == [ids["one"], ids["two"], ids["three"]]
    assert end.encode(["one two three four five"])[0].tolist() == [ids["three"], ids["four"], ids["five"]]
    assert start.encode([""])[0].tolist() == [PAD_ID] * 3


def test_unbounded_pipeline_pads_to_the_longest_text():
    pipeline = TextPipeline(vocab_size=10, max_length=None).fit(["a b c"])
    assert pipeline.encode(["a", "a b c"]).shape == (2, 3)


def test_save_and_load_round_trip(tmp_path):
    pipeline = TextPipeline(vocab_size=50, max_length=7, truncating="end").fit(["the cat sat on the mat", "a dog"])
    pipeline.save(tmp_path / "p.json")
    loaded = TextPipeline.load(tmp_path / "p.json")
    assert loaded.vocabulary == pipeline.vocabulary and loaded.truncating == "end"
    texts = ["the dog sat", "unknown words only"]
    assert np.array_equal(loaded.encode(texts), pipeline.encode(texts))


def test_bad_truncating_is_refused():
    with pytest.raises(ValueError):
        TextPipeline(truncating="middle")
