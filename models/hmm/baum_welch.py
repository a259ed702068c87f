"""Baum-Welch (EM) for a first-order HMM on words alone: what an HMM learns when no tag is ever shown.

Sentences are processed in batches of similar length, each position of a batch at once, with the scaled
forward-backward recursions (probabilities normalised at every step; the log-likelihood is the sum of the
logs of the scales). One E-step plus M-step is :func:`em_step`; the same update as hmmlearn's
``CategoricalHMM.fit`` for one iteration (a test checks it).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

BATCH = 512


@dataclass(frozen=True)
class Parameters:
    start: np.ndarray
    """(K,) P(first state)."""
    transition: np.ndarray
    """(K, K) P(next state | state)."""
    emission: np.ndarray
    """(K, V) P(word | state)."""


def random_parameters(states: int, symbols: int, seed: int) -> Parameters:
    """A random start: every distribution drawn from a flat Dirichlet."""
    rng = np.random.default_rng(seed)
    return Parameters(rng.dirichlet(np.ones(states)), rng.dirichlet(np.ones(states), size=states),
                      rng.dirichlet(np.ones(symbols), size=states))


def batches(sequences: Sequence[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(order of the sentences, padded word ids (N, L), mask (N, L)) per batch of similar lengths."""
    order = np.argsort([len(s) for s in sequences], kind="stable")
    out = []
    for start in range(0, len(order), BATCH):
        chosen = order[start:start + BATCH]
        longest = max(len(sequences[i]) for i in chosen)
        ids = np.zeros((len(chosen), longest), dtype=np.int64)
        mask = np.zeros((len(chosen), longest), dtype=bool)
        for row, i in enumerate(chosen):
            ids[row, :len(sequences[i])] = sequences[i]
            mask[row, :len(sequences[i])] = True
        out.append((chosen, ids, mask))
    return out


def em_step(parameters: Parameters, prepared: list) -> tuple[Parameters, float, list[np.ndarray]]:
    """One Baum-Welch iteration: the re-estimated parameters, the log-likelihood of the data under the old
    ones, and each sentence's most probable state per word (posterior decoding, in the sentences' order)."""
    start, transition, emission = parameters.start, parameters.transition, parameters.emission
    states = len(start)
    start_counts, transition_counts = np.zeros(states), np.zeros((states, states))
    emission_counts = np.zeros_like(emission)
    log_likelihood = 0.0
    decoded: dict[int, np.ndarray] = {}
    for chosen, ids, mask in prepared:
        sentences, length = ids.shape
        observed = emission.T[ids]  # (N, L, K): P(word at each position | state)
        alpha = np.empty((sentences, length, states))
        scale = np.ones((sentences, length))
        first = start * observed[:, 0]
        scale[:, 0] = first.sum(axis=1)
        alpha[:, 0] = first / scale[:, :1]
        for t in range(1, length):
            step = (alpha[:, t - 1] @ transition) * observed[:, t]
            live = mask[:, t]
            scale[live, t] = step[live].sum(axis=1)
            alpha[:, t] = np.where(live[:, None], step / scale[:, t:t + 1], alpha[:, t - 1])
        beta = np.ones((sentences, length, states))
        for t in range(length - 2, -1, -1):
            step = (observed[:, t + 1] * beta[:, t + 1]) @ transition.T / scale[:, t + 1:t + 2]
            beta[:, t] = np.where(mask[:, t + 1, None], step, 1.0)
            weighted = observed[:, t + 1] * beta[:, t + 1] / scale[:, t + 1:t + 2] * mask[:, t + 1, None]
            transition_counts += transition * (alpha[:, t].T @ weighted)
        gamma = alpha * beta * mask[:, :, None]
        start_counts += gamma[:, 0].sum(axis=0)
        for state in range(states):
            emission_counts[state] += np.bincount(ids[mask], weights=gamma[:, :, state][mask],
                                                  minlength=emission.shape[1])
        log_likelihood += float(np.log(scale[mask]).sum())
        best = gamma.argmax(axis=2)
        for row, sentence in enumerate(chosen):
            decoded[int(sentence)] = best[row, mask[row]]
    updated = Parameters(start_counts / start_counts.sum(),
                         transition_counts / transition_counts.sum(axis=1, keepdims=True),
                         emission_counts / emission_counts.sum(axis=1, keepdims=True))
    return updated, log_likelihood, [decoded[i] for i in range(len(decoded))]


class BaumWelchHMM:
    """An HMM of ``n_states`` hidden states fitted to word ids by EM from a random start."""

    def __init__(self, n_states: int = 17, n_iterations: int = 40, seed: int = 0):
        self.n_states = n_states
        self.n_iterations = n_iterations
        self.seed = seed

    def fit(self, sequences: Sequence[np.ndarray], symbols: int,
            on_iteration: Callable[[int, float, list[np.ndarray]], None] | None = None) -> "BaumWelchHMM":
        """``sequences``: each sentence's word ids in 0..symbols-1. ``on_iteration(i, log_likelihood, states)``
        is called after each iteration with the data's log-likelihood and decoding before its update."""
        prepared = batches(sequences)
        self.parameters_ = random_parameters(self.n_states, symbols, self.seed)
        self.log_likelihoods_ = []
        for iteration in range(self.n_iterations):
            self.parameters_, log_likelihood, states = em_step(self.parameters_, prepared)
            self.log_likelihoods_.append(log_likelihood)
            if on_iteration:
                on_iteration(iteration, log_likelihood, states)
        return self
