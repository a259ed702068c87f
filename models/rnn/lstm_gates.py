"""What an LSTM layer does word by word: its gates and cell state, recomputed from its weights.

A Keras ``LSTM`` layer keeps three arrays: ``kernel`` (input → gates,
``(input, 4·units)``), ``recurrent_kernel`` (h(t-1) → gates, ``(units,
4·units)``) and ``bias`` (``4·units``), each split into four blocks in the
order input gate i, forget gate f, candidate c̃, output gate o. With them:

    z(t) = x(t)·kernel + h(t-1)·recurrent_kernel + bias
    i, f, o = σ(z_i), σ(z_f), σ(z_o);  c̃ = tanh(z_c)
    c(t) = f ⊙ c(t-1) + i ⊙ c̃;         h(t) = o ⊙ tanh(c(t))

Recomputing them in NumPy exposes the values the layer never returns. The
module imports no TensorFlow: it reads weights from any layer object that has
``get_weights()`` and a Keras-style config.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError

def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow


def hard_sigmoid(z: np.ndarray) -> np.ndarray:
    """Keras 3's hard sigmoid: relu6(z + 3) / 6."""
    return np.clip((z + 3.0) / 6.0, 0.0, 1.0)


ACTIVATIONS = {"sigmoid": sigmoid, "hard_sigmoid": hard_sigmoid, "tanh": np.tanh}


@dataclass
class LSTMTrace:
    """Every step of an LSTM run, batch-first ``(n, T, units)``; ``h_prev``/``c_prev`` are the states entering each step."""

    x: np.ndarray
    input: np.ndarray
    forget: np.ndarray
    candidate: np.ndarray
    output: np.ndarray
    c: np.ndarray
    h: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray


def lstm_forward(kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray, x: np.ndarray,
                 activation=np.tanh, recurrent_activation=sigmoid) -> LSTMTrace:
    """Run the LSTM equations over ``x`` ``(n, T, input)`` from zero states, keeping every gate value.

    The loop does only what must be done step by step (about ten array
    operations, all on time-first rows); h(t-1) and c(t-1) are views of the
    same arrays one step back, so the trace costs no copies.
    """
    x = np.asarray(x)
    x = x.astype(np.result_type(x.dtype, kernel.dtype, np.float32), copy=False)  # float32 in, float32 out
    n, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    from_input = (x @ kernel + bias).transpose(1, 0, 2)  # (T, n, 4·units), all steps at once
    gates = np.empty((steps, n, 4 * units), dtype=x.dtype)  # i, f, c̃, o in Keras' order
    h = np.zeros((steps + 1, n, units), dtype=x.dtype)  # h[0] and c[0] are the zero start states
    c = np.zeros((steps + 1, n, units), dtype=x.dtype)
    candidate = slice(2 * units, 3 * units)
    for t in range(steps):
        z = from_input[t] + h[t] @ recurrent_kernel
        gate = gates[t]
        gate[:] = recurrent_activation(z)
        gate[:, candidate] = activation(z[:, candidate])
        np.add(gate[:, units:2 * units] * c[t], gate[:, :units] * gate[:, candidate], out=c[t + 1])
        np.multiply(gate[:, 3 * units:], activation(c[t + 1]), out=h[t + 1])
    batch_first = {"input": gates[..., :units], "forget": gates[..., units:2 * units],
                   "candidate": gates[..., candidate], "output": gates[..., 3 * units:],
                   "c": c[1:], "h": h[1:], "h_prev": h[:-1], "c_prev": c[:-1]}
    return LSTMTrace(x=x, **{name: value.transpose(1, 0, 2) for name, value in batch_first.items()})


def lstm_layer(keras_model):
    """The model's LSTM layer; of a ``Bidirectional`` wrapper, the forward (left-to-right) one."""
    for layer in keras_model.layers:
        kind = type(layer).__name__
        if kind == "LSTM":
            return layer
        if kind == "Bidirectional" and type(layer.forward_layer).__name__ == "LSTM":
            return layer.forward_layer
    raise ValueError("the model has no LSTM layer")


