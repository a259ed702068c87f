"""How the sentiment networks train: length-grouped batches and word vectors from the reviews' own words."""
import numpy as np

from models.sentiment.training import embedding_matrix, length_batches, review_word_vectors
from models.sentiment.text_pipeline import TextPipeline
from models.word2vec.vectors import WordVectors


def test_training_batches_group_reviews_by_length():
    pipeline = TextPipeline(50, max_length=6).fit(["a b c d e f g h"])
    texts = ["a", "a b c d e f g h", "a b", "a b c", "b c d e f", "c"]
    batches, count = length_batches(pipeline, texts, np.arange(6), batch_size=2, seed=0)
    shapes = sorted(x.shape for x, _ in batches.as_numpy_iterator())
    # One padded step more than the longest review of each batch, at most max_length (the 8-word review is cut).
    assert count == 3 and shapes == [(2, 2), (2, 4), (2, 6)]
    assert batches.cardinality().numpy() == count  # Keras knows where an epoch ends
    fixed, _ = length_batches(pipeline, texts, np.arange(6), batch_size=2, to_longest=False)
    assert {x.shape for x, _ in fixed.as_numpy_iterator()} == {(2, 6)}


def test_every_review_is_in_exactly_one_batch_with_its_label_and_epochs_differ():
    words = [letter * 2 for letter in "abcdefg"]
    pipeline = TextPipeline(50, max_length=10).fit(words)
    texts = [" ".join(words[: i % 7 + 1]) for i in range(40)]
    labels = np.arange(40)
    batches, _ = length_batches(pipeline, texts, labels, batch_size=8, seed=3)
    epochs = [[(x, y) for x, y in batches.as_numpy_iterator()] for _ in range(2)]
    for epoch in epochs:
        seen = np.concatenate([y for _, y in epoch])
        assert sorted(seen) == list(range(40))
        for x, y in epoch:  # each row still holds its own review's words
            for row, label in zip(x, y):
                assert np.count_nonzero(row) == label % 7 + 1
    assert [y.tolist() for _, y in epochs[0]] != [y.tolist() for _, y in epochs[1]]


def test_embedding_starts_from_the_vectors_of_known_words():
    vectors = WordVectors(["good", "bad"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    matrix = embedding_matrix(["<pad>", "<oov>", "bad", "film", "good"], vectors, rows=6, seed=0)
    assert matrix.shape == (6, 2) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], 0.0)
    np.testing.assert_array_equal(matrix[2], [3.0, 4.0])
    np.testing.assert_array_equal(matrix[4], [1.0, 2.0])
    assert np.all(matrix[[1, 3, 5]] != 0.0)  # unknown words get random rows on the vectors' scale


def test_review_word_vectors_are_learned_for_the_pipelines_own_words():
    texts = ["I didn't like it. It wasn't good<br />at all"] * 30 + ["a great film, I loved it"] * 30
    settings = {"word_vectors": "skipgram", "embedding": 8, "word_vector_epochs": 1, "seed": 1}
    from core.progress import TrainingProgress

    vectors = review_word_vectors(texts, settings, TrainingProgress())
    assert vectors.vectors.shape[1] == 8
    assert {"didn't", "wasn't", "loved"} <= set(vectors.words)  # the pipeline's tokens, apostrophes kept
    assert "br" not in vectors.words and "<br" not in vectors.words


def test_the_best_network_keeps_the_review_vectors_it_starts_from(tmp_path, monkeypatch):
    """Quick-mode training of the best model with known vectors: after training its embedding rows are those vectors."""
    from conftest import quick_models
    from models.sentiment import model as sentiment
    from models.sentiment.artifacts import config

    with quick_models(tmp_path):
        width = config("best")["embedding"]
        known = WordVectors(["good", "bad", "film"], np.array([[0.5] * width, [-0.5] * width, [0.25] * width]))
        monkeypatch.setattr(sentiment, "review_word_vectors", lambda texts, settings, progress: known)
        model = sentiment.trained_model("best")
    rows = model.keras_model.get_layer("embedding").get_weights()[0]
    for word, vector in zip(known.words, known.vectors):
        np.testing.assert_array_equal(rows[model.pipeline.vocabulary.index(word)], vector)
