"""The elasticity model on generated data with a known slope, and on the USDA beef data."""
import numpy as np
import pandas as pd
import pytest

from data.beef import load_beef
from models.elasticity import (PriceElasticity, controls_comparable, controls_comparison, demand_data,
                               elasticity_by_group, guess_columns, price_grid, revenue_curve)
from core.errors import InputError


def generated(slope: float, n: int = 400, seed: int = 0, noise: float = 0.02) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    price = rng.uniform(1, 20, n)
    quantity = np.exp(3.0 + slope * np.log(price) + rng.normal(0, noise, n))
    return pd.DataFrame({"price": price, "quantity": quantity})


@pytest.mark.parametrize("slope", [-0.4, -1.0, -2.5])
def test_recovers_a_known_slope(slope):
    estimate = PriceElasticity().fit(generated(slope)).estimate_
    assert estimate.elasticity == pytest.approx(slope, abs=0.01)
    assert estimate.ci_low < slope < estimate.ci_high
    assert estimate.n == 400


def test_beef_elasticity_matches_the_published_figure():
    estimate = PriceElasticity().fit(load_beef()).estimate_
    assert estimate.elasticity == pytest.approx(-0.531424, abs=1e-5)
    assert estimate.std_error == pytest.approx(0.023472, abs=1e-5)
    assert estimate.r_squared == pytest.approx(0.852, abs=1e-3)
    assert estimate.n == 91
    assert "inelastic" in estimate.reading()


def test_readings_name_elastic_and_inelastic_demand():
    assert "elastic (|PED| = 2.50 > 1)" in PriceElasticity().fit(generated(-2.5)).estimate_.reading()
    assert "inelastic" in PriceElasticity().fit(generated(-0.4)).estimate_.reading()


def test_controls_change_the_estimate_and_trend_needs_no_quarter():
    beef = load_beef()
    table = controls_comparison(beef)
    assert len(table) == 4
    assert table.elasticity.iloc[0] == pytest.approx(-0.5314, abs=1e-4)
    assert table.elasticity.nunique() == 4
    with pytest.raises(InputError, match="quarter"):
        PriceElasticity(quarter_dummies=True).fit(generated(-1.0))


def test_revenue_rises_with_price_when_demand_is_inelastic():
    model = PriceElasticity().fit(generated(-0.4))
    revenue = revenue_curve(model, np.array([2.0, 4.0, 8.0])).revenue.to_numpy()
    assert np.all(np.diff(revenue) > 0)
    elastic = PriceElasticity().fit(generated(-2.0))
    assert np.all(np.diff(revenue_curve(elastic, np.array([2.0, 4.0, 8.0])).revenue.to_numpy()) < 0)


def test_per_segment_table_fits_each_segment_and_explains_the_ones_it_cannot():
    frame = pd.concat([generated(-0.5).assign(segment="a"), generated(-1.5, seed=1).assign(segment="b"),
                       pd.DataFrame({"price": [1.0, 2.0], "quantity": [3.0, 2.0], "segment": ["tiny", "tiny"]})])
    table = elasticity_by_group(frame, "segment").set_index("segment")
    assert table.loc["a", "elasticity"] == pytest.approx(-0.5, abs=0.02)
    assert table.loc["b", "elasticity"] == pytest.approx(-1.5, abs=0.02)
    assert "at least 3" in table.loc["tiny", "note"]


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"price": [1.0, 2.0], "quantity": [1.0, 2.0]}), "at least 3"),
        (pd.DataFrame({"price": [1.0, 0.0, 3.0], "quantity": [1.0, 2.0, 3.0]}), "zero, negative or missing price"),
        (pd.DataFrame({"price": [1.0, 2.0, 3.0], "quantity": [1.0, -2.0, 3.0]}), "negative or missing quantity"),
        (pd.DataFrame({"price": [2.0, 2.0, 2.0, 2.0], "quantity": [1.0, 2.0, 3.0, 4.0]}), "never changes"),
    ],
)
def test_bad_data_raises_a_clear_input_error(frame, message):
    with pytest.raises(InputError, match=message):
        PriceElasticity().fit(frame)


def test_column_guesses_read_the_names_then_fall_back_to_the_first_two():
    assert guess_columns(pd.DataFrame(columns=["store", "Units quantity", "Unit price"])) == ("Unit price",
                                                                                              "Units quantity")
    assert guess_columns(pd.DataFrame(columns=["a", "b", "c"])) == ("a", "b")
    assert guess_columns(pd.DataFrame(columns=["only"])) == ("only", "only")


def test_demand_data_takes_the_chosen_columns_as_numbers_and_segments_as_text():
    upload = pd.DataFrame({"p": ["1", "2"], "q": [5, 4], "region": [1, 2]})
    tidy = demand_data(upload, "p", "q", "region")
    assert list(tidy.columns) == ["price", "quantity", "segment"]
    assert tidy.price.tolist() == [1.0, 2.0] and tidy.segment.tolist() == ["1", "2"]
    assert "segment" not in demand_data(upload, "p", "q")
    with pytest.raises(InputError, match="different columns"):
        demand_data(upload, "p", "p")
    with pytest.raises(InputError, match="not numeric"):
        demand_data(upload.assign(q=["x", "y"]), "p", "q")


def test_price_grid_spans_the_prices_widened_on_request():
    prices = pd.Series([2.0, 5.0, 10.0])
    grid = price_grid(prices)
    assert len(grid) == 200 and (grid[0], grid[-1]) == (2.0, 10.0)
    assert price_grid(prices, stretch=0.2, points=3).tolist() == pytest.approx([1.6, 6.8, 12.0])


def test_controls_are_compared_from_eight_rows():
    assert controls_comparable(generated(-1.0, n=8)) and not controls_comparable(generated(-1.0, n=7))