def embedding_layer(keras_model):
    """The model's ``Embedding`` layer (word id → vector)."""
    for layer in keras_model.layers:
        if type(layer).__name__ == "Embedding":
            return layer
    raise ValueError("the model has no Embedding layer")


def read_gates(layer, x: np.ndarray) -> LSTMTrace:
    """Gates and states of a Keras LSTM ``layer`` over inputs ``x`` ``(n, T, input)`` or ``(T, input)``."""
    config = layer.get_config()
    names = (config.get("activation", "tanh"), config.get("recurrent_activation", "sigmoid"))
    if any(name not in ACTIVATIONS for name in names):
        raise ValueError(f"unsupported LSTM activations {names}; known: {sorted(ACTIVATIONS)}")
    weights = layer.get_weights()
    kernel, recurrent_kernel = weights[0], weights[1]
    bias = weights[2] if config.get("use_bias", True) else np.zeros(kernel.shape[1])
    x = np.asarray(x, dtype=float)
    return lstm_forward(kernel, recurrent_kernel, bias, x[None] if x.ndim == 2 else x,
                        ACTIVATIONS[names[0]], ACTIVATIONS[names[1]])


@dataclass
class GateReading:
    """The LSTM's gates and cell state at each word of one review (``trace`` holds one sequence)."""

    words: list[str]
    trace: LSTMTrace
    padding_read: int = 0
    """Padding steps the LSTM read before the words (models that do not mask padding)."""

    def gate_means(self) -> pd.DataFrame:
        """Per word, each gate's value averaged over the units: how open the gates are, word by word."""
        frame = pd.DataFrame({"position": np.arange(len(self.words)), "word": self.words})
        for gate in ("input", "forget", "output"):
            frame[gate] = getattr(self.trace, gate)[0].mean(axis=1)
        return frame

    def busiest_cells(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``count`` units whose cell state moves most over the review, and their cell states ``(count, T)``."""
        cells = self.trace.c[0]
        units = np.argsort(cells.max(axis=0) - cells.min(axis=0))[::-1][:count]
        return units, cells[:, units].T

    def gate_of_units(self, gate: str, units: np.ndarray) -> np.ndarray:
        """The values of ``gate`` ("input", "forget" or "output") at ``units``, word by word ``(len(units), T)``."""
        return getattr(self.trace, gate)[0][:, units].T


def gates_over_text(sentiment_model, text: str) -> GateReading:
    """Feed ``text`` through the sentiment model's pipeline, embedding and LSTM, keeping the gates at each word.

    The padded ids are run exactly as the model runs them: a layer that masks
    padding skips it, one that does not reads the padding too; only the
    review's own words are kept for display.
    """
    pipeline, network = sentiment_model.pipeline, sentiment_model.keras_model
    tokens = pipeline.tokenize(text)
    if not tokens:
        raise InputError("There are no words in this text: type a sentence or two of a review.")
    words = pipeline.kept(tokens)
    ids = pipeline.encode_tokens([tokens])[0]
    if not any(pipeline.known(words)):
        raise InputError("None of these words is in the model's vocabulary, so the LSTM would only see "
                         "'unknown word' at every step: try an ordinary English review.")
    embedding = embedding_layer(network)
    vectors = embedding.get_weights()[0][ids]
    is_word = ids != 0
    if embedding.get_config().get("mask_zero"):
        return GateReading(words, read_gates(lstm_layer(network), vectors[is_word]))
    trace = read_gates(lstm_layer(network), vectors)
    keep = np.flatnonzero(is_word)
    return GateReading(words, LSTMTrace(**{name: value[:, keep] for name, value in vars(trace).items()}),
                       padding_read=int(np.sum(~is_word)))
