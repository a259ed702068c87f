"""Log-space Viterbi decoding on the second-order lattice, and the max-marginals that show how much each
word's tag won by (see :mod:`models.hmm.lattice` for the lattice)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.hmm.lattice import start_scores, used_tags


@dataclass(frozen=True)
class Decoding:
    path: np.ndarray
    """The best tag of each word (indices into the lattice's tags)."""
    log_probability: float
    """log P(words, best tags), the end of the sentence included."""


def viterbi(log_transition: np.ndarray, log_emission: np.ndarray) -> Decoding:
    """The most probable tag sequence: at each step keep, for every state (b, c), the best path into it.

    Only the tags a word can emit (a finite emission) are visited at its step: no path runs through the others,
    so leaving them out changes nothing but the time (most words have one to three tags of the dozens).
    """
    boundary = log_transition.shape[0] - 1
    start = np.array([boundary])
    possible = [start, start]  # the tags possible at each step, from the two boundaries before the first word
    scores = np.zeros((1, 1))  # [a, b] over possible[-2] × possible[-1]
    pointers = []  # per step, [b, c]: the best a, as a position in possible[-3]
    for emission in log_emission:
        before, last = possible[-2], possible[-1]
        current = np.flatnonzero(np.isfinite(emission))
        candidates = scores[:, :, None] + log_transition[np.ix_(before, last, current)]  # the path into (a, b) extended by c
        pointers.append(candidates.argmax(axis=0))
        scores = candidates.max(axis=0) + emission[current][None, :]
        possible.append(current)
    b, c = np.unravel_index(np.argmax(scores), scores.shape)  # c is the boundary: the end step
    best = float(scores[b, c])
    states = []
    for step in range(len(pointers) - 1, 0, -1):  # pointers[step] leads from (b, c) at that step to (a, b)
        states.append(possible[step + 1][b])
        b, c = pointers[step][b, c], b
    return Decoding(np.array(states[::-1], dtype=int), best)


def max_marginals(log_transition: np.ndarray, log_emission: np.ndarray) -> np.ndarray:
    """``[i, t]``: log P of the best complete path that gives word i the tag t (shape n × T).

    Their maximum at each word is the Viterbi path's score; how far a tag falls below it is what it lost by.
    """
    tags = log_transition.shape[0] - 1
    used, log_transition, emissions = used_tags(log_transition, log_emission)
    boundary = len(used)
    forward = [start_scores(boundary)]
    for emission in emissions:
        forward.append((forward[-1][:, :, None] + log_transition).max(axis=0) + emission[None, :])
    backward = np.zeros_like(forward[0])  # after the end step nothing is left to pay
    words = len(emissions) - 1
    best = np.full((words, tags), -np.inf)
    for i in range(words, 0, -1):  # forward[i]: the state after word i; backward: the best of the steps after it
        backward = (log_transition + emissions[i][None, None, :] + backward[None, :, :]).max(axis=2)
        best[i - 1, used] = (forward[i] + backward).max(axis=0)[:boundary]
    return best
