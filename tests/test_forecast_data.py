"""The built-in Prophet series and the validation of user series: every bad case refused or repaired in words."""
import numpy as np
import pandas as pd
import pytest

from data.prophet_examples import EXAMPLES, load_example
from core.errors import InputError
from models.forecasting.series import MIN_POINTS, guess_columns, infer_cadence, parse_dates, prepare_series, regular


def daily(n: int = 40, start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range(start, periods=n, freq="D").strftime("%Y-%m-%d"),
                         "sales": np.arange(n, dtype=float) % 7 + 10})


def test_every_example_loads_sorted_with_dates_and_values():
    sizes = {"Air passengers (monthly)": 144, "Peyton Manning page views (daily)": 2905,
             "R language page views (daily)": 2863, "Yosemite temperatures (5-minute)": 18721}
    for name in EXAMPLES:
        frame = load_example(name)
        assert list(frame.columns) == ["ds", "y"]
        assert pd.api.types.is_datetime64_any_dtype(frame["ds"])
        assert frame["ds"].is_monotonic_increasing  # the R file is stored out of order
        if name in sizes:
            assert len(frame) == sizes[name]
    assert load_example("Yosemite temperatures (5-minute)")["y"].isna().sum() == 12


def test_example_cadences_are_recognised():
    assert infer_cadence(load_example("Air passengers (monthly)")["ds"]).freq == "MS"
    assert infer_cadence(load_example("Peyton Manning page views (daily)")["ds"]).season == 7
    five = infer_cadence(load_example("Yosemite temperatures (5-minute)")["ds"])
    assert (five.freq, five.season) == ("5min", 288)
    hourly = prepare_series(load_example("Yosemite temperatures (5-minute)"), "ds", "y", "hourly")
    assert (hourly.cadence.freq, hourly.cadence.season) == ("1h", 24)


def test_column_guesses_prefer_date_names_and_numeric_values():
    frame = pd.DataFrame({"store": ["a"] * 3, "Order date": ["2024-01-01", "2024-01-02", "2024-01-03"],
                          "units": [1, 2, 3]})
    assert guess_columns(frame) == ("Order date", "units")
    unnamed = pd.DataFrame({"when": ["2024-01-01", "2024-01-02", "2024-01-03"], "v": ["1", "2", "3"]})
    assert guess_columns(unnamed) == ("when", "v")


def test_a_clean_series_passes_without_notes():
    series = prepare_series(daily(), "date", "sales")
    assert len(series.frame) == 40 and not series.notes
    assert series.cadence.freq == "D"
    assert series.key == prepare_series(daily(), "date", "sales").key
    assert series.key != prepare_series(daily(41), "date", "sales").key


@pytest.mark.parametrize("frame, message", [
    (daily().assign(date=lambda f: f["date"].where(f.index != 5, "next tuesday")), "not dates"),
    (daily().assign(date=range(40)), "numbers, not dates"),
    (daily().assign(sales=lambda f: f["sales"].astype(object).where(f.index != 3, "n/a")), "not numeric"),
    (daily(MIN_POINTS - 1), f"at least {MIN_POINTS}"),
    (daily().assign(sales=5.0), "constant"),
])
def test_bad_series_are_refused_with_a_reason(frame, message):
    with pytest.raises(InputError, match=message):
        prepare_series(frame, "date", "sales")


def test_same_column_twice_and_missing_column_are_refused():
    with pytest.raises(InputError, match="different"):
        prepare_series(daily(), "date", "date")
    with pytest.raises(InputError, match="no column 'day'"):
        prepare_series(daily(), "day", "sales")


def test_duplicated_dates_are_combined_and_said():
    frame = pd.concat([daily(), pd.DataFrame({"date": ["2024-01-01"], "sales": [20.0]})])
    series = prepare_series(frame, "date", "sales")
    assert len(series.frame) == 40
    assert series.frame["y"].iloc[0] == pytest.approx((10 + 20) / 2)
    assert any("1 duplicated date" in note for note in series.notes)
    summed = prepare_series(frame, "date", "sales", how="sum")
    assert summed.frame["y"].iloc[0] == 30


def test_missing_values_stay_gaps_and_rows_without_dates_are_dropped():
    frame = daily()
    frame.loc[[4, 9], "sales"] = np.nan
    frame.loc[12, "date"] = None
    series = prepare_series(frame, "date", "sales")
    assert len(series.frame) == 39 and series.frame["y"].isna().sum() == 2
    assert any("2 missing value(s) are left as gaps" in note for note in series.notes)
    assert any("without a date were dropped" in note for note in series.notes)


def test_aggregation_sums_by_period_and_leaves_empty_periods_missing():
    frame = daily(200)
    frame = frame[~pd.to_datetime(frame["date"]).between("2024-01-15", "2024-01-28")]  # two empty weeks
    weekly = prepare_series(frame, "date", "sales", "weekly", "sum")
    assert weekly.cadence.season == 52
    assert weekly.frame["y"].isna().sum() == 2
    assert weekly.frame["y"].iloc[0] == pytest.approx(frame["sales"].iloc[0:7].sum())  # Mon 1 - Sun 7 Jan
    monthly = prepare_series(daily(800), "date", "sales", "monthly")
    assert monthly.cadence.freq == "MS" and len(monthly.frame) == 27


def test_timezones_and_day_first_dates_parse():
    frame = daily()
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%dT00:00:00+02:00")
    assert prepare_series(frame, "date", "sales").frame["ds"].dt.tz is None


