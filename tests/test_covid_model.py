"""Centred moving average, lag search, per-country summaries and ranking; SOURCE.md's check figures."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.covid import load_mobility, load_oxcgrt
from models.covid_mobility import (
    LagCorrelation, centred_moving_average, coverage_notes, export_table, extreme_column, extreme_readings,
    index_summary, labelled_ranking, labelled_relation, mobility_coverage, paired_days, peak_readings, rank_sentences,
    ranking, relation_summary, smooth_mobility, with_country_names,
)
from core.errors import InputError

DAYS = pd.date_range("2020-03-01", periods=10, freq="D")


def test_moving_average_is_centred_and_uses_partial_windows_at_the_edges():
    series = pd.Series(np.arange(10, dtype=float), index=DAYS)
    smooth = centred_moving_average(series, half_window=2)
    assert smooth.iloc[5] == pytest.approx(5.0)  # mean of 3..7, centred on the day itself
    assert smooth.iloc[0] == pytest.approx(1.0)  # mean of 0, 1, 2: the observed part of the window
    assert smooth.iloc[-1] == pytest.approx(8.0)  # mean of 7, 8, 9
    assert centred_moving_average(series, 0).equals(series)


def test_moving_average_bridges_short_gaps_leaves_long_ones_and_never_extrapolates():
    values = pd.Series([1.0, 1, 1, 3, 3, 3, 5, 5, 5, 5], index=DAYS)
    one_missing = values.drop(DAYS[4])
    smooth = centred_moving_average(one_missing, half_window=1)
    assert smooth.index.equals(DAYS)  # the missing day is back, as a calendar day
    assert smooth[DAYS[4]] == pytest.approx(3.0)  # from its two observed neighbours
    assert smooth[DAYS[3]] == pytest.approx(2.0)  # mean of 1 and 3: the gap is not a zero

    long_gap = values.drop(DAYS[2:7])
    smooth = centred_moving_average(long_gap, half_window=1)
    assert np.isnan(smooth[DAYS[4]])  # no observed day in its window
    assert np.isnan(smooth[DAYS[2]])  # one of three days observed: too few
    assert smooth[DAYS[1]] == pytest.approx(1.0)  # two of three days observed (1, 1)

    frame = pd.DataFrame({"a": values, "b": values.where(DAYS < DAYS[6])})
    smooth = centred_moving_average(frame, half_window=2)
    assert smooth["b"].iloc[6:].isna().all()  # b ends on day 6: nothing after its last observation
    assert smooth["a"].notna().all()


def test_moving_average_rejects_a_negative_window():
    with pytest.raises(InputError):
        centred_moving_average(pd.Series([1.0], index=DAYS[:1]), -1)


def test_lag_search_finds_a_planted_lag():
    rng = np.random.default_rng(0)
    days = pd.date_range("2020-01-01", periods=300, freq="D")
    signal = pd.Series(np.convolve(rng.normal(size=320), np.ones(15) / 15, mode="same")[:300], index=days)
    for planted in (7, -5):
        mobility = -signal.shift(planted, freq="D") + rng.normal(scale=0.01, size=300)
        search = LagCorrelation(lags=range(-14, 29)).fit(signal, mobility)
        assert search.best_lag_ == planted
        assert search.best_r_ < -0.95
        assert search.table_.set_index("lag").loc[planted, "r"] == pytest.approx(search.best_r_)


def test_lag_search_gives_no_lag_for_a_constant_index_or_too_little_overlap():
    flat = pd.Series(50.0, index=DAYS)
    search = LagCorrelation(lags=range(-3, 4), min_overlap=3).fit(flat, pd.Series(np.arange(10.0), index=DAYS))
    assert search.best_lag_ is None and np.isnan(search.best_r_)
    short = LagCorrelation(lags=range(0, 2), min_overlap=14).fit(pd.Series(np.arange(10.0), index=DAYS),
                                                                  pd.Series(np.arange(10.0), index=DAYS))
    assert search.table_["r"].isna().all() and short.best_lag_ is None


def hand_made():
    """Country A tightens on day 3 (0 -> 40 -> 60); its workplaces bottom out on day 8, residential peaks on day 7.
    Country B has a flat index of 20 and no mobility."""
    days = pd.date_range("2020-03-01", periods=14, freq="D")
    a = [0, 0, 0, 40, 40, 60, 60, 60, 60, 60, 40, 40, 40, 40]
    index = pd.concat([
        pd.DataFrame({"country_code": "AAA", "country": "Aland", "date": days, "value": a}),
        pd.DataFrame({"country_code": "BBB", "country": "Bland", "date": days, "value": 20.0}),
    ], ignore_index=True)
    work = [0, 0, -5, -20, -30, -40, -50, -55, -60, -50, -40, -30, -30, -30]
    home = [0, 0, 1, 5, 10, 12, 15, 20, 18, 15, 12, 10, 10, 10]
    mobility = pd.concat([
        pd.DataFrame({"country_code": "AAA", "date": days, "category": "workplaces", "value": work}),
        pd.DataFrame({"country_code": "AAA", "date": days, "category": "residential", "value": home}),
    ], ignore_index=True).astype({"value": float})
    return index, mobility


def test_index_summary_finds_peak_first_rise_and_mean():
    index, _ = hand_made()
    summary = index_summary(index).set_index("country_code")
    assert summary.loc["AAA", "peak index"] == 60
    assert summary.loc["AAA", "peak date"] == pd.Timestamp("2020-03-06")  # the first day at the peak
    assert summary.loc["AAA", "first rise"] == pd.Timestamp("2020-03-04")
    assert summary.loc["AAA", "mean index"] == pytest.approx(np.mean([0, 0, 0, 40, 40, 60, 60, 60, 60, 60,
                                                                      40, 40, 40, 40]))
    assert pd.isna(summary.loc["BBB", "first rise"])  # a flat index never rises


def test_relation_summary_on_a_hand_made_frame():
    index, mobility = hand_made()
    smoothed = smooth_mobility(mobility, half_window=0)
    table = relation_summary(index, smoothed, ["workplaces", "residential"], "2020-03-01", "2020-03-14",
                             lags=range(-2, 3)).set_index(["country", "category"])
    work, home = table.loc[("Aland", "workplaces")], table.loc[("Aland", "residential")]
    assert work["mobility extreme"] == -60 and work["extreme date"] == pd.Timestamp("2020-03-09")
    assert work["days rise to extreme"] == 5  # first rise 03-04 -> trough 03-09
    assert home["mobility extreme"] == 20 and home["extreme date"] == pd.Timestamp("2020-03-08")  # a peak
    assert work["r (lag 0)"] < -0.8 and home["r (lag 0)"] > 0.8
    assert work["best lag (days)"] in range(-2, 3)
    bland = table.loc[("Bland", "workplaces")]
    assert np.isnan(bland["mobility extreme"]) and pd.isna(bland["best lag (days)"])


def test_ranking_covers_every_country_with_the_index_and_leaves_missing_mobility_empty():
    index, mobility = hand_made()
    table = ranking(index, mobility, ["workplaces", "residential"], "2020-03-01", "2020-03-14", half_window=0)
    assert list(table["country"]) == ["Aland", "Bland"]
    assert list(table["rank"]) == [1, 2]
    assert table.loc[0, "workplaces"] == -60 and table.loc[0, "residential"] == 20
    assert table.loc[1, ["workplaces", "residential"]].isna().all()
    assert ranking(index, mobility, ["workplaces"], "2023-01-01", "2023-02-01").empty


def test_coverage_notes_say_what_is_missing():
    index, mobility = hand_made()
    longer = pd.concat([mobility, pd.DataFrame({"country_code": "CCC", "date": pd.date_range("2020-03-01",
                                                                                              periods=20),
                                                "category": "workplaces", "value": 0.0})], ignore_index=True)
    countries = pd.DataFrame({"country_code": ["AAA", "BBB", "CCC"], "country": ["Aland", "Bland", "Cland"]})
    notes = coverage_notes(longer.drop(longer.index[(longer["country_code"] == "AAA")
                                                    & (longer["date"] == pd.Timestamp("2020-03-05"))]),
                           countries, "2020-03-01", "2020-03-20")
    assert "ends early, on 2020-03-14" in notes["AAA"] and "1 day(s) missing" in notes["AAA"]
    assert notes["BBB"] == "Bland: no Google mobility data in this data set."
    assert "CCC" not in notes
    assert "none of it falls" in coverage_notes(longer, countries, "2021-01-01", "2021-02-01")["CCC"]


def test_mobility_coverage_puts_the_data_sets_span_first_when_the_period_runs_past_it():
    index, mobility = hand_made()
    countries = pd.DataFrame({"country_code": ["AAA", "BBB"], "country": ["Aland", "Bland"]})
    inside = mobility_coverage(mobility, countries, "2020-03-01", "2020-03-14")
    assert inside == ["Bland: no Google mobility data in this data set."]
    past = mobility_coverage(mobility, countries, "2020-02-20", "2020-03-14")
    assert past[0] == "Google mobility in this data set covers 2020-03-01 to 2020-03-14 only."
    assert past[1:] == inside
    assert mobility_coverage(mobility, countries.iloc[:1], "2020-03-01", "2020-03-20") == [
        "Google mobility in this data set covers 2020-03-01 to 2020-03-14 only."]


def test_with_country_names_names_rows_by_their_code():
    _, mobility = hand_made()
    named = with_country_names(mobility, {"AAA": "Aland"})
    assert (named["country"] == "Aland").all() and "country" not in mobility


def test_extreme_column_says_peak_for_residential_and_low_otherwise():
    assert extreme_column("residential") == "Residential peak (%)"
    assert extreme_column("workplaces") == "Workplaces low (%)"


def test_peak_readings_write_out_peak_its_date_and_the_first_rise():
    index, _ = hand_made()
    assert peak_readings(index[index["country_code"] == "AAA"]) == ("60.0", "2020-03-06", "2020-03-04")


def relation_of_hand_made() -> pd.DataFrame:
    index, mobility = hand_made()
    return relation_summary(index, smooth_mobility(mobility, half_window=0), ["workplaces", "residential"],
                            "2020-03-01", "2020-03-14", lags=range(-2, 3))


def test_extreme_readings_name_value_date_delay_and_correlations():
    relation = relation_of_hand_made()
    work, home = extreme_readings(relation, "Aland")
    assert work[:2] == ("Workplaces low (%)", "-60.0") and home[:2] == ("Residential peak (%)", "+20.0")
    row = relation.set_index(["country", "category"]).loc[("Aland", "workplaces")]
    assert work[2] == (f"on 2020-03-09, 5 days after the first rise; r = {row['r (lag 0)']:.2f}, strongest at lag "
                       f"{row['best lag (days)']:+.0f} days (r = {row['r at best lag']:.2f})")
    assert extreme_readings(relation, "Bland") == []  # no mobility, nothing to read


def test_extreme_readings_leave_out_what_is_missing():
    relation = relation_of_hand_made().iloc[:1].assign(**{"days rise to extreme": np.nan, "best lag (days)": None})
    assert extreme_readings(relation, "Aland")[0][2] == "on 2020-03-09"


def test_labelled_relation_names_the_categories():
    assert list(labelled_relation(relation_of_hand_made())["category"]) == ["Workplaces", "Residential"] * 2


def test_paired_days_joins_index_and_mobility_on_country_and_day():
    index, mobility = hand_made()
    paired = paired_days(smooth_mobility(mobility, half_window=0), index)
    assert len(paired) == 28 and set(paired["country_code"]) == {"AAA"}  # Bland has no mobility
    day = paired[(paired["date"] == pd.Timestamp("2020-03-09")) & (paired["category"] == "workplaces")].iloc[0]
    assert day["index"] == 60 and day["smoothed"] == -60


def test_labelled_ranking_and_rank_sentences():
    index, mobility = hand_made()
    table = labelled_ranking(ranking(index, mobility, ["workplaces", "residential"], "2020-03-01", "2020-03-14",
                                     half_window=0), ["workplaces", "residential"])
    assert {"Workplaces low (%)", "Residential peak (%)"} <= set(table.columns) and "workplaces" not in table
    mean = np.mean([0, 0, 0, 40, 40, 60, 60, 60, 60, 60, 40, 40, 40, 40])
    assert rank_sentences(table, ["Bland", "Cland", "Aland"]) == [
        "**Bland** ranks 2 of 2 by peak index (20.0); mean index over the period 20.0.",
        f"**Aland** ranks 1 of 2 by peak index (60.0); mean index over the period {mean:.1f}.",
    ]


def test_export_table_puts_daily_and_smoothed_mobility_beside_the_index():
    index, mobility = hand_made()
    export = export_table(index, smooth_mobility(mobility, half_window=1), "stringency")
    assert list(export.columns) == ["country_code", "country", "date", "stringency", "residential_smoothed",
                                    "workplaces_smoothed", "residential_daily", "workplaces_daily"]
    assert len(export) == len(index)
    day = export[(export["country_code"] == "AAA") & (export["date"] == pd.Timestamp("2020-03-09"))].iloc[0]
    assert day["workplaces_daily"] == -60 and day["workplaces_smoothed"] == pytest.approx((-55 - 60 - 50) / 3)
    assert export[export["country_code"] == "BBB"]["workplaces_daily"].isna().all()
    assert list(export_table(index, smooth_mobility(mobility.iloc[:0]), "stringency").columns) == [
        "country_code", "country", "date", "stringency"]


@pytest.fixture(scope="module")
def real():
    index = load_oxcgrt()
    return index[index["index"] == "containment_health"], load_mobility()


def test_check_figures_from_source_md(real):
    index, mobility = real
    peaks = index_summary(index[index["date"].between("2020-03-01", "2020-06-04")]).set_index("country_code")
    expected_peaks = {"SWE": (57.14, "2020-06-04"), "DEU": (70.83, "2020-04-29"), "ITA": (85.42, "2020-04-12"),
                      "NZL": (80.95, "2020-04-01")}
    for code, (value, date) in expected_peaks.items():
        assert peaks.loc[code, "peak index"] == pytest.approx(value)
        assert peaks.loc[code, "peak date"] == pd.Timestamp(date)
    smoothed = smooth_mobility(mobility[mobility["country_code"].isin(list(expected_peaks))], half_window=6)
    table = relation_summary(index[index["country_code"].isin(list(expected_peaks))], smoothed,
                             ["workplaces", "transit_stations"], "2020-03-01", "2020-06-04")
    table = table.set_index(["country", "category"])
    expected = {("Sweden", "workplaces"): (-38.923, "2020-04-11"), ("Sweden", "transit_stations"): (-40.769, "2020-04-07"),
                ("Germany", "workplaces"): (-47.308, "2020-04-11"), ("Germany", "transit_stations"): (-56.538, "2020-03-27"),
                ("Italy", "workplaces"): (-68.385, "2020-03-28"), ("Italy", "transit_stations"): (-81.769, "2020-03-27"),
                ("New Zealand", "workplaces"): (-71.462, "2020-04-11"),
                ("New Zealand", "transit_stations"): (-85.769, "2020-04-11")}
    for key, (value, date) in expected.items():
        assert table.loc[key, "mobility extreme"] == pytest.approx(value, abs=5e-4)
        assert table.loc[key, "extreme date"] == pd.Timestamp(date)
    assert (table["r (lag 0)"] < -0.4).all()


def test_ranking_places_sweden_among_all_countries(real):
    index, mobility = real
    table = ranking(index, mobility, ["workplaces"], "2020-03-01", "2020-06-04")
    assert len(table) == 185
    assert table["rank"].is_monotonic_increasing
    sweden = table[table["country"] == "Sweden"].iloc[0]
    assert sweden["workplaces"] == pytest.approx(-38.923, abs=5e-4)
    assert sweden["rank"] > table[table["country"] == "Italy"]["rank"].iloc[0]
    assert table[table["country"] == "United Kingdom"]["workplaces"].isna().all()


def test_index_summary_of_a_period_in_which_no_index_rises():
    from models.covid_mobility import index_summary

    flat = pd.DataFrame({"country_code": ["FRA"] * 3 + ["ITA"] * 3, "country": ["France"] * 3 + ["Italy"] * 3,
                         "date": list(pd.date_range("2020-01-02", periods=3)) * 2, "value": [0.0, 0.0, 0.0, 5.0, 5.0, 2.0]})
    table = index_summary(flat).set_index("country_code")
    assert table["first rise"].isna().all() and pd.api.types.is_datetime64_any_dtype(table["first rise"])
    assert table.loc["ITA", "peak index"] == 5.0


# --- the common clock, policy changes, the map's tables, exports with their metadata ---

from models.covid_clock import clock_starts, never_reached, on_common_clock  # noqa: E402
from models.covid_map import index_by_day, map_days, mobility_by_day, on_day, weekly_dates  # noqa: E402
from models.covid_mobility import csv_with_metadata  # noqa: E402
from models.covid_policies import change_marks, indicator_rows, policy_changes  # noqa: E402


def clock_rows():
    """A reaches 50 on day 3, B on day 6 (after a dip below), C never does."""
    days = pd.date_range("2020-03-01", periods=8, freq="D")
    values = {"AAA": [0, 10, 30, 50, 60, 60, 60, 60], "BBB": [0, 0, 20, 40, 30, 45, 55, 70],
              "CCC": [0, 5, 10, 20, 20, 20, 20, 20]}
    return pd.concat([pd.DataFrame({"country_code": code, "date": days, "value": v}) for code, v in values.items()],
                     ignore_index=True).astype({"value": float})


def test_common_clock_puts_each_country_on_its_own_day_zero():
    rows = clock_rows()
    starts = clock_starts(rows, 50)
    assert starts.to_dict() == {"AAA": pd.Timestamp("2020-03-04"), "BBB": pd.Timestamp("2020-03-07")}
    aligned = on_common_clock(rows, starts)
    assert set(aligned["country_code"]) == {"AAA", "BBB"}  # C is left out, not given a day 0
    first = aligned.groupby("country_code")["days"].min().to_dict()
    assert first == {"AAA": -3, "BBB": -6}  # known offsets: day 0 is the 4th day for A, the 7th for B
    at_zero = aligned[aligned["days"] == 0].set_index("country_code")["value"]
    assert at_zero["AAA"] == 50 and at_zero["BBB"] == 55
    assert never_reached(["CCC", "AAA", "BBB"], starts) == ["CCC"]


def test_common_clock_on_an_indicator_level_and_with_no_country_reaching_it():
    rows = clock_rows().rename(columns={"value": "level"})
    assert clock_starts(rows, 60, value="level").to_dict() == {"AAA": pd.Timestamp("2020-03-05"),
                                                               "BBB": pd.Timestamp("2020-03-08")}
    nobody = clock_starts(rows, 101, value="level")
    assert nobody.empty and on_common_clock(rows, nobody).empty
    assert never_reached(["AAA", "BBB"], nobody) == ["AAA", "BBB"]


def indicator_frame():
    """School closing in A: 0, 0, 2 (targeted), 2, 3 (general), a day unrecorded, 1; masks: 0 -> 2 on day 3."""
    days = pd.date_range("2020-03-01", periods=7, freq="D")
    c1 = pd.DataFrame({"country_code": "AAA", "date": days, "indicator": "C1",
                       "level": [0, 0, 2, 2, 3, np.nan, 1], "flag": [np.nan, np.nan, 0, 0, 1, np.nan, 1]})
    h6 = pd.DataFrame({"country_code": "AAA", "date": days, "indicator": "H6",
                       "level": [0, 0, 2, 2, 2, 2, 2], "flag": [np.nan, np.nan, 1, 1, 1, 1, 1]})
    other = c1.assign(country_code="BBB", level=3.0)
    return pd.concat([c1, h6, other], ignore_index=True)


def test_policy_changes_are_the_days_a_level_moved_from_the_last_recorded_one():
    changes = policy_changes(indicator_frame(), ["AAA"], ["C1", "H6"], "2020-03-01", "2020-03-07")
    got = [(f"{r.date:%m-%d}", r.indicator, r.old, r.new) for r in changes.itertuples()]
    assert got == [("03-03", "C1", 0, 2), ("03-03", "H6", 0, 2), ("03-05", "C1", 2, 3), ("03-07", "C1", 3, 1)]
    assert changes["flag"].tolist() == [0, 1, 1, 1]  # the unrecorded day 6 is skipped, not read as a drop to 0
    # a level in force before the period is no change inside it; a country never changing has none
    later = policy_changes(indicator_frame(), ["AAA", "BBB"], ["C1"], "2020-03-04", "2020-03-07")
    assert [f"{d:%m-%d}" for d in later["date"]] == ["03-05", "03-07"]
    assert policy_changes(indicator_frame(), ["AAA"], [], "2020-03-01", "2020-03-07").empty


def test_change_marks_group_a_day_and_say_which_way_it_went():
    changes = policy_changes(indicator_frame(), ["AAA"], ["C1", "H6"], "2020-03-01", "2020-03-07")
    marks = change_marks(changes, {"C1": "School closing", "H6": "Facial coverings"}).set_index("date")
    assert len(marks) == 3
    assert marks.loc["2020-03-03", "text"] == "C1 School closing: 0 → 2 targeted<br>H6 Facial coverings: 0 → 2 general"
    assert marks["direction"].tolist() == [1, 1, -1]
    assert change_marks(changes.iloc[:0], {}).empty


def test_indicator_rows_keep_the_chosen_order_and_the_period():
    rows = indicator_rows(indicator_frame(), "AAA", ["H6", "C1"], "2020-03-02", "2020-03-06")
    assert rows["indicator"].drop_duplicates().tolist() == ["H6", "C1"]
    assert rows["date"].min() == pd.Timestamp("2020-03-02") and rows["date"].max() == pd.Timestamp("2020-03-06")


def test_map_tables_give_each_countrys_value_on_a_day():
    index, mobility = hand_made()
    by_day = index_by_day(index)
    assert on_day(by_day, "2020-03-06").to_dict() == {"AAA": 60, "BBB": 20}
    assert on_day(by_day, "2021-01-01").empty
    assert map_days(by_day) == (pd.Timestamp("2020-03-01").date(), pd.Timestamp("2020-03-14").date())
    assert [f"{d:%m-%d}" for d in weekly_dates(by_day, pd.Timestamp("2020-03-02").date())] == ["03-02", "03-09"]
    work = mobility_by_day(mobility, "workplaces", half_window=1)
    assert list(work.columns) == ["AAA"]
    assert on_day(work, "2020-03-09")["AAA"] == pytest.approx((-55 - 60 - 50) / 3)  # smoothed, not raw
    assert mobility_by_day(mobility, "parks", 1).empty


def test_csv_with_metadata_reads_back_with_its_header():
    import io

    table = pd.DataFrame({"country": ["Sweden"], "value": [1.5]})
    text = csv_with_metadata(table, [("source", "OxCGRT, CC BY 4.0"), ("smoothing", "13-day\ncentred mean")])
    assert text.startswith("# source: OxCGRT, CC BY 4.0\n# smoothing: 13-day centred mean\n")
    assert pd.read_csv(io.StringIO(text), comment="#").equals(table)
