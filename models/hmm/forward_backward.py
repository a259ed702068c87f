"""Forward-backward on the second-order lattice: each word's posterior tag probabilities and the sentence's
likelihood, in log space (see :mod:`models.hmm.lattice`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.hmm.lattice import log_sum_exp, start_scores, used_tags


@dataclass(frozen=True)
class Posteriors:
    probabilities: np.ndarray
    """``[i, t]``: P(word i has tag t | the sentence), summing to 1 over t."""
    log_likelihood: float
    """log P(sentence), summed over every tag sequence, the end of the sentence included."""


def forward_backward(log_transition: np.ndarray, log_emission: np.ndarray) -> Posteriors:
    tags = log_transition.shape[0] - 1
    used, log_transition, emissions = used_tags(log_transition, log_emission)
    boundary = len(used)
    forward = [start_scores(boundary)]
    for emission in emissions:
        forward.append(log_sum_exp(forward[-1][:, :, None] + log_transition, axis=0) + emission[None, :])
    log_likelihood = float(log_sum_exp(forward[-1].ravel(), axis=0))
    words = len(emissions) - 1
    backward = np.zeros_like(forward[0])
    log_posteriors = np.empty((words, boundary))
    for i in range(words, 0, -1):
        backward = log_sum_exp(log_transition + emissions[i][None, None, :] + backward[None, :, :], axis=2)
        log_posteriors[i - 1] = log_sum_exp(forward[i] + backward, axis=0)[:boundary] - log_likelihood
    probabilities = np.zeros((words, tags))
    probabilities[:, used] = np.exp(log_posteriors)
    return Posteriors(probabilities, log_likelihood)
