"""The word2vec training loop in TensorFlow: SGD on two embedding tables, by a fused op or by XLA minibatches.

Throughput on a CPU is the point of this design, and there are two ways to it.

**The fused op** (negative sampling, no max-norm: the app's models). ``kernel.py`` builds ``_kernel.cc``, one
TensorFlow op that trains a chunk of corpus tokens the way word2vec.c and gensim do: token by token, windows,
noise words and SGD steps computed in place on the tables, one part of the chunk per thread without locks
(one thread per 5,000 words of the vocabulary at most: threads that share a few rows overwrite each other).
NumPy only subsamples each chunk. Nothing is materialised per example, and the noise words come from an alias
table of the vocabulary's size that stays in cache. ``python -m bench.word2vec`` measured the minibatch steps
below at 0.4-0.6 of gensim's words/s and the op at 1.7 of them, scoring as well or better on analogies and
WordSim-353.

**XLA minibatches** (the full softmax, max-norm, or a machine with no C++ compiler). NumPy builds the training
examples (pairs for Skip-gram, context windows for CBOW) chunk by chunk in a ``tf.data`` pipeline that runs
ahead of training on the other core; the examples are cut into blocks of a fixed number of minibatches, and
one XLA-compiled ``tf.function`` trains a whole block in a loop over its minibatches (XLA copies the tables
once per call, so the loop amortises that copy over many minibatches). Each minibatch gathers only the rows it
touches, computes the gradient of the loss by hand and adds it back with ``scatter_add``: plain SGD, no
optimizer state, no dense gradient of the tables, no per-example Python. Negatives are drawn from word2vec's
unigram^0.75 table by the pipeline, off the training thread.
"""
from __future__ import annotations

import time

import numpy as np
import tensorflow as tf

from core.progress import TrainingProgress
from models.word2vec.corpus import (EncodedCorpus, Vocabulary, cbow_contexts, keep_probability, learning_rate, noise_alias_table, noise_table, skipgram_pairs, subsample)
from models.word2vec.config import Word2VecConfig
from models.word2vec.kernel import load_kernel
from models.word2vec.vectors import WordVectors

CHUNK_TOKENS = 200_000
"""Raw corpus tokens per chunk of examples built at once by NumPy."""
BLOCK_BATCHES = 64
"""Minibatches per block: the unit of one compiled call, of progress and of learning-rate steps."""


