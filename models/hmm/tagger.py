"""A supervised hidden Markov model part-of-speech tagger: bigram or trigram transitions smoothed by deleted
interpolation, word emissions counted from the training split, TnT's suffix model for unseen words, log-space
Viterbi decoding and forward-backward posteriors.

The emission model is a proper distribution, so a sentence's likelihood means something: each tag keeps the
share of its tokens that were hapax legomena, P(unseen | t) = hapax(t) / count(t), for the words it was never
seen with. A seen word gets P(w | t) = (1 - P(unseen | t)) count(w, t) / count(t); an unseen one
P(w | t) = P(unseen | t) P(t | w, unseen) P(w | unseen) / P(t | unseen), with P(t | w, unseen) from the suffix
guesser, P(t | unseen) = hapax(t) / hapax, and P(w | unseen) one over the number of hapax types (the same for
every tag: it moves the likelihood, never a tag).
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from data.treebank import UPOS_TAGS, Sentence
from models.hmm.forward_backward import Posteriors, forward_backward
from models.hmm.lattice import end_row
from models.hmm.states import ambiguous_words, coarsened, lexicalised, output_tag, prefix_counts
from models.hmm.unknown_words import SuffixGuesser
from models.hmm.viterbi import Decoding, max_marginals, viterbi

ORDERS = (2, 3)


def transition_counts(tag_sequences: Sequence[Sequence[int]], tags: int) -> np.ndarray:
    """``[a, b, c]``: how often tag c followed tags a, b, each sentence padded with the boundary ``tags``."""
    boundary = tags
    counts = np.zeros((tags + 1,) * 3, dtype=np.int64)
    for sequence in tag_sequences:
        padded = [boundary, boundary, *sequence, boundary]
        np.add.at(counts, (padded[:-2], padded[1:-1], padded[2:]), 1)
    return counts


def deleted_interpolation(trigrams: np.ndarray, order: int) -> np.ndarray:
    """The weights of the unigram, bigram (and trigram) estimates, by Brants's deleted interpolation.

    Each n-gram seen in training votes, with its count, for the estimate that predicts it best once that one
    occurrence is taken out of the counts.
    """
    bigrams, unigrams = trigrams.sum(axis=0), trigrams.sum(axis=(0, 1))
    total = unigrams.sum()
    weights = np.zeros(order)
    seen = np.argwhere(trigrams > 0) if order == 3 else np.argwhere(bigrams > 0)
    for index in seen:
        c, b = index[-1], index[-2]
        ratios = [(unigrams[c] - 1) / (total - 1), _left_out(bigrams[b, c], bigrams[b].sum())]
        if order == 3:
            a = index[0]
            ratios.append(_left_out(trigrams[a, b, c], trigrams[a, b].sum()))
        weights[int(np.argmax(ratios))] += trigrams[tuple(index)] if order == 3 else bigrams[b, c]
    return weights / weights.sum()


def _left_out(count: int, context: int) -> float:
    return (count - 1) / (context - 1) if context > 1 else 0.0


def interpolated_log_transitions(trigrams: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """log P(c | a, b) = log(λ1 P(c) + λ2 P(c | b) [+ λ3 P(c | a, b)]).

    A context never seen in training borrows the next shorter one's estimate (P(c | a, b) := P(c | b),
    P(c | b) := P(c)), so every row is a distribution.
    """
    bigrams, unigrams = trigrams.sum(axis=0), trigrams.sum(axis=(0, 1))
    p_unigram = unigrams / unigrams.sum()
    p_bigram = _conditional(bigrams, p_unigram[None, :])
    mixed = weights[0] * p_unigram + weights[1] * p_bigram[None, :, :]
    if len(weights) == 3:
        mixed = mixed + weights[2] * _conditional(trigrams, p_bigram[None, :, :])
    with np.errstate(divide="ignore"):
        return np.log(np.broadcast_to(mixed, trigrams.shape))


def _conditional(counts: np.ndarray, shorter: np.ndarray) -> np.ndarray:
    """counts / their sum over the last axis; where a context was never seen, the shorter context's estimate."""
    context = counts.sum(axis=-1, keepdims=True)
    return np.where(context > 0, counts / np.maximum(context, 1), shorter)


