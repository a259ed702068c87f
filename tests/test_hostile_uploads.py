"""Hostile tabular uploads: wide or long files, repeated names, infinite numbers, journeys too big to attribute."""
import logging
import time

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from components.charts.markov import MAX_EDGES_DRAWN, chain_graph, transition_heatmap
from core.errors import InputError
from data.attribution import MAX_CHANNELS, MAX_TOUCHPOINTS, journeys_from_frame
from data.user_csv import MAX_COLUMNS, MAX_ROWS, numeric_column, read_user_csv
from models.elasticity import PriceElasticity
from models.markov import MAX_STATES, MarkovChain, order_comparison

ATTRIBUTION = str(PROJECT_ROOT / "pages" / "attribution.py")
ELASTICITY = str(PROJECT_ROOT / "pages" / "price_elasticity.py")


def test_a_header_over_the_column_limit_is_refused_before_parsing():
    wide = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)).encode() + b"\n" + b"1," * MAX_COLUMNS + b"1\n"
    with pytest.raises(InputError, match=f"has {MAX_COLUMNS + 1} columns .*the limit is {MAX_COLUMNS}"):
        read_user_csv(wide, name="'wide.csv'")
    huge = b",".join(b"c%d" % i for i in range(300_000)) + b"\n1,2\n"
    with pytest.raises(InputError, match="has 300,000 columns"):
        read_user_csv(huge)
    quoted = b'"a,b",c\n1,2\n'  # a separator inside a quoted name is not a column
    assert list(read_user_csv(quoted).columns) == ["a,b", "c"]
    assert read_user_csv(",".join(f"c{i}" for i in range(MAX_COLUMNS)).encode() + b"\n" + b"1," * 199 + b"1\n").shape == (1, 200)


def test_more_rows_than_the_limit_are_refused_with_the_count():
    raw = b"a,b\n" + b"1,2\n" * (MAX_ROWS + 1)
    with pytest.raises(InputError, match=f"more than {MAX_ROWS:,} rows \\(about {MAX_ROWS + 2:,} lines\\)"):
        read_user_csv(raw)
    assert len(read_user_csv(b"a,b\n" + b"1,2\n" * MAX_ROWS)) == MAX_ROWS


@pytest.mark.parametrize("header", [b"price, price ,quantity", b"price,price,quantity"])
def test_a_name_given_twice_is_refused_with_the_name(header):
    with pytest.raises(InputError, match="'price' more than once"):
        read_user_csv(header + b"\n1,2,3\n")


def test_blank_names_are_not_repeats():
    assert list(read_user_csv(b"a,,,b\n1,2,3,4\n").columns) == ["a", "Unnamed: 1", "Unnamed: 2", "b"]


@pytest.mark.parametrize("cell", ["inf", "-inf", "Infinity", "-Infinity", "1e999"])
def test_infinite_numbers_are_refused_with_column_and_row(cell):
    frame = read_user_csv(f"price,quantity\n1,2\n2,{cell}\n3,4\n".encode())
    with pytest.raises(InputError, match="Column 'quantity' has 1 infinite value.* at row 2"):
        numeric_column(frame, "quantity")
    with pytest.raises(InputError, match="infinite value.* at row 1"):
        numeric_column(pd.DataFrame({"q": [cell, "1"]}), "q")  # as text, not parsed by read_csv


def test_nan_spelled_out_is_a_missing_value_and_a_word_is_named_with_its_row():
    frame = read_user_csv(b"price,quantity\n1,NaN\n2,3\n3,4\n")
    assert numeric_column(frame, "quantity").isna().tolist() == [True, False, False]
    with pytest.raises(InputError, match=r"'many' \(row 3\)"):
        numeric_column(pd.DataFrame({"q": ["1", "2", "many"]}), "q")


def journeys_frame(paths, conversions=1, nulls=1) -> pd.DataFrame:
    return pd.DataFrame({"path": paths, "total_conversions": conversions, "total_null": nulls})


def test_journey_columns_repeated_ignoring_case_are_refused():
    frame = pd.DataFrame([["a > b", 1, 0, 5]], columns=["path", "total_conversions", "total_null", "Total_Null"])
    with pytest.raises(InputError, match="'total_null' and 'Total_Null' name the same one"):
        journeys_from_frame(frame)


@pytest.mark.parametrize("column", ["total_conversions", "total_null"])
def test_infinite_counts_are_refused_with_the_row(column):
    frame = journeys_frame(["a", "b", "a > b"]).astype({column: float})
    frame.loc[2, column] = np.inf
    with pytest.raises(InputError, match=f"Column '{column}' has 1 infinite value.* at row 3"):
        journeys_from_frame(frame)


def test_more_channels_than_the_limit_are_refused_with_the_count():
    channels = [f"c{i}" for i in range(MAX_CHANNELS + 1)]
    with pytest.raises(InputError, match=f"{MAX_CHANNELS + 1} distinct channels; the limit is {MAX_CHANNELS}"):
        journeys_from_frame(journeys_frame([" > ".join(channels)]))
    assert len(journeys_from_frame(journeys_frame([" > ".join(channels[:-1])]))) == 1


