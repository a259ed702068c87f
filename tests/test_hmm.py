"""The HMM tagger's pieces: smoothing, emissions, Viterbi and forward-backward against brute force, the suffix
guesser, saving, the typed-sentence reader and Baum-Welch's likelihood."""
import itertools

import numpy as np
import pytest

from core.errors import InputError
from data.treebank import UPOS_TAGS, load_treebank
from models.hmm.baum_welch import BaumWelchHMM
from models.hmm.evaluation import many_to_one
from models.hmm.forward_backward import forward_backward
from models.hmm.lattice import end_row, log_sum_exp
from models.hmm.sentence import MAX_WORDS, words_of
from models.hmm.states import load_state_treebank
from models.hmm.tagger import HMMTagger
from models.hmm.viterbi import max_marginals, viterbi


@pytest.fixture(scope="module")
def train():
    return load_treebank("train")[:3_000]


@pytest.fixture(scope="module", params=[2, 3])
def tagger(request, train):
    return HMMTagger(request.param).fit(train)


def random_lattice(tags: int, words: int, order: int, seed: int):
    rng = np.random.default_rng(seed)
    transition = rng.dirichlet(np.ones(tags + 1), size=(tags + 1, tags + 1))
    if order == 2:
        transition = np.broadcast_to(transition[0], transition.shape).copy()
    emission = np.log(rng.dirichlet(np.ones(tags), size=words) * rng.random((words, 1)))
    rows = np.vstack([np.hstack([emission, np.full((words, 1), -np.inf)]), end_row(tags)])
    return np.log(transition), rows


def every_path(log_transition, log_emission):
    """log P(words, tags) for every tag sequence, by brute force."""
    boundary = log_transition.shape[0] - 1
    words = len(log_emission) - 1
    for path in itertools.product(range(boundary), repeat=words):
        padded = [boundary, boundary, *path, boundary]
        score = sum(log_transition[padded[i], padded[i + 1], padded[i + 2]] for i in range(words + 1))
        yield path, score + sum(log_emission[i, t] for i, t in enumerate(path))


@pytest.mark.parametrize("order, words, seed", [(3, 4, 0), (3, 1, 1), (2, 5, 2), (3, 3, 3)])
def test_viterbi_and_forward_backward_agree_with_brute_force(order, words, seed):
    log_transition, log_emission = random_lattice(3, words, order, seed)
    paths = dict(every_path(log_transition, log_emission))
    best = max(paths, key=paths.get)
    decoding = viterbi(log_transition, log_emission)
    assert tuple(decoding.path) == best
    assert decoding.log_probability == pytest.approx(paths[best])
    scores = np.array(list(paths.values()))
    posteriors = forward_backward(log_transition, log_emission)
    assert posteriors.log_likelihood == pytest.approx(log_sum_exp(scores, axis=0))
    marginal = np.zeros((words, 3))
    for path, score in paths.items():
        marginal[np.arange(words), path] += np.exp(score - posteriors.log_likelihood)
    np.testing.assert_allclose(posteriors.probabilities, marginal, atol=1e-12)
    best_through = np.full((words, 3), -np.inf)
    for path, score in paths.items():
        best_through[np.arange(words), path] = np.maximum(best_through[np.arange(words), path], score)
    np.testing.assert_allclose(max_marginals(log_transition, log_emission), best_through)


def test_transitions_are_distributions_and_the_bigram_ignores_the_older_tag(tagger):
    probabilities = np.exp(tagger.log_transition_)
    np.testing.assert_allclose(probabilities.sum(axis=2), 1.0)
    assert tagger.interpolation_weights_.sum() == pytest.approx(1.0) and len(tagger.interpolation_weights_) == tagger.order
    if tagger.order == 2:
        np.testing.assert_allclose(probabilities, np.broadcast_to(probabilities[0], probabilities.shape))
    else:
        assert not np.allclose(probabilities[0], probabilities[5]), "the trigram's older tag matters"


def test_emissions_keep_each_tags_unseen_share(tagger):
    counts = tagger.word_state_counts_
    hapax = counts[counts.sum(axis=1) == 1].sum(axis=0)
    seen_mass = np.exp(tagger.log_emission_).sum(axis=0)
    np.testing.assert_allclose(seen_mass + hapax / counts.sum(axis=0), 1.0)


def test_unseen_words_are_guessed_from_suffix_and_shape(tagger):
    words = ["She", "zorbled", "the", "flimbish", "frobnications", "quizzically", "in", "1987", "."]
    assert not tagger.known(["zorbled", "flimbish", "frobnications", "quizzically"]).any()
    assert tagger.tag(words) == ["PRON", "VERB", "DET", "ADJ", "NOUN", "ADV", "ADP", "NUM", "PUNCT"]


