"""A sequence task with a long dependency, learned by a simple RNN and by an LSTM.

The task: read T symbols, then say which one came first. The first symbol is
drawn from a small alphabet of "signals", the T - 1 that follow from a
separate alphabet of distractors, so the answer is there from the first step
and only has to be carried through T - 1 updates of the state. A simple RNN
carries it through repeated multiplication by W and tanh', so the error
signal that should teach it to remember fades with T (see ``models.simple_rnn``);
an LSTM's cell state is updated additively, c(t) = f ⊙ c(t-1) + i ⊙ c̃, and
the error flows back along it scaled only by the forget gate.

Both networks are plain NumPy, trained the same way (Adam on fresh
minibatches) so only the architecture differs. The simple RNN's gradients
come from ``models.simple_rnn.bptt``; the LSTM's from ``lstm_gradients``.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.rnn import simple_rnn
from models.rnn.lstm_gates import lstm_forward
from core.jobs import run_side_by_side

KINDS = ("simple RNN", "LSTM")
FORGET_BIAS, INPUT_BIAS = 5.0, -2.0


def first_symbol_task(n: int, length: int, signals: int = 4, distractors: int = 4,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` one-hot sequences ``(n, length, signals + distractors)`` and their first symbol ``(n,)``."""
    rng = np.random.default_rng(seed)
    answer = rng.integers(0, signals, size=n)
    ids = rng.integers(signals, signals + distractors, size=(n, length))
    ids[:, 0] = answer
    return np.eye(signals + distractors, dtype=np.float32)[ids], answer


