"""word2vec: tokenizer, vocabulary, pairs and windows, sampling, schedule, training and evaluation."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from components.catalog import PROJECT_ROOT
from core.errors import InputError
from core.cache import ModelCache
from models.artifacts import PRETRAINED
from models.word2vec.corpus import (UNK, cbow_contexts, encode_corpus, keep_probability, learning_rate, noise_distribution, noise_table, skipgram_pairs, subsample, tokenize)
from models.word2vec.config import Word2VecConfig
from models.word2vec.vectors import WordVectors
from models.word2vec.evaluation import analogy_accuracy, evaluation_table, similarity_correlation
from models.word2vec.word_map import MapSettings, project, saved_projection, word_kind


def test_tokenizer_matches_basic_english():
    assert tokenize("Hello, World! It's 3.5 (really)?") == [
        "hello", ",", "world", "!", "it", "'", "s", "3", ".", "5", "(", "really", ")", "?"]
    assert tokenize('A "quoted"; word: here<br />next') == ["a", "quoted", "word", "here", "next"]


def test_vocabulary_keeps_words_seen_min_count_times_and_unk_for_the_rest():
    vocabulary, corpus = encode_corpus(["b a b c", "a b <unk> d", "b"], min_count=2)
    assert vocabulary.words == [UNK, "b", "a"]
    assert vocabulary.counts.tolist() == [3, 4, 2]  # c, d and the literal <unk> are unknown
    assert corpus.ids.tolist() == [1, 2, 1, 0, 2, 1, 0, 0, 1]
    assert corpus.starts.tolist() == [0, 4, 8, 9]
    assert "c" not in vocabulary and "a" in vocabulary and UNK not in vocabulary
    trimmed = corpus.without_unknown()
    assert trimmed.ids.tolist() == [1, 2, 1, 2, 1, 1] and trimmed.starts.tolist() == [0, 3, 5, 6]
    assert trimmed.documents(vocabulary) == [["b", "a", "b"], ["a", "b"], ["b"]]


def test_skipgram_pairs_on_a_tiny_sentence_are_exact():
    ids = np.array([1, 2, 3, 4, 5])
    centers, contexts = skipgram_pairs(ids, np.zeros(5, int), window=2)
    expected = {(1, 2), (1, 3), (2, 1), (2, 3), (2, 4), (3, 1), (3, 2), (3, 4), (3, 5), (4, 2), (4, 3), (4, 5),
                (5, 3), (5, 4)}
    assert sorted(zip(centers.tolist(), contexts.tolist())) == sorted(expected)


def test_pairs_and_windows_never_cross_a_document_boundary():
    ids, documents = np.array([1, 2, 3, 4]), np.array([0, 0, 1, 1])
    centers, contexts = skipgram_pairs(ids, documents, window=3)
    assert sorted(zip(centers.tolist(), contexts.tolist())) == [(1, 2), (2, 1), (3, 4), (4, 3)]
    _, windows, mask = cbow_contexts(ids, documents, window=3)
    assert [sorted(w[m].tolist()) for w, m in zip(windows, mask)] == [[2], [1], [4], [3]]


def test_cbow_windows_on_a_tiny_sentence_are_exact():
    centers, windows, mask = cbow_contexts(np.array([1, 2, 3, 4]), np.zeros(4, int), window=2)
    assert centers.tolist() == [1, 2, 3, 4]
    # columns: 2 before, 1 before, 1 after, 2 after
    assert np.where(mask, windows, -1).tolist() == [[-1, -1, 2, 3], [-1, 1, 3, 4], [1, 2, 4, -1], [2, 3, -1, -1]]


def test_reduced_windows_keep_a_subset_with_word2vec_average_span():
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 50, 20_000)
    centers, contexts = skipgram_pairs(ids, np.zeros(len(ids), int), window=5, rng=rng)
    # spans uniform in 1..5: on average 3 words each side, so about 6 pairs per word
    assert 5.7 < len(centers) / len(ids) < 6.3


def test_subsampling_drops_frequent_words_more():
    counts = np.array([0, 100_000, 10_000, 100, 10])
    keep = keep_probability(counts, sample=1e-3)
    assert keep[1] < keep[2] < keep[3] == 1.0 == keep[4]
    f = 100_000 / counts.sum() / 1e-3
    assert keep[1] == pytest.approx((np.sqrt(f) + 1) / f)
    ids = np.repeat(np.arange(1, 5), [100_000, 10_000, 100, 10])
    kept = subsample(ids, keep, np.random.default_rng(1))
    assert kept[:100_000].mean() == pytest.approx(keep[1], abs=0.01)
    assert kept[-110:].all()


def test_negative_sampling_follows_unigram_to_the_three_quarters():
    counts = np.array([500, 1000, 100, 10])
    probabilities = noise_distribution(counts)
    expected = counts[1:] ** 0.75 / (counts[1:] ** 0.75).sum()
    assert probabilities[0] == 0 and probabilities[1:] == pytest.approx(expected)
    table = noise_table(counts, size=100_000)
    assert np.bincount(table, minlength=4)[1:] / len(table) == pytest.approx(expected, abs=1e-3)


def test_learning_rate_decays_linearly_to_almost_zero():
    assert learning_rate(0.0) == pytest.approx(0.025)
    assert learning_rate(0.5) == pytest.approx(0.0125)
    assert learning_rate(1.0) == pytest.approx(0.025 * 1e-4)
    assert np.all(np.diff(learning_rate(np.linspace(0, 1, 11))) <= 0)


def planted_corpus(seed: int = 0) -> list[str]:
    """Sentences that mix words of one group only: animals with animals, numbers with numbers, colours with colours."""
    groups = [["cat", "dog", "horse", "cow", "sheep"], ["one", "two", "three", "four", "five"],
              ["red", "green", "blue", "yellow", "white"]]
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(groups[rng.integers(3)], 8)) for _ in range(1500)]


def within_minus_across(vectors: WordVectors) -> float:
    groups = [["cat", "dog", "horse", "cow", "sheep"], ["one", "two", "three", "four", "five"],
              ["red", "green", "blue", "yellow", "white"]]
    ids = [[vectors.index[w] for w in g] for g in groups]
    sim = vectors.unit @ vectors.unit.T
    within = np.mean([sim[i][:, i][~np.eye(5, dtype=bool)].mean() for i in ids])
    across = np.mean([sim[np.ix_(a, b)].mean() for n, a in enumerate(ids) for b in ids[n + 1:]])
    return within - across


@pytest.mark.parametrize("settings", [
    {"architecture": "skipgram"},
    {"architecture": "cbow"},
    {"architecture": "cbow", "loss": "softmax", "max_norm": 1.0},
])
def test_training_brings_words_of_a_planted_group_together(settings):
    from models.word2vec.training import train

    vocabulary, corpus = encode_corpus(planted_corpus(), min_count=1)
    config = Word2VecConfig(dim=16, window=3, epochs=3, sample=0, batch_size=128, **settings)
    messages = []

    class Recorder:
        def update(self, fraction, message=""):
            messages.append((fraction, message))

    vectors, stats = train(vocabulary, corpus, config, Recorder())
    assert within_minus_across(vectors) > 0.3
    assert messages[-1][0] == pytest.approx(1.0) and "words/s" in messages[-1][1]
    assert stats["words"] == 3 * 1500 * 8 and stats["words_per_second"] > 0
    if settings.get("max_norm"):
        assert np.linalg.norm(vectors.vectors[1:], axis=1).max() <= 1.0 + 1e-4


def hand_made_vectors() -> WordVectors:
    words = [UNK, "man", "woman", "king", "queen", "apple", "banana"]
    vectors = np.array([[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 0], [0, 0, 0, 1],
                        [0, 0.2, 0, 1]], float)
    return WordVectors(words, vectors, np.arange(len(words))[::-1])


def test_analogies_on_hand_made_vectors():
    vectors = hand_made_vectors()
    assert vectors.analogy("man", "king", "woman").word[0] == "queen"  # king - man + woman
    assert vectors.analogy("man", "king", "woman", method="3cosmul").word[0] == "queen"
    result = vectors.analogy("man", "woman", "king", k=3)
    assert {"man", "woman", "king", UNK}.isdisjoint(result.word) and result.score.is_monotonic_decreasing
    assert vectors.nearest("apple", 1).word[0] == "banana"


def test_analogy_accuracy_counts_only_covered_questions():
    questions = pd.DataFrame([["family", "man", "woman", "king", "queen"],
                              ["family", "man", "king", "woman", "queen"],
                              ["family", "man", "woman", "prince", "princess"],
                              ["fruit", "apple", "banana", "man", "woman"]], columns=["section", "a", "b", "c", "d"])
    table = analogy_accuracy(hand_made_vectors(), questions).set_index("section")
    assert table.loc["family", ["questions", "covered", "correct"]].tolist() == [3, 2, 2]
    assert table.loc["family", "accuracy"] == 1.0 and table.loc["family", "coverage"] == pytest.approx(2 / 3)
    assert table.loc["overall", ["questions", "covered"]].tolist() == [4, 3]


def test_similarity_correlation_on_hand_made_vectors():
    pairs = pd.DataFrame([("man", "woman", 8.0), ("king", "queen", 9.0), ("man", "apple", 1.0),
                          ("man", "unicorn", 5.0)], columns=["word1", "word2", "score"])
    result = similarity_correlation(hand_made_vectors(), pairs)
    assert result["covered"] == 3 and result["pairs"] == 4 and result["spearman"] == pytest.approx(1.0)
    evaluation = {"analogies": [{"section": "overall", "questions": 4, "covered": 3, "correct": 3, "accuracy": 1.0}],
                  "similarity": {"WordSim-353": result}}
    table = evaluation_table({"ours": evaluation})
    assert table.loc["similarity: WordSim-353 (Spearman)", "ours"] == pytest.approx(1.0)
    assert table.loc["analogies: overall", "covered"] == "3 of 4 questions"


def test_unknown_and_blank_words_are_named_with_closest_spellings():
    vectors = hand_made_vectors()
    with pytest.raises(InputError, match="'quen' is not in the vocabulary.*queen"):
        vectors.nearest("quen")
    with pytest.raises(InputError, match="Type a word"):
        vectors.analogy("man", "", "woman")
    with pytest.raises(InputError, match="not in the vocabulary"):
        vectors.nearest(UNK)


def test_vectors_survive_saving_and_loading(tmp_path):
    vectors = hand_made_vectors()
    vectors.save(tmp_path)
    loaded = WordVectors.load(tmp_path)
    assert loaded.words == vectors.words and np.array_equal(loaded.vectors, vectors.vectors)


def test_word_kinds_and_the_map():
    assert [word_kind(w) for w in ["1999", "2012", "42", "3.5", "seven", "n", "cat", "1066"]] == [
        "year", "year", "number", "number", "number", "number", "other", "number"]
    rng = np.random.default_rng(0)
    words = [UNK, ",", *[f"w{i}" for i in range(60)]]
    vectors = WordVectors(words, rng.normal(size=(len(words), 8)), np.arange(len(words))[::-1])
    frame = project(vectors, 40, "PCA", 3, clusters=4)
    assert len(frame) == 40 and {"x", "y", "z", "cluster", "kind"} <= set(frame.columns)
    assert UNK not in set(frame.word) and "," not in set(frame.word) and frame.cluster.nunique() == 4
    assert len(project(vectors, 30, "t-SNE", 2, perplexity=5, iterations=250)) == 30


def test_maps_of_the_app_models_are_saved_and_read_back_word_for_word(tmp_path, monkeypatch):
    from models.word2vec import word_map as word2vec_map

    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    words = [UNK, "nan", "null", "true", "1999", *[f"w{i}" for i in range(40)]]
    vectors = WordVectors(words, np.random.default_rng(1).normal(size=(len(words), 8)), np.arange(len(words))[::-1])
    settings = MapSettings(n_words=30, method="PCA", clusters=3)
    first = saved_projection("cbow", "ptb", vectors, settings)
    monkeypatch.setattr(word2vec_map, "project", lambda *args, **kwargs: pytest.fail("projected again"))
    again = saved_projection("cbow", "ptb", vectors, settings)
    pd.testing.assert_frame_equal(first, again)
    assert {"nan", "null", "true"} <= set(again.word) and again.kind[again.word == "1999"].item() == "year"
    assert len(list(tmp_path.glob("word-map-*"))) == 1


def test_pretrainable_models_and_a_light_import():
    names = [p.name for p in PRETRAINED]
    assert {"word2vec-cbow", "word2vec-skipgram", "word-map-cbow", "word-map-skipgram"} <= set(names)
    heavy = ("tensorflow", "keras", "prophet", "surprise", "sklearn")
    code = ("import sys; from models.artifacts import PRETRAINED; [p.is_trained() for p in PRETRAINED]; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", "declarations must stay light: " + result.stdout


def test_scores_are_computed_once_per_set_and_a_new_set_scores_without_retraining(monkeypatch, tmp_path):
    from data import registry, text
    from models.word2vec import evaluation

    cache = ModelCache(tmp_path)
    vectors = hand_made_vectors()
    first = evaluation.scores(vectors, cache)
    assert set(first["similarity"]) == set(text.SIMILARITY_SETS) and first["analogies"][-1]["section"] == "overall"
    assert evaluation.scores(vectors, cache) == first  # read back from the cache

    # Registering one more set (a registry entry and a SIMILARITY_SETS line) scores that set alone.
    monkeypatch.setitem(registry.DATASETS, "wordsim-353-sim", registry._evaluation_set(
        "wordsim-353-sim", "WordSim-353 similarity split",
        ("eval/EN-WS-353-SIM.txt", "f1da938998863c94e53f72f984a5c6e215f0b46c323aae8f0f4930703a339107", 4002),
        registry._EVAL_WORD_VECTORS, "https://example.org", "research data", "Agirre et al. (2009)."))
    monkeypatch.setitem(text.SIMILARITY_SETS, "WS-353 similarity", ("wordsim-353-sim", "eval/EN-WS-353-SIM.txt", None))
    computed = []
    original = evaluation.similarity_correlation
    monkeypatch.setattr(evaluation, "similarity_correlation", lambda v, pairs: computed.append(len(pairs)) or original(v, pairs))
    second = evaluation.scores(vectors, cache)
    assert computed == [203], "only the new set is scored; the others come from the cache"
    assert second["similarity"]["WS-353 similarity"]["pairs"] == 203
    assert {k: v for k, v in second["similarity"].items() if k != "WS-353 similarity"} == first["similarity"]


def test_a_model_of_an_upload_is_keyed_by_its_raw_bytes_and_every_training_setting():
    from dataclasses import fields, replace

    from models.word2vec.config import Word2VecConfig
    from models.word2vec.model import upload_spec

    config, content = Word2VecConfig(), b"the cat sat on the mat\n"
    changed = {"architecture": "skipgram", "loss": "softmax", "max_norm": 1.0, "learning_rate": 0.05, "sample": 1e-4}
    variants = [replace(config, **{f.name: changed.get(f.name, f.default + 1 if isinstance(f.default, int) else None)})
                for f in fields(Word2VecConfig)]  # each setting changed alone
    keys = {upload_spec(variant, content).key for variant in variants}
    assert len(keys) == len(fields(Word2VecConfig)) and upload_spec(config, content).key not in keys
    assert upload_spec(config, b"\xef\xbb\xbf" + content).key != upload_spec(config, content).key  # bytes, not text
    assert upload_spec(config, content).key == upload_spec(Word2VecConfig(), b"the cat sat on the mat\n").key


def test_a_map_of_other_settings_counts_against_the_results_budget_and_the_default_map_does_not():
    from data.text import DEFAULT_CORPUS
    from models.word2vec.artifacts import map_spec
    from models.word2vec.config import MapSettings

    assert not map_spec("cbow", DEFAULT_CORPUS, MapSettings()).bounded  # pre-trained by the warm start: kept
    assert map_spec("cbow", DEFAULT_CORPUS, MapSettings(perplexity=5.0)).bounded


def test_a_small_vocabulary_trains_the_same_vectors_every_time():
    """Threads that share a handful of rows overwrite each other's updates (Hogwild needs a large vocabulary):
    the fused op trains a small vocabulary on one thread, so two runs agree exactly."""
    from models.word2vec.training import train

    vocabulary, corpus = encode_corpus(planted_corpus(), min_count=1)
    config = Word2VecConfig(dim=16, window=3, epochs=3, sample=0, architecture="skipgram")
    first, stats = train(vocabulary, corpus, config)
    assert stats["steps"] == "fused op"
    second, _ = train(vocabulary, corpus, config)
    np.testing.assert_array_equal(first.vectors, second.vectors)