def test_a_capitalised_form_of_a_known_word_is_read_as_it(tagger):
    assert "Quickly" not in tagger.vocabulary_ and "quickly" in tagger.vocabulary_
    assert tagger.known(["Quickly"])[0]
    np.testing.assert_array_equal(tagger.emission_scores(["Quickly"]), tagger.emission_scores(["quickly"]))


def test_saved_and_loaded_it_tags_and_scores_the_same(tagger, tmp_path):
    tagger.save(tmp_path, "model")
    loaded = HMMTagger.load(tmp_path, "model")
    words = "The quixotic plan failed , sadly .".split()
    assert loaded.tag(words) == tagger.tag(words)
    assert loaded.posteriors(words).log_likelihood == pytest.approx(tagger.posteriors(words).log_likelihood)
    assert not list(tmp_path.glob("*.pkl"))


def test_the_trigram_beats_the_bigram_on_dev(train):
    dev = load_treebank("dev")[:300]
    def accuracy(tagger):
        return np.mean([p == g for s in dev for p, g in zip(tagger.tag(s.words), s.tags)])
    assert accuracy(HMMTagger(3).fit(train)) > accuracy(HMMTagger(2).fit(train)) > 0.85


def test_finer_states_output_upos_and_decode_the_same_everywhere(tmp_path):
    fine = HMMTagger(3, min_state_count=20, lexical_words=10).fit(load_state_treebank("train")[:3_000])
    assert {"AUX|VBZ", "VERB|VBZ", "ADP|IN|for", "PART|TO|to", "ADP|IN|to"} <= set(fine.states_)
    assert all(state.split("|")[0] in UPOS_TAGS for state in fine.states_)
    words = "I have to go for a walk , that is all .".split()
    tags = fine.tag(words)
    assert tags[:3] == ["PRON", "VERB", "PART"] and set(tags) <= set(UPOS_TAGS)
    posteriors = fine.posteriors(words)
    np.testing.assert_allclose(posteriors.probabilities.sum(axis=1), 1.0)
    assert [UPOS_TAGS[t] for t in posteriors.probabilities.argmax(axis=1)] == tags
    best = fine.max_marginals(words)
    np.testing.assert_allclose(best.max(axis=1), fine.decode(words).log_probability)
    fine.save(tmp_path, "fine")
    assert HMMTagger.load(tmp_path, "fine").tag(words) == tags


def test_typed_text_becomes_treebank_words():
    assert words_of("I don't think it's OK!")[0] == ["I", "do", "n't", "think", "it", "'s", "OK", "!"]
    assert words_of("!!! ...") == (["!!!", "..."], False)
    words, cut = words_of("word " * (MAX_WORDS + 5))
    assert len(words) == MAX_WORDS and cut
    for empty in ("", "   \n "):
        with pytest.raises(InputError, match="Type a sentence"):
            words_of(empty)


def test_baum_welch_never_lowers_the_likelihood():
    rng = np.random.default_rng(0)
    sequences = [rng.integers(0, 12, size=rng.integers(1, 9)) for _ in range(200)]
    likelihoods = []
    BaumWelchHMM(n_states=4, n_iterations=15, seed=1).fit(sequences, 12, lambda i, ll, states: likelihoods.append(ll))
    assert len(likelihoods) == 15
    assert all(later >= earlier - 1e-7 for earlier, later in zip(likelihoods, likelihoods[1:]))
    assert likelihoods[-1] > likelihoods[0]


def test_many_to_one_reads_each_state_as_its_most_frequent_tag():
    accuracy, mapping = many_to_one(np.array([0, 0, 0, 1, 1]), np.array([2, 2, 1, 0, 0]), n_states=2, n_tags=3)
    assert accuracy == pytest.approx(4 / 5)
    assert mapping.tolist() == [2, 0]


def test_one_word_and_a_training_sample_lacking_tags(tagger, train):
    assert len(tagger.tag(["Hello"])) == 1
    assert tagger.posteriors(["Hello"]).probabilities.sum() == pytest.approx(1.0)
    small = HMMTagger(3).fit(train[:10])
    assert len(set(UPOS_TAGS) - {t for s in train[:10] for t in s.tags}) > 0, "some tags never seen"
    np.testing.assert_allclose(np.exp(small.log_transition_).sum(axis=2), 1.0)
    posteriors = small.posteriors("The committee met on Tuesday .".split())
    np.testing.assert_allclose(posteriors.probabilities.sum(axis=1), 1.0)


def test_a_word_seen_with_one_tag_only_has_no_runner_up_and_an_ambiguous_one_names_it(tagger):
    from models.hmm.explain import tagged_sentence

    table, _ = tagged_sentence(tagger, ["The", "the", "book", "."])
    assert table["next best"].iloc[3] == "none"  # '.' is PUNCT wherever the treebank has it
    assert table["next best"].iloc[2] != "none"  # 'book': a noun, and a verb too
