"""Why a neural sentiment model read a review as it did: integrated gradients and the reading word by word.

Integrated gradients (Sundararajan et al., 2017) attribute P(positive) to the words of a review: along the
straight path from a baseline to the review in embedding space, the gradient of the score is averaged and
multiplied by how far each word's vector moved. The baseline is the review with every word replaced by the
padding vector (for the classic network, exactly an all-padding review; the masking network keeps the review's
mask, so it still reads as many steps). By construction the attributions add up to
score(review) - score(baseline), up to the error of the ``steps``-point midpoint rule (see :func:`ig_completeness_gap`).

Plain Python (no Streamlit); imports TensorFlow.
"""
from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from models.sentiment.model import KerasSentiment, SentimentModel, readable_tokens, score, word_contributions
from models.sentiment.text_pipeline import PAD_ID, word_spans

IG_STEPS = 48
"""Points on the path from the baseline to the review; all go through the network in one batch."""

MAX_PREFIXES = 120
"""The most prefixes of a review scored for the word-by-word reading: a longer review is read at this many
evenly spaced lengths (always including its last word), so the cost stays about 120 x its length in words."""


@dataclass(frozen=True)
class Attribution:
    """Integrated gradients of one review: ``words`` (one row per word read: word, attribution, start, end in the
    text) and the two scores whose difference they share out."""
    words: pd.DataFrame
    score: float
    baseline_score: float

    def completeness_gap(self) -> float:
        """|sum of attributions - (score - baseline score)|: how far the path integral is from exact."""
        return abs(float(self.words.attribution.sum()) - (self.score - self.baseline_score))


class _EmbeddingReader:
    """A Keras sentiment network read from word vectors instead of word ids, so it can be differentiated.

    It runs the layers :func:`models.sentiment.model.build_network` builds, after the embedding, in the same
    order and with the same mask as the network itself.
    """

    def __init__(self, network, masks_padding: bool):
        self.network, self.masks_padding = network, masks_padding
        self.embedding = network.get_layer("embedding")
        self.recurrent = next(layer for layer in network.layers
                              if isinstance(layer, (keras.layers.LSTM, keras.layers.Bidirectional)))
        self.max_pool = next((l for l in network.layers if isinstance(l, keras.layers.GlobalMaxPooling1D)), None)
        self.mean_pool = next((l for l in network.layers if isinstance(l, keras.layers.GlobalAveragePooling1D)), None)
        self.output = network.get_layer("positive")
        self._gradients = tf.function(self._path_gradients, reduce_retracing=True)
        self._scores = tf.function(self.probability, reduce_retracing=True)  # eagerly, the LSTM steps run in Python

    def probability(self, vectors, mask):
        """P(positive) of a batch of reviews given as word vectors (batch, steps, dim) and their mask (batch, steps)."""
        mask = mask if self.masks_padding else None
        x = self.recurrent(vectors, mask=mask, training=False)
        if self.max_pool is not None:
            x = tf.concat([self.max_pool(x), self.mean_pool(x, mask=mask)], axis=-1)
        return tf.reshape(self.output(x), [-1])

    def _path_gradients(self, baseline, review, mask, alphas):
        """Gradients of P(positive) at ``baseline + alpha (review - baseline)`` for every alpha, in one batch."""
        path = baseline[None] + alphas[:, None, None] * (review - baseline)[None]
        masks = tf.repeat(mask[None], tf.shape(alphas)[0], axis=0)
        with tf.GradientTape() as tape:
            tape.watch(path)
            scores = self.probability(path, masks)
        return tape.gradient(scores, path)

    def attribute(self, ids: np.ndarray, word_steps: int, steps: int) -> tuple[np.ndarray, float, float]:
        """Per-step attributions of the last ``word_steps`` steps of ``ids`` (one review), its score and the baseline's."""
        table = self.embedding.embeddings
        review = tf.gather(table, ids)
        is_word = np.zeros(len(ids), dtype=bool)
        is_word[len(ids) - word_steps:] = True
        baseline = tf.where(is_word[:, None], table[PAD_ID][None], review)
        mask = tf.constant(ids != PAD_ID)
        alphas = tf.constant((np.arange(steps) + 0.5) / steps, dtype=review.dtype)  # midpoint rule
        gradients = self._gradients(baseline, review, mask, alphas)
        per_step = tf.reduce_sum(tf.reduce_mean(gradients, axis=0) * (review - baseline), axis=-1).numpy()
        ends = self._scores(tf.stack([review, baseline]), tf.stack([mask, mask])).numpy()
        return per_step[is_word], float(ends[0]), float(ends[1])


