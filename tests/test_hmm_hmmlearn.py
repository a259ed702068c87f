"""The same parameters in hmmlearn's CategoricalHMM give the same Viterbi path, log-likelihood and posteriors,
and one Baum-Welch iteration gives the same update as hmmlearn's."""
import numpy as np
import pytest
from hmmlearn.hmm import CategoricalHMM

from data.treebank import load_treebank
from models.hmm.baum_welch import batches, em_step, random_parameters
from models.hmm.states import load_state_treebank
from models.hmm.tagger import HMMTagger


@pytest.fixture(scope="module", params=["bigram", "trigram", "trigram on UPOS|XPOS states"])
def tagger(request):
    if request.param == "bigram":
        return HMMTagger(2).fit(load_treebank("train"))
    if request.param == "trigram":
        return HMMTagger(3).fit(load_treebank("train"))
    return HMMTagger(3, min_state_count=1_000, lexical_words=3).fit(load_state_treebank("train"))


def as_first_order_hmm(tagger: HMMTagger, words: list[str]) -> tuple[CategoricalHMM, np.ndarray]:
    """The tagger's lattice as a first-order HMM over the pair states (previous tag, tag); the sentence as
    symbols: its distinct words, then the end of sentence, then one symbol for every other word."""
    boundary = len(tagger.states_)
    size = boundary + 1
    transition = np.exp(tagger.log_transition_)  # [a, b, c]
    states = size * size
    start = np.zeros(states)
    start[boundary * size:boundary * size + size] = transition[boundary, boundary]
    matrix = np.zeros((states, states))
    for a in range(size):
        for b in range(size):
            if b == boundary and a != boundary:
                matrix[a * size + b, a * size + b] = 1.0  # the end state stays
            else:
                matrix[a * size + b, b * size:b * size + size] = transition[a, b]
    distinct = list(dict.fromkeys(words))
    emission_rows = np.exp(tagger.emission_scores(distinct))[:-1, :boundary].T  # [tag, distinct word]
    emission = np.zeros((states, len(distinct) + 2))
    for state in range(states):
        tag = state % size
        if tag == boundary:
            emission[state, len(distinct)] = 1.0
        else:
            emission[state, :len(distinct)] = emission_rows[tag]
            emission[state, -1] = 1.0 - emission_rows[tag].sum()
    assert (emission[:, -1] >= 0).all()
    model = CategoricalHMM(n_components=states, n_features=len(distinct) + 2, init_params="")
    model.startprob_, model.transmat_, model.emissionprob_ = start, matrix, emission
    symbols = np.array([distinct.index(w) for w in words] + [len(distinct)]).reshape(-1, 1)
    return model, symbols


@pytest.mark.parametrize("sentence", ["I saw her duck under the table .",
                                      "The flimbish committee quizzically rejected Zorblax 's offer",
                                      "Hello"])
def test_hmmlearn_finds_the_same_path_likelihood_and_posteriors(tagger, sentence):
    words = sentence.split()
    model, symbols = as_first_order_hmm(tagger, words)
    size = len(tagger.states_) + 1
    log_probability, states = model.decode(symbols, algorithm="viterbi")
    decoding = tagger.decode(words)
    assert (states[:-1] % size).tolist() == decoding.path.tolist()
    assert log_probability == pytest.approx(decoding.log_probability, rel=1e-9)
    posteriors = tagger.posteriors(words)
    assert model.score(symbols) == pytest.approx(posteriors.log_likelihood, rel=1e-9)
    by_state = model.predict_proba(symbols)[:-1]
    by_state = by_state.reshape(len(words), size, size).sum(axis=1)[:, :-1]
    by_tag = np.stack([by_state[:, tagger.state_tags_ == t].sum(axis=1) for t in range(len(tagger.tags_))], axis=1)
    np.testing.assert_allclose(by_tag, posteriors.probabilities, atol=1e-8)


def test_one_baum_welch_iteration_is_hmmlearns():
    rng = np.random.default_rng(3)
    sequences = [rng.integers(0, 9, size=rng.integers(1, 12)) for _ in range(60)]
    parameters = random_parameters(states=4, symbols=9, seed=5)
    updated, log_likelihood, _ = em_step(parameters, batches(sequences))
    model = CategoricalHMM(n_components=4, n_features=9, n_iter=1, init_params="", params="ste", tol=0)
    model.startprob_, model.transmat_, model.emissionprob_ = parameters.start, parameters.transition, parameters.emission
    data = np.concatenate(sequences).reshape(-1, 1)
    lengths = [len(s) for s in sequences]
    assert model.score(data, lengths) == pytest.approx(log_likelihood, rel=1e-10)
    model.fit(data, lengths)
    np.testing.assert_allclose(updated.start, model.startprob_, atol=1e-10)
    np.testing.assert_allclose(updated.transition, model.transmat_, atol=1e-10)
    np.testing.assert_allclose(updated.emission, model.emissionprob_, atol=1e-10)