def test_more_touchpoints_than_the_limit_are_refused_with_the_count():
    long_paths = [" > ".join(["a", "b"] * 500) + f" > c{i % 10}" * (i // 10 + 1) for i in range(MAX_TOUCHPOINTS // 1000)]
    with pytest.raises(InputError, match=r"distinct paths have [\d,]+ touchpoints; the limit is 500,000"):
        journeys_from_frame(journeys_frame(long_paths))


def varied_journeys(channels: int, paths: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = [f"c{i}" for i in range(channels)]
    return journeys_from_frame(journeys_frame([" > ".join(rng.choice(names, rng.integers(1, 9))) for _ in range(paths)],
                                              rng.integers(0, 5, paths), rng.integers(1, 20, paths)))


def test_a_chain_over_the_state_limit_is_refused_before_any_solve_and_left_out_of_the_comparison():
    journeys = varied_journeys(MAX_CHANNELS, 5_000)
    with pytest.raises(InputError, match=f"order 3 .* more than {MAX_STATES:,} states"):
        MarkovChain(3).fit(journeys)
    assert len(MarkovChain(2).fit(journeys).transient_) - 1 < MAX_STATES
    table = order_comparison(journeys).set_index("order")
    assert "Choose a lower order" in table.loc[3, "note"] and table.loc[1, "note"] == ""
    assert table.loc[2, "top1_accuracy"] > 0


def test_a_chain_at_the_limits_is_attributed_and_drawn(capsys):
    journeys = varied_journeys(MAX_CHANNELS, 3_000)
    started = time.perf_counter()
    chain = MarkovChain(3).fit(journeys)
    fitted = time.perf_counter()
    attribution = chain.attribution()
    attributed = time.perf_counter()
    matrix = MarkovChain(1).fit(journeys).transition_matrix()
    transition_heatmap(matrix), chain_graph(matrix, 0.05)
    drawn = time.perf_counter()
    assert len(chain.transient_) - 1 > 0.9 * MAX_STATES and len(attribution) == MAX_CHANNELS
    assert attribution.conversions.sum() == pytest.approx(journeys.total_conversions.sum())
    with capsys.disabled():
        print(f"\norder 3, {MAX_CHANNELS} channels, {len(chain.transient_) - 1:,} states: fit {fitted - started:.2f} s, "
              f"attribution ({MAX_CHANNELS + 1} solves) {attributed - fitted:.2f} s, "
              f"order-1 heat map and graph {drawn - attributed:.2f} s")


def test_a_failing_regression_is_an_input_error_and_logged(caplog):
    frame = pd.DataFrame({"price": [1.0, 2.0, np.inf, 4.0], "quantity": [4.0, 3.0, 2.0, 1.0]})
    with caplog.at_level(logging.ERROR, logger="models.elasticity"), pytest.raises(InputError, match="MissingDataError"):
        PriceElasticity().fit(frame)
    assert any(record.exc_info for record in caplog.records if record.name == "models.elasticity")


def upload(app: AppTest, content: bytes, name: str = "mine.csv") -> AppTest:
    app.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not app.exception, app.exception
    return app


def probability(app: AppTest) -> str:
    return next(m.value for m in app.metric if m.label.startswith("P(conversion)"))


JOURNEYS = b"path,total_conversions,total_null\nseo > email,3,1\nseo,1,5\nemail > ads,2,2\n"
SWAPPED = JOURNEYS.replace(b"total_conversions,total_null", b"total_null,total_conversions")


def uploading(script: str) -> AppTest:
    app = AppTest.from_file(script, default_timeout=120).run()
    app.radio[0].set_value("Upload your own CSV").run()
    return app


def test_swapped_headers_are_another_upload_in_one_session_and_across_two():
    app = upload(uploading(ATTRIBUTION), JOURNEYS)
    first = probability(app)
    assert first != probability(upload(app, SWAPPED))
    other = upload(uploading(ATTRIBUTION), SWAPPED)
    assert probability(other) == probability(app) != first


@pytest.mark.parametrize(
    "script, content, message",
    [
        (ELASTICITY, b"price,quantity\n1,2\n2,inf\n3,4\n", "infinite value"),
        (ELASTICITY, b"price, price ,quantity\n1,1,2\n2,2,1\n3,3,1\n", "'price' more than once"),
        (ELASTICITY, ",".join(f"c{i}" for i in range(1000)).encode() + b"\n" + b"1," * 999 + b"1\n", "1,000 columns"),
        (ATTRIBUTION, b"path,total_conversions,total_null\na > b,1e999,1\n", "infinite value"),
        (ATTRIBUTION, b"Path,path,converted\na,b,1\n", "name the same one"),
        (ATTRIBUTION, b"path,converted\n" + b" > ".join(b"c%d" % i for i in range(300)) + b",1\n", "300 distinct channels"),
    ],
)
def test_hostile_uploads_get_a_message_not_a_traceback(script, content, message):
    app = upload(uploading(script), content)
    assert message in " ".join(e.value for e in app.error)
    assert not app.metric


def test_the_chain_graph_draws_at_most_its_edge_limit_and_says_so():
    matrix = MarkovChain(1).fit(varied_journeys(MAX_CHANNELS, 3_000)).transition_matrix()
    every_edge = chain_graph(matrix, 0.0)
    assert len(every_edge.layout.annotations) == MAX_EDGES_DRAWN
    assert f"the {MAX_EDGES_DRAWN} most probable of" in every_edge.layout.title.text
    assert all(float(a.hovertext.rsplit(": ", 1)[1]) > 0 for a in every_edge.layout.annotations)


def test_an_order_over_the_state_limit_is_explained_on_the_page():
    journeys = varied_journeys(MAX_CHANNELS, 5_000)
    csv = journeys.assign(path=journeys.path.map(" > ".join)).to_csv(index=False).encode()
    app = upload(uploading(ATTRIBUTION), csv)
    assert probability(app) and not app.error
    app.segmented_control[0].set_value(3).run()
    assert not app.exception, app.exception
    assert any("Choose a lower order" in e.value for e in app.error)
