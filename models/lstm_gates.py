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

GATES = ("input", "forget", "candidate", "output")


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
    """Run the LSTM equations over ``x`` ``(n, T, input)`` from zero states, keeping every gate value."""
    x = np.asarray(x, dtype=float)
    n, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    from_input = x @ kernel + bias  # (n, T, 4·units), all steps at once
    trace = {name: np.zeros((n, steps, units)) for name in ("input", "forget", "candidate", "output", "c", "h",
                                                            "h_prev", "c_prev")}
    h = np.zeros((n, units))
    c = np.zeros((n, units))
    for t in range(steps):
        z = from_input[:, t] + h @ recurrent_kernel
        zi, zf, zc, zo = np.split(z, 4, axis=-1)
        i, f, o = recurrent_activation(zi), recurrent_activation(zf), recurrent_activation(zo)
        g = activation(zc)
        trace["h_prev"][:, t], trace["c_prev"][:, t] = h, c
        c = f * c + i * g
        h = o * activation(c)
        for name, value in (("input", i), ("forget", f), ("candidate", g), ("output", o), ("c", c), ("h", h)):
            trace[name][:, t] = value
    return LSTMTrace(x=x, **trace)
