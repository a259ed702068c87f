"""The second-order lattice that both taggers decode: a state is the pair (previous tag, tag).

A sentence of n words is n + 1 steps: the words, then the end of the sentence. Tags are numbered 0..T-1 and
the boundary ``B = T`` stands before the first word (the state (B, B) starts every sentence) and after the last
(the step into (t_n, B) is the end). ``log_transition[a, b, c]`` is log P(c | a, b) over c in 0..T (c = B: the
sentence ends); ``log_emission[i, c]`` is log P(word i | c), with a last row that only the boundary emits. A
bigram model is the case where ``log_transition[a, b, c]`` does not depend on a.
"""
from __future__ import annotations

import numpy as np


def log_sum_exp(values: np.ndarray, axis: int) -> np.ndarray:
    """log(sum(exp(values))) along ``axis``, exact for -inf entries (an impossible state stays -inf)."""
    peak = np.max(values, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        return np.squeeze(peak, axis) + np.log(np.sum(np.exp(values - peak), axis=axis))


def used_tags(log_transition: np.ndarray, log_emission: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lattice cut down to the tags some word of the sentence can emit, the boundary last: (those tags,
    log_transition and log_emission over them). No path runs through the other tags, so every sum and maximum
    over paths is the same on the smaller lattice."""
    boundary = log_transition.shape[0] - 1
    used = np.flatnonzero(np.isfinite(log_emission[:, :boundary]).any(axis=0))
    kept = np.append(used, boundary)
    return used, log_transition[np.ix_(kept, kept, kept)], log_emission[:, kept]


def end_row(tags: int) -> np.ndarray:
    """The emission row of the end-of-sentence step: only the boundary state emits it."""
    row = np.full(tags + 1, -np.inf)
    row[tags] = 0.0
    return row


def start_scores(boundary: int) -> np.ndarray:
    """Scores of the states before the first word: (B, B) is certain."""
    scores = np.full((boundary + 1, boundary + 1), -np.inf)
    scores[boundary, boundary] = 0.0
    return scores