class _Tables(tf.Module):
    """The input (embedding) and output tables and the graph functions that train them on a chunk."""

    def __init__(self, vocabulary_size: int, config: Word2VecConfig):
        super().__init__()
        dim = config.dim
        rng = np.random.default_rng(config.seed)
        # word2vec's initialisation: input vectors uniform in +-0.5/dim, output vectors zero.
        self.w_in = tf.Variable(((rng.random((vocabulary_size, dim)) - 0.5) / dim).astype(np.float32))
        self.w_out = tf.Variable(tf.zeros((vocabulary_size, dim)))
        self.negative = config.negative
        self.max_norm = config.max_norm

    def _negative_step(self, hidden, targets, negatives, valid, lr):
        """One negative-sampling SGD step for hidden vectors (b, d) predicting ``targets`` (b,) against ``negatives`` (b, k).

        Updates the output table; returns the gradient for the hidden vectors and the summed loss.
        """
        size = targets.shape[0]
        outputs = tf.concat([targets[:, None], negatives], axis=1)  # (b, 1 + k)
        labels = tf.concat([tf.ones((size, 1)), tf.zeros((size, self.negative))], axis=1)
        # A negative that happens to be the target is skipped, as in word2vec.c; padding rows count for nothing.
        weights = tf.concat([tf.ones((size, 1)), tf.cast(negatives != targets[:, None], tf.float32)], axis=1)
        weights *= valid[:, None]
        vectors = tf.gather(self.w_out, outputs)  # (b, 1 + k, d)
        # Elementwise products and sums: XLA on CPU runs these far faster than tiny batched matmuls.
        logits = tf.reduce_sum(hidden[:, None, :] * vectors, axis=2)
        step = (labels - tf.sigmoid(logits)) * weights * lr
        loss = tf.reduce_sum(weights * tf.nn.sigmoid_cross_entropy_with_logits(labels, logits))
        grad_hidden = tf.reduce_sum(step[:, :, None] * vectors, axis=1)
        self.w_out.scatter_add(tf.IndexedSlices(tf.reshape(step[:, :, None] * hidden[:, None, :], (-1, hidden.shape[-1])),
                                                tf.reshape(outputs, (-1,))))
        return grad_hidden, loss

    def _softmax_step(self, hidden, targets, negatives, valid, lr):
        """One full-softmax SGD step: every output vector is updated (small vocabularies only)."""
        logits = tf.matmul(hidden, self.w_out, transpose_b=True)  # (b, V)
        onehot = tf.one_hot(targets, tf.shape(self.w_out)[0])
        loss = tf.reduce_sum(valid * tf.nn.softmax_cross_entropy_with_logits(onehot, logits))
        step = (onehot - tf.nn.softmax(logits)) * valid[:, None] * lr
        grad_hidden = tf.matmul(step, self.w_out)
        self.w_out.assign_add(tf.matmul(step, hidden, transpose_a=True))
        return grad_hidden, loss

    def _renorm(self, rows):
        """Max-norm: scale the touched input vectors back to ``max_norm`` if they grew longer."""
        vectors = tf.gather(self.w_in, rows)
        norms = tf.norm(vectors, axis=1, keepdims=True)
        scale = tf.minimum(1.0, self.max_norm / tf.maximum(norms, 1e-7))
        self.w_in.scatter_update(tf.IndexedSlices(vectors * scale, rows))

    def skipgram_step(self, centers, contexts, negatives, valid, lr, softmax: bool):
        """One minibatch of (center, context) pairs: the center's input vector predicts the context word."""
        hidden = tf.gather(self.w_in, centers)
        grad, loss = (self._softmax_step if softmax else self._negative_step)(hidden, contexts, negatives, valid, lr)
        self.w_in.scatter_add(tf.IndexedSlices(grad, centers))
        if self.max_norm:
            self._renorm(centers)
        return loss

    def cbow_step(self, centers, contexts, mask, negatives, valid, lr, softmax: bool):
        """One minibatch of windows: the mean of the context words' input vectors predicts the center word."""
        weights = tf.cast(mask, tf.float32)
        count = tf.maximum(tf.reduce_sum(weights, axis=1, keepdims=True), 1.0)
        hidden = tf.reduce_sum(weights[:, :, None] * tf.gather(self.w_in, contexts), axis=1) / count
        grad, loss = (self._softmax_step if softmax else self._negative_step)(hidden, centers, negatives, valid, lr)
        # As word2vec.c (and gensim's cbow_mean): each context word gets the full hidden-layer gradient.
        flat = tf.reshape(contexts, (-1,))
        spread = tf.reshape(weights[:, :, None] * grad[:, None, :], (-1, grad.shape[-1]))
        self.w_in.scatter_add(tf.IndexedSlices(spread, flat))
        if self.max_norm:
            self._renorm(flat)
        return loss


def _train_block(step, batch: int, arrays, lr_start, lr_end):
    """Loop over the minibatches of a block (a fixed number of rows); return the summed loss."""
    steps = arrays[0].shape[0] // batch
    total = tf.constant(0.0)
    for i in tf.range(steps):
        lr = lr_start + (lr_end - lr_start) * tf.cast(i, tf.float32) / steps
        total += step(*[tf.slice(a, [i * batch] + [0] * (len(a.shape) - 1), [batch] + a.shape[1:]) for a in arrays], lr)
    return total


