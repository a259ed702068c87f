"""How the sentiment networks are trained: batches of similar length, word vectors from the training reviews.

- :func:`length_batches`: most reviews are far shorter than ``max_length`` and
  a padded step costs an LSTM as much as a word, so a network that masks its
  padding trains on batches of reviews of similar length, each padded only to
  its longest review (an epoch of the best model: about 5.3 → 1.2 minutes).
- :func:`review_word_vectors` and :func:`embedding_matrix`: word2vec
  Skip-gram (the app's own TensorFlow implementation) trained on the
  training reviews themselves, on exactly the sentiment pipeline's words, as
  the embedding (the best model keeps it fixed). Labels are not used, test
  reviews never seen.
- :func:`training_callbacks`: progress, early stopping, an optional halving of
  the learning rate on a plateau, and a wall-clock budget.
"""
from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from core.progress import TrainingProgress
from models.sentiment.text_pipeline import TextPipeline, tokenize
from models.word2vec.config import Word2VecConfig
from models.word2vec.corpus import encode_corpus
from models.word2vec.training import train


def length_batches(pipeline: TextPipeline, texts, labels: np.ndarray, batch_size: int, seed: int | None = None,
                   to_longest: bool = True):
    """A ``tf.data`` set of batches of reviews of similar length, and how many batches it has.

    With ``to_longest`` each batch is padded to one step more than its
    longest review (see :meth:`TextPipeline.pad`); otherwise to
    ``max_length``, for a network that reads its padding. With a ``seed`` the
    grouping (by length within ±10 %) and the order of the batches are drawn
    anew every epoch, reproducibly.
    """
    ids = [pipeline.ids(pipeline.kept(tokens)) for tokens in map(tokenize, texts)]
    lengths = np.array([len(row) for row in ids], dtype=float)
    rng = np.random.default_rng(seed)

    def batches():
        jitter = rng.uniform(0.9, 1.1, len(ids)) if seed is not None else 1.0
        by_length = np.argsort(lengths * jitter, kind="stable")
        groups = [by_length[i:i + batch_size] for i in range(0, len(ids), batch_size)]
        if seed is not None:
            rng.shuffle(groups)
        for group in groups:
            yield pipeline.pad([ids[i] for i in group], to_longest), labels[group]

    count = -(-len(ids) // batch_size)
    signature = (tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None,), tf.as_dtype(labels.dtype)))
    dataset = tf.data.Dataset.from_generator(batches, output_signature=signature)
    # A known length lets Keras end each epoch on the last batch instead of warning that the data ran out.
    return dataset.apply(tf.data.experimental.assert_cardinality(count)).prefetch(2), count


def review_word_vectors(texts, settings: dict[str, Any], progress: TrainingProgress):
    """word2vec vectors (``WordVectors``) of the words of ``texts``, tokenized as the sentiment pipeline does."""
    config = Word2VecConfig(architecture=settings["word_vectors"], dim=settings["embedding"],
                            epochs=settings["word_vector_epochs"], seed=settings["seed"])
    vocabulary, corpus = encode_corpus(texts, config.min_count, tokenizer=tokenize)
    vectors, _ = train(vocabulary, corpus, config, progress)
    return vectors


def embedding_matrix(vocabulary: list[str], vectors, rows: int, seed: int) -> np.ndarray:
    """Initial embedding rows for ``vocabulary``: a word's vector where ``vectors`` has it, else random.

    Random rows are normal with the vectors' own spread, so all words start on
    the same scale; the padding row (id 0) is zero. ``rows`` is the
    Embedding's input size (larger than the vocabulary of a tiny corpus).
    """
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, float(vectors.vectors.std()), (rows, vectors.vectors.shape[1])).astype(np.float32)
    found = [(row, vectors.index[word]) for row, word in enumerate(vocabulary) if word in vectors.index]
    if found:
        targets, sources = map(list, zip(*found))
        matrix[targets] = vectors.vectors[sources]
    matrix[0] = 0.0
    return matrix


def training_callbacks(settings: dict[str, Any], progress: TrainingProgress, batches: int, deadline: float) -> list:
    """Progress per batch, early stopping on validation loss, and a stop before an epoch would end after
    ``deadline`` (a ``time.perf_counter()`` value: the whole training's budget)."""
    epochs = settings["max_epochs"]

    class Report(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch % 10 == 0:
                done = (self.epoch + (batch + 1) / batches) / epochs
                progress.update(done, f"Epoch {self.epoch + 1} of at most {epochs}, batch {batch + 1}/{batches}, "
                                      f"loss {logs['loss']:.3f}")

        def on_train_begin(self, logs=None):
            self.started = time.perf_counter()

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            if now + (now - self.started) / (epoch + 1) > deadline:  # the next epoch would overrun the budget
                self.model.stop_training = True

    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=settings["patience"], restore_best_weights=True)
    if not settings.get("halve_learning_rate_after"):
        return [Report(), stop]
    # When validation loss stops falling, smaller steps often find a better minimum before early stopping ends it.
    halve = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5,
                                              patience=settings["halve_learning_rate_after"], min_lr=1e-5)
    return [Report(), halve, stop]