def _softmax_error(o: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of the last-step outputs ``o`` ``(n, classes)`` and its gradient with respect to ``o``."""
    y_hat = simple_rnn.softmax(o)
    n = len(y)
    loss = float(-np.mean(np.log(np.clip(y_hat[np.arange(n), y], 1e-300, None))))
    d_o = y_hat.copy()
    d_o[np.arange(n), y] -= 1.0
    return loss, d_o / n


Arrays = dict[str, np.ndarray]


def lstm_gradients(params: Arrays, x: np.ndarray, y: np.ndarray) -> tuple[float, Arrays]:
    """Loss and BPTT gradients of an LSTM read out at its last step: ŷ = softmax(c + V h(T)).

    Backwards through each step, the error on the cell state goes on to
    c(t-1) multiplied by the forget gate f(t) only: the LSTM's long path.
    The gates' local derivatives depend only on the forward values, so they
    are computed for all steps at once; the loop keeps just the chain.
    """
    trace = lstm_forward(params["kernel"], params["recurrent_kernel"], params["bias"], x)
    h_last = trace.h[:, -1]
    loss, d_o = _softmax_error(h_last @ params["V"].T + params["c"], y)
    grads = {"V": d_o.T @ h_last, "c": d_o.sum(axis=0)}
    time_first = {name: value.transpose(1, 0, 2) for name, value in vars(trace).items()}
    i, f, g, o = (time_first[gate] for gate in ("input", "forget", "candidate", "output"))
    tanh_c = np.tanh(time_first["c"])
    to_cell = o * (1.0 - tanh_c ** 2)  # ∂c(t)/∂h(t) share: how h's error reaches the cell
    # ∂z/∂c for the i, f, c̃ blocks and ∂z/∂h for the o block, side by side like the gates
    local = np.concatenate([g * i * (1 - i), time_first["c_prev"] * f * (1 - f), i * (1 - g ** 2),
                            tanh_c * o * (1 - o)], axis=-1)
    recurrent_t = params["recurrent_kernel"].T
    dh = d_o @ params["V"]
    dc = np.zeros_like(dh)
    dz = np.empty_like(local)
    for t in range(len(local) - 1, -1, -1):
        dc += dh * to_cell[t]
        np.multiply(np.concatenate([dc, dc, dc, dh], axis=-1), local[t], out=dz[t])
        dh = dz[t] @ recurrent_t
        dc *= f[t]
    dz_rows = dz.reshape(-1, dz.shape[-1])  # every (step, sequence) a row: one matrix product each, summed over both
    grads["kernel"] = time_first["x"].reshape(-1, time_first["x"].shape[-1]).T @ dz_rows
    grads["recurrent_kernel"] = time_first["h_prev"].reshape(-1, dz.shape[-1] // 4).T @ dz_rows
    grads["bias"] = dz_rows.sum(axis=0)
    return loss, grads


def _rnn_gradients(params: Arrays, x: np.ndarray, y: np.ndarray) -> tuple[float, Arrays]:
    """Loss and BPTT gradients of the simple RNN read out at its last step (mean over the batch)."""
    targets = np.full(x.shape[:2], simple_rnn.NO_TARGET)
    targets[:, -1] = y
    result = simple_rnn.bptt(simple_rnn.RNNParams(**params), x, targets)
    return result.loss / len(y), {name: g / len(y) for name, g in result.grads.items()}


def _init(kind: str, inputs: int, hidden: int, classes: int, seed: int) -> dict[str, np.ndarray]:
    """Initial weights. The LSTM's gate biases start with the forget gate almost open (bias 5, f ≈ 0.993) and
    the input gate mostly shut (bias -2, i ≈ 0.12): the cell begins by keeping what it holds and letting little
    distractor noise in, in the spirit of chrono initialisation (Tallec & Ollivier 2018). After 100 steps
    0.993^100 ≈ half of the first symbol is still in the cell; with bias 4 (f ≈ 0.982) only 16% was, and the
    LSTM rarely learned T = 100 in 200 updates (50-76% over four seeds). With Keras's defaults (1 and 0) the
    cell forgets within a few dozen steps and fills up with noise."""
    if kind == "simple RNN":
        return dict(simple_rnn.init_params(inputs, hidden, classes, radius=0.9, seed=seed).items())
    rng = np.random.default_rng(seed)
    bias = np.zeros(4 * hidden)
    bias[:hidden] = INPUT_BIAS
    bias[hidden:2 * hidden] = FORGET_BIAS
    return {"kernel": rng.normal(size=(inputs, 4 * hidden)) / np.sqrt(inputs),
            "recurrent_kernel": np.linalg.qr(rng.normal(size=(4 * hidden, hidden)))[0].T,
            "bias": bias,
            "V": rng.normal(size=(classes, hidden)) / np.sqrt(hidden),
            "c": np.zeros(classes)}


@dataclass
class AdamState:
    """First and second moment estimates of Adam (Kingma & Ba 2015), one pair per parameter."""

    m: dict[str, np.ndarray]
    v: dict[str, np.ndarray]
    step: int = 0


def adam_update(params: dict[str, np.ndarray], grads: dict[str, np.ndarray], state: AdamState,
                learning_rate: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
    """One Adam step on ``params`` in place."""
    state.step += 1
    for name, grad in grads.items():
        state.m[name] = beta1 * state.m[name] + (1 - beta1) * grad
        state.v[name] = beta2 * state.v[name] + (1 - beta2) * grad ** 2
        m_hat = state.m[name] / (1 - beta1 ** state.step)
        v_hat = state.v[name] / (1 - beta2 ** state.step)
        params[name] -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)


class LongMemoryNet:
    """A simple RNN or an LSTM that reads a whole sequence and classifies it from its last state.

    ``fit(x, y)`` runs Adam on minibatches drawn from ``x`` for at most
    ``updates`` steps, stopping early once a minibatch loss falls below
    ``target_loss``. ``history_`` holds the loss per update. Like :class:`models.rnn.simple_rnn.SimpleRNN`, it
    leaves the process's thread pools alone (the page's fits run on job workers with one BLAS thread).
    """

    def __init__(self, kind: str = "LSTM", hidden_size: int = 16, learning_rate: float = 0.02, updates: int = 200,
                 batch_size: int = 64, target_loss: float = 0.05, seed: int = 0):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        self.kind = kind
        self.hidden_size = hidden_size
        self.learning_rate = learning_rate
        self.updates = updates
        self.batch_size = batch_size
        self.target_loss = target_loss
        self.seed = seed

    def fit(self, x: np.ndarray, y: np.ndarray) -> LongMemoryNet:
        classes = int(y.max()) + 1
        # float32 halves the memory traffic of every step and is ample for training (the gradient checks use float64)
        initial = _init(self.kind, x.shape[-1], self.hidden_size, classes, self.seed)
        self.params_ = {name: value.astype(np.float32) for name, value in initial.items()}
        x = np.asarray(x, dtype=np.float32)
        gradients = lstm_gradients if self.kind == "LSTM" else _rnn_gradients
        state = AdamState(m={k: np.zeros_like(v) for k, v in self.params_.items()},
                          v={k: np.zeros_like(v) for k, v in self.params_.items()})
        rng = np.random.default_rng(self.seed)
        self.history_: list[float] = []
        for _ in range(self.updates):
            batch = rng.choice(len(x), size=min(self.batch_size, len(x)), replace=False)
            loss, grads = gradients(self.params_, x[batch], y[batch])
            self.history_.append(loss)
            if loss < self.target_loss:
                break
            adam_update(self.params_, grads, state, self.learning_rate)
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities from the state after the last step ``(n, classes)``."""
        if self.kind == "LSTM":
            p = self.params_
            h_last = lstm_forward(p["kernel"], p["recurrent_kernel"], p["bias"], x).h[:, -1]
            return simple_rnn.softmax(h_last @ p["V"].T + p["c"])
        return simple_rnn.forward(simple_rnn.RNNParams(**self.params_), x).y_hat[:, -1]

    def score(self, x: np.ndarray, y: np.ndarray) -> float:
        """Accuracy: the share of sequences whose first symbol is recalled."""
        return float(np.mean(self.predict_proba(x).argmax(axis=-1) == y))


