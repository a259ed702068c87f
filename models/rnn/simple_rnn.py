"""A simple recurrent network in NumPy, with backpropagation through time written out.

The equations are the ones of the source article (after Goodfellow, Bengio and
Courville's *Deep Learning*, ch. 10), one time step t at a time:

    a(t) = b + W h(t-1) + U x(t)
    h(t) = tanh(a(t))
    o(t) = c + V h(t)
    ŷ(t) = softmax(o(t))

The same parameters θ = {U, W, b, V, c} serve every time step. The loss J is
the cross-entropy summed over the steps that have a target. Backpropagation
through time (BPTT) computes, for each step, that step's share of the
gradient, (∂J/∂θ)^(t), and adds the shares into one ∂J/∂θ used for one update.
Truncated BPTT(k) lets the error of each step travel back at most k steps.

Arrays are batch-first: inputs ``(n, T, input_size)``, targets ``(n, T)`` of
class indices with -1 for "no target at this step". A single sequence
``(T, input_size)`` / ``(T,)`` is accepted too.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from core.errors import InputError

NO_TARGET = -1


@dataclass
class RNNParams:
    """θ = {U, W, b, V, c}; also used for gradients, which have the same shapes."""

    U: np.ndarray  # (hidden, input)
    W: np.ndarray  # (hidden, hidden)
    b: np.ndarray  # (hidden,)
    V: np.ndarray  # (output, hidden)
    c: np.ndarray  # (output,)

    def items(self) -> list[tuple[str, np.ndarray]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def map(self, function) -> RNNParams:
        """A new RNNParams with ``function`` applied to every array."""
        return RNNParams(**{name: function(value) for name, value in self.items()})

    def global_norm(self) -> float:
        """The L2 norm of all arrays taken together, as used by gradient clipping."""
        return float(np.sqrt(sum(np.sum(np.square(value)) for _, value in self.items())))


def spectral_radius(matrix: np.ndarray) -> float:
    """The largest absolute eigenvalue: how much W stretches h(t-1) per step in the long run."""
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def init_params(input_size: int, hidden_size: int, output_size: int, radius: float = 0.9,
                seed: int = 0) -> RNNParams:
    """Random θ with the recurrent matrix W rescaled to spectral radius ``radius``."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(hidden_size, hidden_size)) / np.sqrt(hidden_size)
    W *= radius / spectral_radius(W)
    return RNNParams(
        U=rng.normal(size=(hidden_size, input_size)) / np.sqrt(input_size),
        W=W,
        b=np.zeros(hidden_size),
        V=rng.normal(size=(output_size, hidden_size)) / np.sqrt(hidden_size),
        c=np.zeros(output_size),
    )


@dataclass
class ForwardPass:
    """Every value of the unrolled network, batch-first: ``(n, T, size)``."""

    x: np.ndarray
    h_prev: np.ndarray  # h(t-1) as seen by step t; h_prev[:, 0] is the initial state
    a: np.ndarray
    h: np.ndarray
    o: np.ndarray
    y_hat: np.ndarray