class HMMTagger:
    """An HMM part-of-speech tagger of ``order`` 2 (bigram transitions) or 3 (trigram).

    Its hidden states are the training sentences' tags: UPOS tags, or finer states such as ``AUX|VBZ``
    (:mod:`models.hmm.states`) that each output the UPOS tag before the bar. The ``lexical_words`` most
    frequent ambiguous words get states of their own (``ADP|IN|for``); a state seen fewer than
    ``min_state_count`` times loses its last parts (``X|GW`` -> ``X``).
    """

    def __init__(self, order: int = 3, max_suffix_length: int = 4, max_word_frequency: int = 5,
                 min_state_count: int = 1, lexical_words: int = 0):
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, not {order}")
        self.order = order
        self.max_suffix_length = max_suffix_length
        self.max_word_frequency = max_word_frequency
        self.min_state_count = min_state_count
        self.lexical_words = lexical_words

    def fit(self, sentences: Sequence[Sentence]) -> "HMMTagger":
        sentences = lexicalised(sentences, ambiguous_words(sentences, self.lexical_words))
        label_counts = prefix_counts(sentences)
        merged = {label: coarsened(label, label_counts, self.min_state_count)
                  for label in {label for sentence in sentences for label in sentence.tags}}
        self._set_states(sorted(set(merged.values()), key=lambda state: (UPOS_TAGS.index(output_tag(state)), state)))
        state_index = {state: i for i, state in enumerate(self.states_)}
        count = len(self.states_)
        state_sequences = [[state_index[merged[label]] for label in sentence.tags] for sentence in sentences]
        self.transition_counts_ = transition_counts(state_sequences, count)
        self.interpolation_weights_ = deleted_interpolation(self.transition_counts_, self.order)

        words = [word for sentence in sentences for word in sentence.words]
        state_ids = [state for sequence in state_sequences for state in sequence]
        self.vocabulary_ = {word: row for row, word in enumerate(dict.fromkeys(words))}
        word_state = np.zeros((len(self.vocabulary_), count))
        np.add.at(word_state, ([self.vocabulary_[w] for w in words], state_ids), 1)
        self.word_state_counts_ = word_state
        self.guesser_ = SuffixGuesser(self.max_suffix_length, self.max_word_frequency).fit(words, state_ids, count)
        self._derive_probabilities()
        return self

    def _set_states(self, states: Sequence[str]) -> None:
        self.tags_ = UPOS_TAGS
        self.states_ = tuple(states)
        self.state_tags_ = np.array([UPOS_TAGS.index(output_tag(state)) for state in self.states_])  # into tags_

    def _derive_probabilities(self) -> None:
        self.log_transition_ = interpolated_log_transitions(self.transition_counts_, self.interpolation_weights_)
        counts = self.word_state_counts_
        state_counts = np.maximum(counts.sum(axis=0), 1)
        hapax = counts[counts.sum(axis=1) == 1].sum(axis=0)
        unseen_share = hapax / state_counts
        with np.errstate(divide="ignore"):
            self.log_emission_ = np.log((1.0 - unseen_share) * counts / state_counts)
            # log [P(unseen | s) P(w | unseen) / P(s | unseen)], to which an unseen word adds log P(s | w, unseen)
            self.log_unseen_scale_ = np.log(unseen_share * hapax.sum() / np.maximum(hapax, 1e-300)) \
                - np.log(max((counts.sum(axis=1) == 1).sum(), 1))

    def known(self, words: Sequence[str]) -> np.ndarray:
        """Which words the tagger has seen in training (as they are, or in lower case: "Books" as "books")."""
        return np.array([word in self.vocabulary_ or word.lower() in self.vocabulary_ for word in words], dtype=bool)

    def emission_scores(self, words: Sequence[str]) -> np.ndarray:
        """log P(word i | state c) for each word, then the end-of-sentence row (the lattice's emissions)."""
        count = len(self.states_)
        rows = np.full((len(words) + 1, count + 1), -np.inf)
        for i, word in enumerate(words):
            row = self.vocabulary_.get(word, self.vocabulary_.get(word.lower()))
            if row is not None:
                rows[i, :count] = self.log_emission_[row]
            else:
                with np.errstate(divide="ignore"):
                    rows[i, :count] = self.log_unseen_scale_ + np.log(self.guesser_.tag_probabilities(word))
        rows[-1] = end_row(count)
        return rows

    def decode(self, words: Sequence[str]) -> Decoding:
        """The Viterbi path of states (indices into ``states_``; ``state_tags_`` maps them to ``tags_``)."""
        return viterbi(self.log_transition_, self.emission_scores(words))

    def tag(self, words: Sequence[str]) -> list[str]:
        return [self.tags_[t] for t in self.state_tags_[self.decode(words).path]]

    def posteriors(self, words: Sequence[str]) -> Posteriors:
        """Each word's posterior probability of each output tag (the sum over the states that output it)."""
        states = forward_backward(self.log_transition_, self.emission_scores(words))
        by_tag = np.zeros((len(words), len(self.tags_)))
        np.add.at(by_tag.T, self.state_tags_, states.probabilities.T)
        return Posteriors(np.minimum(by_tag, 1.0), states.log_likelihood)  # a sum may round a hair above 1

    def max_marginals(self, words: Sequence[str]) -> np.ndarray:
        """``[i, t]``: log P of the best complete path that gives word i a state of output tag t."""
        states = max_marginals(self.log_transition_, self.emission_scores(words))
        by_tag = np.full((len(words), len(self.tags_)), -np.inf)
        np.maximum.at(by_tag.T, self.state_tags_, states.T)
        return by_tag

    def save(self, folder: Path, name: str) -> None:
        np.savez_compressed(folder / f"{name}.npz", transition_counts=self.transition_counts_,
                            word_state_counts=self.word_state_counts_, weights=self.interpolation_weights_,
                            **self.guesser_.to_arrays())
        (folder / f"{name}.json").write_text(json.dumps({
            "settings": self.settings(), "states": list(self.states_), "vocabulary": list(self.vocabulary_)}))

    def settings(self) -> dict:
        return {"order": self.order, "max_suffix_length": self.max_suffix_length,
                "max_word_frequency": self.max_word_frequency, "min_state_count": self.min_state_count,
                "lexical_words": self.lexical_words}

    @classmethod
    def load(cls, folder: Path, name: str) -> "HMMTagger":
        saved = json.loads((folder / f"{name}.json").read_text())
        tagger = cls(**saved["settings"])
        with np.load(folder / f"{name}.npz", allow_pickle=False) as arrays:
            tagger._set_states(saved["states"])
            tagger.vocabulary_ = {word: row for row, word in enumerate(saved["vocabulary"])}
            tagger.transition_counts_ = arrays["transition_counts"]
            tagger.word_state_counts_ = arrays["word_state_counts"]
            tagger.interpolation_weights_ = arrays["weights"]
            tagger.guesser_ = SuffixGuesser.from_arrays(arrays, tagger.max_suffix_length, tagger.max_word_frequency)
        tagger._derive_probabilities()
        return tagger


def most_frequent_tags(sentences: Sequence[Sentence]) -> dict[str, str]:
    """Each training word's most frequent (output) tag, the baseline's lexicon."""
    counts: dict[str, Counter] = {}
    for sentence in sentences:
        for word, label in zip(sentence.words, sentence.tags):
            counts.setdefault(word, Counter())[output_tag(label)] += 1
    return {word: tags.most_common(1)[0][0] for word, tags in counts.items()}