def _subsampled_chunks(corpus: EncodedCorpus, keep: np.ndarray, rng: np.random.Generator):
    """One epoch's corpus in chunks of about ``CHUNK_TOKENS`` tokens cut at document starts, each subsampled
    afresh: (kept ids, their document numbers, raw tokens in the chunk)."""
    document = corpus.document_of
    cuts = np.searchsorted(corpus.starts, np.arange(0, len(corpus.ids), CHUNK_TOKENS), side="right") - 1
    bounds = np.unique(np.concatenate([corpus.starts[cuts], [len(corpus.ids)]]))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        kept = subsample(corpus.ids[lo:hi], keep, rng)
        yield corpus.ids[lo:hi][kept].astype(np.int32), document[lo:hi][kept], int(hi - lo)


def _examples(corpus: EncodedCorpus, keep: np.ndarray, table: np.ndarray, config: Word2VecConfig, seed: int):
    """One epoch's training examples chunk by chunk, in corpus order: (arrays, raw tokens in the chunk).

    Each chunk is subsampled afresh, turned into pairs (Skip-gram) or windows (CBOW), shuffled, and
    given ``negative`` noise words per example from the sampling ``table``.
    """
    rng = np.random.default_rng(seed)
    for ids, docs, words in _subsampled_chunks(corpus, keep, rng):
        if config.architecture == "skipgram":
            arrays = skipgram_pairs(ids, docs, config.window, rng)
        else:
            arrays = cbow_contexts(ids, docs, config.window, rng)
        order = rng.permutation(len(arrays[0]))
        negatives = table[rng.integers(0, len(table), (len(order), config.negative))]
        yield [*(a[order] for a in arrays), negatives], words


def _blocks(corpus: EncodedCorpus, keep: np.ndarray, table: np.ndarray, config: Word2VecConfig):
    """All epochs' examples cut into blocks of ``BLOCK_BATCHES * batch_size`` rows: (arrays..., valid, raw words).

    ``valid`` is 0 on the padding of the last block; raw words are shared out in proportion to rows.
    """
    size = BLOCK_BATCHES * config.batch_size
    pending, pending_words = None, 0.0
    for epoch in range(config.epochs):
        for arrays, words in _examples(corpus, keep, table, config, config.seed * 1000 + epoch):
            if pending is not None:
                arrays = [np.concatenate([p, a]) for p, a in zip(pending, arrays)]
            rows = len(arrays[0])
            per_row = (words + pending_words) / max(rows, 1)
            full = rows // size * size
            for lo in range(0, full, size):
                yield *[a[lo:lo + size] for a in arrays], np.ones(size, np.float32), np.float64(per_row * size)
            pending, pending_words = [a[full:] for a in arrays], per_row * (rows - full)
    if pending is not None and len(pending[0]):
        rows = len(pending[0])
        padded = [np.concatenate([a, np.zeros((size - rows, *a.shape[1:]), a.dtype)]) for a in pending]
        yield *padded, (np.arange(size) < rows).astype(np.float32), np.float64(pending_words)


def _pipeline(corpus: EncodedCorpus, keep: np.ndarray, table: np.ndarray, config: Word2VecConfig) -> tf.data.Dataset:
    """The blocks as a tf.data pipeline that builds the next blocks while one trains."""
    size, width = BLOCK_BATCHES * config.batch_size, 2 * config.window
    if config.architecture == "skipgram":
        signature = [tf.TensorSpec((size,), tf.int32), tf.TensorSpec((size,), tf.int32)]
    else:
        signature = [tf.TensorSpec((size,), tf.int32), tf.TensorSpec((size, width), tf.int32),
                     tf.TensorSpec((size, width), tf.bool)]
    signature += [tf.TensorSpec((size, config.negative), tf.int32), tf.TensorSpec((size,), tf.float32),
                  tf.TensorSpec((), tf.float64)]
    return tf.data.Dataset.from_generator(lambda: _blocks(corpus, keep, table, config),
                                          output_signature=tuple(signature)).prefetch(2)