def _reader(model: KerasSentiment) -> _EmbeddingReader:
    if getattr(model, "_embedding_reader", None) is None:
        model._embedding_reader = _EmbeddingReader(model.keras_model, model.masks_padding)
    return model._embedding_reader


def explains_with_gradients(model: SentimentModel) -> bool:
    """Whether ``model`` is a network integrated gradients apply to (the TF-IDF baseline is not)."""
    return isinstance(model, KerasSentiment)


def integrated_gradients(model: SentimentModel, text: str, steps: int = IG_STEPS) -> Attribution:
    """Integrated gradients of P(positive) for each word the network reads in ``text`` (see the module docstring).

    InputError as :func:`models.sentiment.model.readable_tokens` raises it; ValueError for the baseline model.
    """
    if not explains_with_gradients(model):
        raise ValueError(f"integrated gradients need a neural model; {model.name!r} is not one")
    kept = readable_tokens(model, text)
    spans = model.pipeline.kept(word_spans(text))
    ids = model.pipeline.encode_tokens([kept], to_longest=model.masks_padding)[0]
    per_word, score, baseline_score = _reader(model).attribute(ids, len(kept), steps)
    words = pd.DataFrame({"word": kept, "attribution": per_word,
                          "start": [s for s, _ in spans], "end": [e for _, e in spans]})
    return Attribution(words, score, baseline_score)


NEGLIGIBLE_SHARE = 0.05
"""A push smaller than this share of the strongest push of its own method counts as none: the sign of a value
that close to zero says nothing, so such words are not listed as disagreements."""


def sign_disagreements(occlusion: pd.DataFrame, attribution: Attribution) -> pd.DataFrame:
    """The words occlusion and integrated gradients push clearly opposite ways: word, position (from 1), both values.

    Compared on the words occlusion covers (the first ones of a long review, see the occlusion budget); a word
    counts only if both its values reach :data:`NEGLIGIBLE_SHARE` of their method's strongest push.
    """
    both = occlusion[["word", "contribution"]].assign(
        attribution=attribution.words.attribution.iloc[:len(occlusion)].to_numpy())
    clear = ((both.contribution.abs() >= NEGLIGIBLE_SHARE * both.contribution.abs().max())
             & (both.attribution.abs() >= NEGLIGIBLE_SHARE * both.attribution.abs().max()))
    opposite = both[clear & (np.sign(both.contribution) != np.sign(both.attribution))]
    return opposite.assign(position=opposite.index + 1)[["word", "position", "contribution", "attribution"]]


def prefix_lengths(words_read: int) -> np.ndarray:
    """The prefix lengths scored for a review of ``words_read`` words: every one, or :data:`MAX_PREFIXES` of them."""
    if words_read <= MAX_PREFIXES:
        return np.arange(1, words_read + 1)
    return np.unique(np.linspace(1, words_read, MAX_PREFIXES).round().astype(int))


def reading_word_by_word(model: SentimentModel, text: str) -> pd.DataFrame:
    """P(positive) after each prefix of the review, all prefixes in one batched call.

    Columns: words (prefix length), word (its last word), probability. A review longer than
    :data:`MAX_PREFIXES` words is read at that many evenly spaced lengths.
    """
    kept = readable_tokens(model, text)
    lengths = prefix_lengths(len(kept))
    probabilities = model.predict_tokens([kept[:n] for n in lengths])
    return pd.DataFrame({"words": lengths, "word": [kept[n - 1] for n in lengths], "probability": probabilities})



WARM_UP_REVIEWS = ("A good film.", "A good film, well acted, never dull, and far better than I had expected.")
"""Two reviews of different lengths: after the second, each compiled function has a shape that fits any length."""


def warm_up(model: SentimentModel) -> None:
    """Run what scoring a review runs (the score, occlusion, the word-by-word reading and, for a network,
    integrated gradients) on :data:`WARM_UP_REVIEWS`, so TensorFlow traces its functions now: otherwise each
    server process's first reviews pay about a second of tracing each."""
    for text in WARM_UP_REVIEWS:
        score(model, text)
        word_contributions(model, text)
        reading_word_by_word(model, text)
        if explains_with_gradients(model):
            integrated_gradients(model, text)
