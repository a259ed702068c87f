"""Integrated gradients and the word-by-word reading of the sentiment networks (quick-mode models)."""
import re

import numpy as np
import pandas as pd
import pytest

from conftest import quick_models
from core.errors import InputError
from models.sentiment import explain
from models.sentiment.model import score, trained_model, word_contributions

REVIEW = "The plot was thin and slow, but the acting was superb and I loved every minute of this wonderful film."
PLAIN_REVIEW = "Awful, boring and badly acted; the worst film I have seen, a complete waste of time."
"""Read far from the empty review even by the quick networks, which score the mixed REVIEW close to it."""


@pytest.fixture(scope="module", autouse=True)
def quick_cache(tmp_path_factory):
    """Quick mode and the model cache shared with the other sentiment test files (models train once)."""
    with quick_models(tmp_path_factory.getbasetemp() / "sentiment-models"):
        yield


@pytest.fixture(scope="module")
def networks(quick_cache):
    return {name: trained_model(name) for name in ("classic", "best")}


@pytest.mark.parametrize("name", ["classic", "best"])
def test_attributions_add_up_to_the_score_minus_the_baseline_score(networks, name):
    attribution = explain.integrated_gradients(networks[name], PLAIN_REVIEW)
    assert len(attribution.words) == len(re.findall(r"\w+", PLAIN_REVIEW))
    assert attribution.score == pytest.approx(score(networks[name], PLAIN_REVIEW).probability, abs=1e-5)
    difference = attribution.score - attribution.baseline_score
    assert abs(difference) > 1e-3  # a real test: the review and the baseline are read differently
    assert attribution.completeness_gap() <= 0.02 * abs(difference)  # within 2% of what they share out


def test_more_steps_bring_the_attributions_closer_to_completeness(networks):
    coarse = explain.integrated_gradients(networks["best"], REVIEW, steps=2).completeness_gap()
    fine = explain.integrated_gradients(networks["best"], REVIEW, steps=64).completeness_gap()
    assert fine <= coarse


def test_word_positions_match_the_text(networks):
    words = explain.integrated_gradients(networks["best"], REVIEW).words
    assert [REVIEW[s:e].lower() for s, e in zip(words.start, words.end)] == list(words.word)


def test_the_baseline_model_has_no_gradients_and_bad_input_is_refused(networks):
    baseline = trained_model("baseline")
    assert not explain.explains_with_gradients(baseline) and explain.explains_with_gradients(networks["best"])
    with pytest.raises(ValueError, match="neural model"):
        explain.integrated_gradients(baseline, REVIEW)
    with pytest.raises(InputError, match="only numbers or symbols"):
        explain.integrated_gradients(networks["best"], "!!! 123")


def test_sign_disagreements_list_the_words_clearly_pushed_opposite_ways(networks):
    model = networks["classic"]
    occlusion = word_contributions(model, REVIEW)
    attribution = explain.integrated_gradients(model, REVIEW)
    opposite = explain.sign_disagreements(occlusion, attribution)
    removal, gradient = occlusion.contribution.to_numpy(), attribution.words.attribution.to_numpy()
    clear = ((np.abs(removal) >= explain.NEGLIGIBLE_SHARE * np.abs(removal).max())
             & (np.abs(gradient) >= explain.NEGLIGIBLE_SHARE * np.abs(gradient).max()))
    assert list(opposite.position) == [i + 1 for i in np.flatnonzero(clear & (np.sign(removal) != np.sign(gradient)))]
    assert list(opposite.word) == [occlusion.word[i - 1] for i in opposite.position]


def test_a_word_pushed_opposite_ways_is_listed_unless_one_push_is_negligible():
    occlusion = pd.DataFrame({"word": ["good", "bad", "the"], "contribution": [0.2, -0.3, 0.001]})
    words = pd.DataFrame({"word": ["good", "bad", "the"], "attribution": [-0.1, -0.4, -0.2],
                          "start": [0, 5, 9], "end": [4, 8, 12]})
    opposite = explain.sign_disagreements(occlusion, explain.Attribution(words, 0.6, 0.5))
    assert list(opposite.word) == ["good"] and list(opposite.position) == [1]


@pytest.mark.parametrize("name", ["best", "baseline"])
def test_the_reading_word_by_word_ends_at_the_reviews_score(networks, name):
    model = trained_model(name)
    reading = explain.reading_word_by_word(model, REVIEW)
    assert list(reading.words) == list(range(1, len(reading) + 1))
    assert reading.word.iloc[-1] == "film"
    assert reading.probability.iloc[-1] == pytest.approx(score(model, REVIEW).probability, abs=1e-5)
    first = model.predict_proba(["The plot"])[0]
    assert reading.probability.iloc[1] == pytest.approx(first, abs=1e-5)


def test_a_long_review_is_read_at_evenly_spaced_lengths_ending_with_its_last_word():
    lengths = explain.prefix_lengths(600)
    assert len(lengths) == explain.MAX_PREFIXES and lengths[0] == 1 and lengths[-1] == 600
    assert list(explain.prefix_lengths(5)) == [1, 2, 3, 4, 5]


def tracing_counts(model) -> tuple[int, ...]:
    """How often TensorFlow has traced each compiled function a scored review runs through."""
    reader = explain._reader(model)
    return (model.keras_model.predict_function.experimental_get_tracing_count(),
            reader._gradients.experimental_get_tracing_count(), reader._scores.experimental_get_tracing_count())


def test_after_the_warm_up_a_review_of_any_length_is_explained_without_tracing(quick_cache):
    model = trained_model("best")  # loaded afresh: nothing traced yet
    explain.warm_up(model)
    warmed = tracing_counts(model)
    for text in (REVIEW, PLAIN_REVIEW + " " + REVIEW, "Superb."):  # lengths the warm-up did not use
        score(model, text), word_contributions(model, text), explain.reading_word_by_word(model, text)
        explain.integrated_gradients(model, text)
    assert tracing_counts(model) == warmed