RACE_LENGTHS = (5, 10, 20, 40, 80)
"""The gap lengths the race is always run at, up to the length asked for."""


def race_lengths(length: int) -> list[int]:
    """The lengths to race at to show the gap ``length`` among shorter ones: the usual ones up to it, and it."""
    return sorted({t for t in RACE_LENGTHS if t <= length} | {length})


def race_at_length(results: pd.DataFrame, length: int) -> pd.DataFrame:
    """The rows of :func:`race` at length ``length``, indexed by network."""
    return results[results["T"] == length].set_index("network")


def race(lengths: int | Sequence[int], hidden_size: int = 16, train_size: int = 2048, test_size: int = 512,
         seed: int = 0, **fit_options) -> pd.DataFrame:
    """Train a simple RNN and an LSTM on the task at each length T; their test accuracy, updates and seconds.

    The runs are independent, so they train side by side in worker
    processes of the job cluster (:func:`core.jobs.run_side_by_side`), the longest first.
    """
    lengths = [lengths] if isinstance(lengths, int) else sorted(set(lengths), reverse=True)
    runs = [(length, kind, hidden_size, train_size, test_size, seed, fit_options)
            for length in lengths for kind in KINDS]
    rows = run_side_by_side(race_run, runs)
    return pd.DataFrame(rows).sort_values("T", kind="stable").reset_index(drop=True)


def race_run(length: int, kind: str, hidden_size: int, train_size: int, test_size: int, seed: int,
             fit_options: dict) -> dict:
    """One network's run of the race at length T: both networks of a length see the same data (same seed)."""
    x, y = first_symbol_task(train_size + test_size, length, seed=seed)
    start = time.perf_counter()
    net = LongMemoryNet(kind, hidden_size, seed=seed, **fit_options).fit(x[:train_size], y[:train_size])
    return {"T": length, "network": kind, "accuracy": net.score(x[train_size:], y[train_size:]),
            "updates": len(net.history_), "seconds": time.perf_counter() - start}


CLIPPING_UPDATES = 100
"""Updates of gradient descent in each run of :func:`clipping_comparison`."""


def clipping_comparison(length: int, hidden_size: int, radius: float, clip: float, learning_rate: float = 1.0,
                        updates: int = CLIPPING_UPDATES, sequences: int = 64, seed: int = 0) -> pd.DataFrame:
    """The simple RNN learning the task by plain gradient descent, without and with gradient clipping.

    Same data, same initial weights (W at spectral ``radius``), same steps;
    one row per update and run with the loss, the gradient norm before
    clipping and whether it was clipped. The two runs train side by side.
    """
    x, y = first_symbol_task(sequences, length, seed=seed)
    targets = np.full(x.shape[:2], simple_rnn.NO_TARGET)
    targets[:, -1] = y
    runs = [(x, targets, label, simple_rnn.SimpleRNN(hidden_size, radius, learning_rate, updates, clip=threshold,
                                                      seed=seed))
            for label, threshold in (("without clipping", None), (f"clipped at {clip}", clip))]
    return pd.concat(run_side_by_side(_descent_history, runs), ignore_index=True)


def _descent_history(x: np.ndarray, targets: np.ndarray, label: str, model: simple_rnn.SimpleRNN) -> pd.DataFrame:
    """Fit ``model`` and return its history per update, labelled ``label``."""
    return pd.DataFrame(model.fit(x, targets).history_).assign(run=label)


@dataclass
class ClippingOutcome:
    """What the two runs of :func:`clipping_comparison` did: worst and last losses, clipped updates, blow-up."""

    worst_without: float
    worst_with: float
    clipped: int  # updates of the clipped run whose gradient was clipped
    updates_with: int  # updates the clipped run made
    blew_up_at: int | None  # updates the unclipped run made before its loss stopped being a number; None: all
    end_without: float
    end_with: float

    @property
    def clipping_ended_lower(self) -> bool:
        """Whether the clipped run ended no higher than the unclipped one (or the unclipped one ended in no number)."""
        return not np.isfinite(self.end_without) or self.end_with <= self.end_without


def clipping_outcome(runs: pd.DataFrame, updates: int = CLIPPING_UPDATES) -> ClippingOutcome:
    """Sum up the table of :func:`clipping_comparison` (of ``updates`` updates per run): unclipped run first."""
    wild, tame = (runs[runs.run == name] for name in runs.run.unique())
    return ClippingOutcome(worst_without=wild.loss.max(), worst_with=tame.loss.max(),
                           clipped=int(tame.clipped.sum()), updates_with=len(tame),
                           blew_up_at=len(wild) if len(wild) < updates else None,
                           end_without=wild.loss.iloc[-1], end_with=tame.loss.iloc[-1])
