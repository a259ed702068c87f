"""What the page shows of a tagger at work: a sentence's tags with their posteriors, its trellis, the
transition matrix and each tag's most probable words."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from models.hmm.tagger import HMMTagger

BOUNDARY = "<s>/</s>"


def tagged_sentence(tagger: HMMTagger, words: Sequence[str]) -> tuple[pd.DataFrame, float]:
    """One row per word: its Viterbi tag, that tag's posterior, the second most probable tag and whether the
    word was seen in training; and the sentence's log-likelihood."""
    path, posteriors = tagger.state_tags_[tagger.decode(words).path], tagger.posteriors(words)
    order = np.argsort(-posteriors.probabilities, axis=1)
    rows = []
    for i, word in enumerate(words):
        tag = path[i]
        runner_up = order[i, 0] if order[i, 0] != tag else order[i, 1]
        second = posteriors.probabilities[i, runner_up]
        rows.append({"word": word, "tag": tagger.tags_[tag], "posterior": posteriors.probabilities[i, tag],
                     # A word seen in training with one tag only can have no other: then there is no runner-up.
                     "next best": f"{tagger.tags_[runner_up]} ({second:.1%})" if second >= 0.0005 else "none",
                     "seen in training": bool(tagger.known([word])[0])})
    return pd.DataFrame(rows), posteriors.log_likelihood


def trellis(tagger: HMMTagger, words: Sequence[str]) -> pd.DataFrame:
    """``[tag, word position]``: how many nats the best path giving the word that tag falls short of the
    Viterbi path (0 on the path itself)."""
    scores = tagger.max_marginals(words)
    shortfall = scores.max(axis=1, keepdims=True) - scores
    return pd.DataFrame(shortfall.T, index=list(tagger.tags_), columns=[f"{i + 1}: {w}" for i, w in enumerate(words)])


def by_tag(tagger: HMMTagger, counts: np.ndarray, axis: int) -> np.ndarray:
    """``counts`` over the tagger's states (the boundary last, if ``counts`` has it) summed along ``axis`` into
    its output tags."""
    groups = np.append(tagger.state_tags_, len(tagger.tags_))[:counts.shape[axis]]
    summed = np.zeros((*counts.shape[:axis], groups.max() + 1, *counts.shape[axis + 1:]))
    np.add.at(np.moveaxis(summed, axis, 0), groups, np.moveaxis(counts, axis, 0))
    return summed


def transition_matrix(tagger: HMMTagger) -> pd.DataFrame:
    """P(next tag | tag) in the training sentences, counted over the tagger's states grouped by the tag they
    output; the sentence boundary as one more row (start) and column (end)."""
    bigrams = by_tag(tagger, by_tag(tagger, tagger.transition_counts_.sum(axis=0), 0), 1)
    labels = [*tagger.tags_, BOUNDARY]
    return pd.DataFrame(bigrams / np.maximum(bigrams.sum(axis=1, keepdims=True), 1), index=labels, columns=labels)


def most_probable_words(tagger: HMMTagger, count: int = 8) -> pd.DataFrame:
    """Each tag's ``count`` most frequent training words, the words of highest P(word | tag)."""
    words = np.array(list(tagger.vocabulary_))
    top = np.argsort(-by_tag(tagger, tagger.word_state_counts_, 1), axis=0, kind="stable")[:count]
    return pd.DataFrame({"tag": tagger.tags_,
                         "most probable words": [", ".join(words[top[:, t]]) for t in range(len(tagger.tags_))]})
