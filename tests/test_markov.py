"""Markov attribution on hand-made journeys worked out by hand, and on PathData."""
import numpy as np
import pandas as pd
import pytest

from data.attribution import journeys_from_frame, load_path_data, path_separator, split_path
from core.errors import InputError
from models.markov import (CONVERSION, NULL, MarkovChain, attribution_by_model, compare_attribution,
                           heuristic_attribution, markov_column, next_step_accuracy, split_journeys)


def hand_made() -> pd.DataFrame:
    """a > b converts once, b converts once, a fails twice.

    start -> a 3/4, start -> b 1/4; a -> b 1/3, a -> null 2/3; b -> conversion 1.
    P(conversion) = 3/4 * 1/3 + 1/4 = 1/2. Without a: 1/4 (removal effect 1/2);
    without b: 0 (removal effect 1). Two conversions shared 1/2 : 1 -> a 2/3, b 4/3.
    """
    return journeys_from_frame(pd.DataFrame({
        "path": ["a > b", "b", "a"], "total_conversions": [1, 1, 0],
        "total_conversion_value": [10.0, 20.0, 0.0], "total_null": [0, 0, 2]}))


def test_conversion_probability_and_removal_effects_by_hand():
    chain = MarkovChain(1).fit(hand_made())
    assert chain.conversion_probability() == pytest.approx(0.5)
    assert chain.conversion_probability(removed="a") == pytest.approx(0.25)
    assert chain.conversion_probability(removed="b") == pytest.approx(0.0)
    table = chain.attribution().set_index("channel")
    assert table.removal_effect.to_dict() == pytest.approx({"a": 0.5, "b": 1.0})
    assert table.conversions.to_dict() == pytest.approx({"a": 2 / 3, "b": 4 / 3})
    assert table.value.sum() == pytest.approx(30.0)


def test_transition_matrix_rows_sum_to_one():
    matrix = MarkovChain(1).fit(hand_made()).transition_matrix()
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    assert matrix.loc["a", NULL] == pytest.approx(2 / 3)
    assert matrix.loc["(start)", "b"] == pytest.approx(1 / 4)


def test_heuristics_by_hand():
    table = heuristic_attribution(hand_made()).set_index("channel")
    assert table.first_touch.to_dict() == {"a": 1, "b": 1}
    assert table.last_touch.to_dict() == {"a": 0, "b": 2}
    assert table.linear.to_dict() == pytest.approx({"a": 0.5, "b": 1.5})
    assert table.linear_value.to_dict() == pytest.approx({"a": 5.0, "b": 25.0})


def test_order_k_states_are_the_last_k_channels():
    assert MarkovChain(2)._states_of(["a", "b", "c"]) == [("a",), ("a", "b"), ("b", "c")]
    assert MarkovChain(3)._states_of(["a", "b", "c", "d"]) == [("a",), ("a", "b"), ("a", "b", "c"), ("b", "c", "d")]


def test_second_order_remembers_what_first_order_forgets():
    """After x > m the journey converts, after y > m it does not: only order 2 can tell."""
    journeys = journeys_from_frame(pd.DataFrame({"path": ["x > m", "y > m"], "total_conversions": [5, 0],
                                                 "total_null": [0, 5]}))
    first, second = MarkovChain(1).fit(journeys), MarkovChain(2).fit(journeys)
    assert first.next_steps(["x", "m"]).iloc[0].probability == pytest.approx(0.5)
    prediction = second.next_steps(["x", "m"])
    assert prediction.iloc[0]["next"] == CONVERSION and prediction.iloc[0].probability == pytest.approx(1.0)
    assert second.next_steps(["y", "m"]).iloc[0]["next"] == NULL
    assert next_step_accuracy(second, journeys) == pytest.approx(1.0)
    assert next_step_accuracy(first, journeys) < 1.0


@pytest.fixture(scope="module")
def path_data():
    return load_path_data()