def _as_batch(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    x = x.astype(np.result_type(x.dtype, np.float32), copy=False)  # float32 stays float32; ints, lists: float64
    return x[None] if x.ndim == 2 else x


def softmax(o: np.ndarray) -> np.ndarray:
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def forward(params: RNNParams, x: np.ndarray, h0: np.ndarray | None = None) -> ForwardPass:
    """Run the four equations step by step over the sequence(s) ``x``."""
    x = _as_batch(x)
    n, steps, _ = x.shape
    hidden = params.W.shape[0]
    dtype = np.result_type(x, params.W)
    h_prev = np.zeros((n, steps, hidden), dtype)
    a = np.zeros((n, steps, hidden), dtype)
    h = np.zeros((n, steps, hidden), dtype)
    state = np.zeros((n, hidden), dtype) if h0 is None else np.broadcast_to(h0, (n, hidden))
    for t in range(steps):
        h_prev[:, t] = state
        a[:, t] = params.b + state @ params.W.T + x[:, t] @ params.U.T
        h[:, t] = state = np.tanh(a[:, t])
    o = params.c + h @ params.V.T
    return ForwardPass(x=x, h_prev=h_prev, a=a, h=h, o=o, y_hat=softmax(o))


def _target_mask(targets: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    targets = np.asarray(targets).reshape(shape)
    return targets, targets != NO_TARGET


def loss(fwd: ForwardPass, targets: np.ndarray) -> float:
    """J: cross-entropy -log ŷ(t)[y(t)] summed over all sequences and all steps with a target."""
    targets, has = _target_mask(targets, fwd.o.shape[:2])
    picked = np.take_along_axis(fwd.y_hat, np.where(has, targets, 0)[..., None], axis=-1)[..., 0]
    return float(-np.sum(np.log(np.clip(picked, 1e-300, None)) * has))


@dataclass
class BPTTResult:
    """∂J/∂θ, its per-step shares (∂J/∂θ)^(t) (leading axis T) and ∂J/∂h(t) ``(n, T, hidden)``."""

    grads: RNNParams
    steps: RNNParams
    dh: np.ndarray
    loss: float


def _sweep(params: RNNParams, fwd: ForwardPass, injected: np.ndarray, start: int, stop: int,
           da: np.ndarray, dh: np.ndarray) -> None:
    """Carry an error back from step ``start`` down to ``stop`` (inclusive), adding into ``da`` and ``dh``.

    ``injected[:, t]`` is the error entering h(t) from the output o(t); what
    flows on to h(t-1) is W^T (∂J/∂a(t)).
    """
    carry = np.zeros_like(injected[:, 0])
    for t in range(start, stop - 1, -1):
        grad_h = injected[:, t] + carry
        grad_a = grad_h * (1.0 - fwd.h[:, t] ** 2)
        dh[:, t] += grad_h
        da[:, t] += grad_a
        carry = grad_a @ params.W


def bptt(params: RNNParams, x: np.ndarray, targets: np.ndarray, truncation: int | None = None,
         h0: np.ndarray | None = None) -> BPTTResult:
    """Gradients of J by backpropagation through time, full or truncated to ``truncation`` steps.

    Full BPTT sends every step's error back to the first step in one sweep.
    With truncation k, the error made at step t reaches h(t), ..., h(t-k+1)
    and no further, so each step's error gets its own short sweep.
    The per-step shares of ∂J/∂θ are then summed into one gradient.
    """
    fwd = forward(params, x, h0)
    n, steps, _ = fwd.x.shape
    targets, has = _target_mask(targets, (n, steps))
    onehot = np.zeros_like(fwd.y_hat)
    np.put_along_axis(onehot, np.where(has, targets, 0)[..., None], 1.0, axis=-1)
    do = (fwd.y_hat - onehot) * has[..., None]  # ∂J/∂o(t) = ŷ(t) - onehot(y(t)) where there is a target
    injected = do @ params.V
    da = np.zeros_like(fwd.a)
    dh = np.zeros_like(fwd.h)
    if truncation is None or truncation >= steps:
        _sweep(params, fwd, injected, steps - 1, 0, da, dh)
    else:
        if truncation < 1:
            raise ValueError("truncation must be at least 1 step")
        for t in range(steps):
            if has[:, t].any():
                only_t = np.zeros_like(injected)
                only_t[:, t] = injected[:, t]
                _sweep(params, fwd, only_t, t, max(0, t - truncation + 1), da, dh)
    def per_step(error: np.ndarray, signal: np.ndarray) -> np.ndarray:
        """Σ over sequences of error(t) ⊗ signal(t), for every step t: (n, T, a), (n, T, b) -> (T, a, b)."""
        return np.matmul(error.transpose(1, 2, 0), signal.transpose(1, 0, 2))

    shares = RNNParams(U=per_step(da, fwd.x), W=per_step(da, fwd.h_prev), b=da.sum(axis=0),
                       V=per_step(do, fwd.h), c=do.sum(axis=0))
    return BPTTResult(grads=shares.map(lambda s: s.sum(axis=0)), steps=shares, dh=dh, loss=loss(fwd, targets))


def clip_by_global_norm(grads: RNNParams, threshold: float) -> tuple[RNNParams, float]:
    """Rescale the gradient to norm ``threshold`` when it is longer (Pascanu et al. 2013); return it and its norm."""
    norm = grads.global_norm()
    if threshold <= 0:
        raise ValueError("the clip threshold must be positive")
    scale = threshold / norm if norm > threshold else 1.0
    return grads.map(lambda g: g * scale), norm


def gradient_through_time(params: RNNParams, x: np.ndarray, target: int) -> np.ndarray:
    """‖∂J/∂h(t)‖ for t = 1..T when the only loss is at the last step: the error signal reaching each step."""
    x = _as_batch(x)
    targets = np.full(x.shape[:2], NO_TARGET)
    targets[:, -1] = target
    return np.linalg.norm(bptt(params, x, targets).dh, axis=-1).mean(axis=0)


def error_through_time(length: int, hidden_size: int, radius: float, sequences: int = 16,
                       seed: int = 0) -> pd.DataFrame:
    """‖∂J/∂h(t)‖ per step for random small inputs and W of the given spectral radius, next to ρ^(T-t)·‖∂J/∂h(T)‖.

    The second column is what a linear network (no tanh) would give: the
    error shrinking or growing by the spectral radius at every step back.
    """
    params = init_params(4, hidden_size, 4, radius, seed=seed)
    x = np.random.default_rng(seed).normal(size=(sequences, length, 4)) * 0.2
    norms = gradient_through_time(params, x, target=1)
    t = np.arange(1, length + 1)
    return pd.DataFrame({"step t": t, "‖∂J/∂h(t)‖": norms, "ρ^(T−t) · ‖∂J/∂h(T)‖": norms[-1] * radius ** (length - t)})


VANISHING_BELOW = 0.1
"""An error signal reaching step 1 at less than this share of its size at step T has vanished."""
EXPLODING_ABOVE = 10.0
"""An error signal reaching step 1 at more than this many times its size at step T has exploded."""


def error_ratio(flow: pd.DataFrame) -> float:
    """‖∂J/∂h(1)‖ / ‖∂J/∂h(T)‖ of an :func:`error_through_time` table: how the error changed on its way back."""
    measured = flow["‖∂J/∂h(t)‖"]
    return measured.iloc[0] / measured.iloc[-1]


def error_verdict(ratio: float) -> str:
    """What became of the error signal with this :func:`error_ratio`: vanishing, exploding or roughly preserved."""
    return "vanishing" if ratio < VANISHING_BELOW else "exploding" if ratio > EXPLODING_ABOVE else "roughly preserved"


class SimpleRNN:
    """The NumPy RNN trained by plain gradient descent with (truncated) BPTT and optional clipping.

    Estimator style: ``SimpleRNN(...).fit(x, targets)``; the trained θ is ``params_``.
    ``history_`` records, per update, the loss per sequence, the norm of the mean
    gradient before clipping and whether it was clipped. A run whose loss stops being a
    finite number is halted and ``diverged_at_`` gives the update.

    Its matrices are tiny, so one BLAS thread is fastest; the page runs these fits as jobs, on workers started
    with one BLAS thread (``core.cluster``). The fit itself leaves the process's thread pools alone: they are
    process-wide, and a server runs many sessions' requests at once.
    """

    def __init__(self, hidden_size: int = 16, radius: float = 0.9, learning_rate: float = 0.1, updates: int = 100,
                 clip: float | None = None, truncation: int | None = None, seed: int = 0):
        self.hidden_size = hidden_size
        self.radius = radius
        self.learning_rate = learning_rate
        self.updates = updates
        self.clip = clip
        self.truncation = truncation
        self.seed = seed

    def fit(self, x: np.ndarray, targets: np.ndarray, n_classes: int | None = None) -> SimpleRNN:
        x = _as_batch(x)
        targets = np.asarray(targets).reshape(x.shape[:2])
        n_classes = n_classes or int(targets.max()) + 1
        self.params_ = init_params(x.shape[-1], self.hidden_size, n_classes, self.radius, self.seed)
        self.history_: list[dict] = []
        self.diverged_at_: int | None = None
        n = len(x)
        for update in range(self.updates):
            with np.errstate(over="ignore", invalid="ignore"):
                result = bptt(self.params_, x, targets, self.truncation)
                grads = result.grads.map(lambda g: g / n)  # mean over the sequences of the batch
                norm = grads.global_norm()
                if self.clip is not None:
                    grads, norm = clip_by_global_norm(grads, self.clip)
            self.history_.append({"update": update, "loss": result.loss / n, "grad_norm": norm,
                                  "clipped": self.clip is not None and norm > self.clip})
            if not np.isfinite(result.loss) or not np.isfinite(norm):
                self.diverged_at_ = update
                break
            self.params_ = RNNParams(**{name: value - self.learning_rate * getattr(grads, name)
                                        for name, value in self.params_.items()})
        return self


def _as_word(text: str) -> str:
    """The word as the letters task reads it: without surrounding spaces, in lower case."""
    return text.strip().lower()


def letters_task(word: str, max_letters: int = 12) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A word as a next-letter task: one-hot letters ``(T, alphabet)``, targets (the next letter; none at the end)."""
    word = _as_word(word)
    if len(word) < 2 or len(word) > max_letters or not word.isascii() or not word.isalpha():
        raise InputError(f"Type one word of 2 to {max_letters} letters a-z (no spaces, digits or accents), "
                         "for example 'hello'.")
    alphabet = sorted(set(word))
    ids = np.array([alphabet.index(letter) for letter in word])
    targets = np.append(ids[1:], NO_TARGET)
    return np.eye(len(alphabet))[ids], targets, alphabet


def finite_difference_gap(params: RNNParams, x: np.ndarray, targets: np.ndarray, entries: int = 10,
                          eps: float = 1e-6, seed: int = 0) -> float:
    """Largest |BPTT - central difference| over ``entries`` random weights of each parameter: a live gradient check."""
    rng = np.random.default_rng(seed)
    grads = bptt(params, x, targets).grads
    probe = RNNParams(**{name: value.copy() for name, value in params.items()})
    gap = 0.0
    for name, value in probe.items():
        for flat in rng.choice(value.size, size=min(entries, value.size), replace=False):
            index = np.unravel_index(flat, value.shape)
            old = value[index]
            value[index] = old + eps
            up = loss(forward(probe, x), targets)
            value[index] = old - eps
            down = loss(forward(probe, x), targets)
            value[index] = old
            gap = max(gap, abs((up - down) / (2 * eps) - getattr(grads, name)[index]))
    return gap


@dataclass
class UnrolledWord:
    """A word read letter by letter by a fresh network guessing the next letter: every value of the unrolled run."""

    word: str  # as read: without surrounding spaces, in lower case
    alphabet: list[str]
    targets: np.ndarray
    fwd: ForwardPass
    result: BPTTResult
    gap: float  # the live gradient check, :func:`finite_difference_gap`

    def step_losses(self) -> list[float]:
        """J(t) = −log ŷ(t)[next letter] per step; 0 at the last step, which has no next letter."""
        return [-np.log(self.fwd.y_hat[0, t, i]) if i != NO_TARGET else 0.0 for t, i in enumerate(self.targets)]

    def w_gradient_norm(self) -> float:
        """‖∂J/∂W‖, the length of the recurrent weights' gradient."""
        return float(np.linalg.norm(self.result.grads.W))

    def steps(self) -> pd.DataFrame:
        """One row per step: input, target, J(t), the norms of the step's gradient shares and of ∂J/∂h(t)."""
        return pd.DataFrame({
            "step t": np.arange(1, len(self.word) + 1),
            "input": list(self.word),
            "target (next letter)": [self.alphabet[i] if i != NO_TARGET else "—" for i in self.targets],
            "J(t)": self.step_losses(),
            "‖(∂J/∂W)^(t)‖": np.linalg.norm(self.result.steps.W, axis=(1, 2)),
            "‖(∂J/∂U)^(t)‖": np.linalg.norm(self.result.steps.U, axis=(1, 2)),
            "‖∂J/∂h(t)‖": np.linalg.norm(self.result.dh[0], axis=1),
        })


def unroll_word(word: str, hidden_size: int, radius: float, truncation: int | None = None) -> UnrolledWord:
    """Run a fresh network (W at spectral ``radius``, seed 0) over the letters task of ``word``, with BPTT(k)."""
    x, targets, alphabet = letters_task(word)
    params = init_params(len(alphabet), hidden_size, len(alphabet), radius, seed=0)
    return UnrolledWord(word=_as_word(word), alphabet=alphabet, targets=targets, fwd=forward(params, x),
                        result=bptt(params, x, targets, truncation=truncation),
                        gap=finite_difference_gap(params, x, targets))