def _fused_chunks(kernel, tables: _Tables, corpus: EncodedCorpus, keep: np.ndarray, counts: np.ndarray,
                  config: Word2VecConfig):
    """Train with the fused op, chunk by chunk: yields (raw words, mean loss per example) after each chunk."""
    noise_keep, noise_alias = (tf.constant(a) for a in noise_alias_table(counts))
    total, done = max(1, len(corpus.ids) * config.epochs), 0
    for epoch in range(config.epochs):
        rng = np.random.default_rng(config.seed * 1000 + epoch)
        for ids, documents, words in _subsampled_chunks(corpus, keep, rng):
            lr_start, lr_end = learning_rate(np.array([done, done + words]) / total, config.learning_rate)
            loss, examples = kernel.word2vec_train_chunk(
                tables.w_in.handle, tables.w_out.handle, ids, documents, noise_keep, noise_alias, float(lr_start),
                float(lr_end), int(rng.integers(2**62)), cbow=config.architecture == "cbow", window=config.window,
                negative=config.negative)
            done += words
            yield words, float(loss) / max(1, int(examples))


def _minibatch_blocks(tables: _Tables, corpus: EncodedCorpus, keep: np.ndarray, table: np.ndarray,
                      config: Word2VecConfig):
    """Train with XLA-compiled blocks of minibatches: yields (raw words, mean loss per example) after each block."""
    softmax = config.loss == "softmax"
    if config.architecture == "skipgram":
        def step(centers, contexts, negatives, valid, lr):
            return tables.skipgram_step(centers, contexts, negatives, valid, lr, softmax)
    else:
        def step(centers, contexts, mask, negatives, valid, lr):
            return tables.cbow_step(centers, contexts, mask, negatives, valid, lr, softmax)
    block = tf.function(lambda arrays, a, b: _train_block(step, config.batch_size, arrays, a, b), jit_compile=True)
    total, done = max(1, len(corpus.ids) * config.epochs), 0.0
    for *arrays, valid, words in _pipeline(corpus, keep, table, config):
        lr_start, lr_end = learning_rate(np.array([done, done + float(words)]) / total, config.learning_rate)
        loss = block([*arrays, valid], tf.constant(lr_start, tf.float32), tf.constant(lr_end, tf.float32))
        done += float(words)
        yield float(words), float(loss) / max(1.0, float(tf.reduce_sum(valid)))


def train(vocabulary: Vocabulary, corpus: EncodedCorpus, config: Word2VecConfig,
          progress: TrainingProgress | None = None) -> tuple[WordVectors, dict]:
    """Train word2vec; return the input vectors and training statistics (words/second on raw corpus words)."""
    progress = progress or TrainingProgress()
    corpus = corpus.without_unknown()
    keep = keep_probability(vocabulary.counts, config.sample)
    keep[0] = 0.0
    tables = _Tables(len(vocabulary), config)
    kernel = load_kernel() if config.loss == "negative" and not config.max_norm else None
    if kernel is not None:
        steps = _fused_chunks(kernel, tables, corpus, keep, vocabulary.counts, config)
    else:
        table = noise_table(vocabulary.counts, size=min(10_000_000, 100 * len(vocabulary)))
        steps = _minibatch_blocks(tables, corpus, keep, table, config)

    total = max(1, len(corpus.ids) * config.epochs)
    done, losses = 0.0, []
    started = time.perf_counter()
    for words, loss in steps:
        losses.append(loss)
        done += words
        progress.update(done / total, f"epoch {min(config.epochs, int(done) * config.epochs // total + 1)}/"
                                      f"{config.epochs} · loss {losses[-1]:.3f} · "
                                      f"{done / (time.perf_counter() - started):,.0f} words/s")
    seconds = time.perf_counter() - started
    stats = {"seconds": round(seconds, 2), "words": round(done), "words_per_second": round(done / max(seconds, 1e-9)),
             "final_loss": losses[-1] if losses else None,
             "steps": "fused op" if kernel is not None else "XLA minibatches"}
    return WordVectors(vocabulary.words, tables.w_in.numpy(), vocabulary.counts), stats