@pytest.mark.parametrize("order", [1, 2])
def test_absorbing_chain_agrees_with_monte_carlo_on_path_data(path_data, order):
    chain = MarkovChain(order).fit(path_data)
    exact = chain.conversion_probability()
    walks = 200_000
    simulated = chain.simulate(n_journeys=walks, seed=7)
    assert abs(simulated - exact) < 4 * np.sqrt(exact * (1 - exact) / walks)


def test_path_data_totals_and_normalised_attribution(path_data):
    assert path_data.total_conversions.sum() == 19785
    assert path_data.total_null.sum() == 68602
    table = compare_attribution(path_data, order=2)
    assert table.markov_order_2.sum() == pytest.approx(19785)
    assert table.markov_order_2_value.sum() == pytest.approx(74802.972, abs=1e-3)
    assert table.first_touch.sum() == pytest.approx(19785)
    assert table.set_index("channel").markov_order_2.idxmax() == "alpha"


def test_holding_out_customers_keeps_every_count(path_data):
    train, test = split_journeys(path_data, test_share=0.2, seed=3)
    assert train.total_conversions.sum() + test.total_conversions.sum() == 19785
    assert train.total_null.sum() + test.total_null.sum() == 68602
    assert 0.15 < test.total_null.sum() / 68602 < 0.25


def test_one_row_per_journey_is_aggregated():
    journeys = journeys_from_frame(pd.DataFrame({"path": ["a>b", "a>b", "c"], "converted": [1, 0, 1],
                                                 "value": [4.0, 9.0, 2.0]}), separator=">")
    row = journeys[journeys.path.map(tuple) == ("a", "b")].iloc[0]
    assert (row.total_conversions, row.total_null, row.total_conversion_value) == (1, 1, 4.0)


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"route": ["a"], "total_conversions": [1], "total_null": [0]}), "'path' column"),
        (pd.DataFrame({"path": ["a"], "conversions": [1]}), "total_conversions and total_null"),
        (pd.DataFrame({"path": ["a > b", ""], "total_conversions": [1, 1], "total_null": [0, 0]}), "empty path"),
        (pd.DataFrame({"path": ["a", "b"], "total_conversions": [1, -1], "total_null": [0, 0]}), "negative"),
        (pd.DataFrame({"path": ["a"], "converted": [2]}), "0 or 1"),
        (pd.DataFrame({"path": ["a"], "total_conversions": ["x"], "total_null": [0]}), "not numeric"),
    ],
)
def test_bad_journeys_get_clear_messages(frame, message):
    with pytest.raises(InputError, match=message):
        journeys_from_frame(frame)


def test_typed_paths_and_separators_are_read_like_uploaded_ones():
    assert split_path(" alpha >iota >  ") == ["alpha", "iota"]
    assert split_path("a | b", " | ") == ["a", "b"] and split_path(float("nan")) == []
    assert path_separator(" | ") == " | " and path_separator("  ") == " > "


def test_unknown_channels_are_the_ones_no_journey_touched():
    chain = MarkovChain(1).fit(hand_made())
    assert chain.unknown_channels(["a", "z", "b", "y"]) == ["z", "y"] and chain.unknown_channels(["b"]) == []


def test_attribution_by_model_is_one_row_per_channel_and_model():
    table = compare_attribution(hand_made(), order=2)
    assert markov_column(2) == "markov_order_2" and markov_column(2) in table
    conversions = attribution_by_model(table, 2).set_index(["channel", "model"])["conversions"]
    assert len(conversions) == 2 * 4
    assert conversions["a", "markov_order_2"] == pytest.approx(table.set_index("channel").loc["a", "markov_order_2"])
    assert conversions["b", "last_touch"] == 2
    value = attribution_by_model(table, 2, "conversion value").set_index(["channel", "model"])["conversion value"]
    assert value["b", "linear"] == pytest.approx(25.0) and value["a", "first_touch"] == pytest.approx(10.0)