def test_regular_grid_puts_gaps_where_dates_are_missing():
    frame = daily().drop(index=[10, 11])
    series = prepare_series(frame, "date", "sales")
    grid = regular(series.frame, series.cadence)
    assert len(grid) == 40 and grid.isna().sum() == 2


@pytest.mark.parametrize("dates, first, second", [
    (["31/01/2024", "01/02/2024"], "2024-01-31", "2024-02-01"),  # day-first throughout, not mixed
    (["01/31/2024", "02/01/2024"], "2024-01-31", "2024-02-01"),  # month-first throughout
    ([20240131, 20240201], "2024-01-31", "2024-02-01"),
    ([1990, 1991], "1990-01-01", "1991-01-01"),
])
def test_dates_are_read_with_one_format_per_column(dates, first, second):
    parsed = parse_dates(pd.DataFrame({"d": dates}), "d")
    assert [str(d.date()) for d in parsed] == [first, second]


def test_a_summary_gives_the_count_cadence_and_span():
    assert prepare_series(daily(), "date", "sales").summary() == "40 observations every day, 2024-01-01 to 2024-02-09."
    hours = pd.DataFrame({"ds": pd.date_range("2024-01-01", periods=30, freq="h"), "y": np.arange(30.0)})
    hours.loc[3, "y"] = np.nan
    assert prepare_series(hours, "ds", "y").summary() == ("29 observations every hour, 2024-01-01 00:00 to "
                                                          "2024-01-02 05:00.")


@pytest.mark.parametrize("dates, message", [
    (["2300-01-01"], r"outside 1677-09-22 to 2261-04-10.*'2300-01-01' in row 40"),  # past nanoseconds' reach
    (["1500-06-01"], r"outside .*'1500-06-01' in row 40"),
])
def test_dates_pandas_cannot_compute_with_are_refused_with_row_and_value(dates, message):
    frame = daily()
    frame.loc[39, "date"] = dates[0]
    with pytest.raises(InputError, match=message):
        prepare_series(frame, "date", "sales")


def test_dates_more_than_292_years_apart_are_refused_with_both_rows():
    frame = daily()
    frame.loc[0, "date"], frame.loc[39, "date"] = "1700-01-01", "2100-01-01"
    with pytest.raises(InputError, match=r"'1700-01-01' \(row 1\) to '2100-01-01' \(row 40\), more than 106,751 days"):
        prepare_series(frame, "date", "sales")


def test_a_grid_far_larger_than_the_values_is_refused_naming_both_figures():
    typo = daily()
    typo.loc[0, "date"] = "1924-01-01"  # a mistyped year: 36,565 daily steps for 40 values
    with pytest.raises(InputError, match=r"largest gap: 1924-01-01 to 2024-01-02.*36,565 steps, one every day, for 40 "
                                         r"values\. The limit is 400 steps"):
        prepare_series(typo, "date", "sales")
    bursts = pd.DataFrame({"ds": [pd.Timestamp("2020-01-01") + pd.Timedelta(minutes=1000 * (i // 100) + i % 100)
                                  for i in range(120_000)], "y": np.arange(120_000.0) % 13})  # minute data, 2.3 years
    with pytest.raises(InputError, match=r"largest gap: 2020-01-01 01:39 to 2020-01-01 16:40\), which is 1,199,100 steps, one every 1 minutes, for 120,000 values\. The limit is "
                                         r"1,000,000 steps"):
        prepare_series(bursts, "ds", "y")


def test_an_aggregation_is_refused_before_its_periods_are_built():
    frame = daily(30).assign(date=[f"{1700 + 9 * i}-01-01" for i in range(30)])  # 261 years, hourly: 2.3 million
    with pytest.raises(InputError, match=r"2,287,873 steps, one every hour, for 30 rows\. The limit is 300 steps"):
        prepare_series(frame, "date", "sales", "hourly")
    assert len(prepare_series(frame, "date", "sales", "none").frame) == 30  # yearly values as they are are fine


def test_non_finite_values_are_refused_with_the_row_and_nan_cells_stay_gaps():
    from data.user_csv import read_user_csv

    rows = "\n".join(f"2024-01-{day:02d},{value}" for day, value in zip(range(1, 31), [*range(27), "inf", "NaN", 3]))
    with pytest.raises(InputError, match=r"infinite value.*'inf' at row 28"):
        prepare_series(read_user_csv(f"date,sales\n{rows}".encode()), "date", "sales")
    gapped = prepare_series(read_user_csv(f"date,sales\n{rows.replace('inf', '')}".encode()), "date", "sales")
    assert gapped.frame["y"].isna().sum() == 2 and any("2 missing value(s)" in note for note in gapped.notes)


def test_the_key_covers_the_origin_columns_and_settings_not_only_the_parsed_series():
    frame = daily().assign(copy=lambda f: f["sales"])
    keys = {prepare_series(frame, "date", "sales", origin="upload-a").key,
            prepare_series(frame, "date", "sales", origin="upload-b").key,
            prepare_series(frame, "date", "copy", origin="upload-a").key,
            prepare_series(frame, "date", "sales", how="sum", origin="upload-a").key}
    assert len(keys) == 4  # equal parsed series (no duplicates to combine), four recipes
    nudged = frame.assign(sales=lambda f: f["sales"] + np.r_[np.zeros(39), 1e-12])
    assert prepare_series(nudged, "date", "sales", origin="upload-a").key not in keys
