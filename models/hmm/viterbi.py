"""Log-space Viterbi decoding on the second-order lattice, and the max-marginals that show how much each
word's tag won by (see :mod:`models.hmm.lattice` for the lattice)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.hmm.lattice import start_scores


@dataclass(frozen=True)
class Decoding:
    path: np.ndarray
    """The best tag of each word (indices into the tagger's tags)."""
    log_probability: float
    """log P(words, best tags), the end of the sentence included."""


def viterbi(log_transition: np.ndarray, log_emission: np.ndarray) -> Decoding:
    """The most probable tag sequence: at each step keep, for every state (b, c), the best path into it."""
    boundary = log_transition.shape[0] - 1
    scores = start_scores(boundary)
    pointers = []
    for emission in log_emission:
        candidates = scores[:, :, None] + log_transition  # [a, b, c]: the path into (a, b) extended by c
        pointers.append(candidates.argmax(axis=0))  # [b, c]: the best a
        scores = candidates.max(axis=0) + emission[None, :]
    b, c = np.unravel_index(np.argmax(scores), scores.shape)  # c is the boundary: the end step
    best = float(scores[b, c])
    states = []
    for back in reversed(pointers[1:]):
        states.append(b)
        b, c = back[b, c], b
    return Decoding(np.array(states[::-1], dtype=int), best)


def max_marginals(log_transition: np.ndarray, log_emission: np.ndarray) -> np.ndarray:
    """``[i, t]``: log P of the best complete path that gives word i the tag t (shape n × T).

    Their maximum at each word is the Viterbi path's score; how far a tag falls below it is what it lost by.
    """
    boundary = log_transition.shape[0] - 1
    forward = [start_scores(boundary)]
    for emission in log_emission:
        forward.append((forward[-1][:, :, None] + log_transition).max(axis=0) + emission[None, :])
    backward = np.zeros_like(forward[0])  # after the end step nothing is left to pay
    words = len(log_emission) - 1
    best = np.empty((words, boundary))
    for i in range(words, 0, -1):  # forward[i]: the state after word i; backward: the best of the steps after it
        backward = (log_transition + log_emission[i][None, None, :] + backward[None, :, :]).max(axis=2)
        best[i - 1] = (forward[i] + backward).max(axis=0)[:boundary]
    return best
