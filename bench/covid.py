"""COVID-19 lockdowns & mobility: SOURCE.md's check figures, loading time, and how fast the page re-renders.

    .venv/bin/python -m bench.covid

Re-render times are whole script runs of ``pages/covid_mobility.py`` under
Streamlit's AppTest (which polls, so they are slight over-estimates), first
with each control value new (caches cold for that selection) and then the same
changes again (caches warm).
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from data.covid import load_mobility, load_oxcgrt
from models.covid_mobility import index_summary, relation_summary, smooth_mobility

PAGE = Path(__file__).resolve().parent.parent / "pages" / "covid_mobility.py"
PEAKS = {"SWE": (57.14, "2020-06-04"), "DEU": (70.83, "2020-04-29"), "ITA": (85.42, "2020-04-12"),
         "NZL": (80.95, "2020-04-01")}
TROUGHS = {("Sweden", "workplaces"): (-38.923, "2020-04-11"), ("Sweden", "transit_stations"): (-40.769, "2020-04-07"),
           ("Germany", "workplaces"): (-47.308, "2020-04-11"), ("Germany", "transit_stations"): (-56.538, "2020-03-27"),
           ("Italy", "workplaces"): (-68.385, "2020-03-28"), ("Italy", "transit_stations"): (-81.769, "2020-03-27"),
           ("New Zealand", "workplaces"): (-71.462, "2020-04-11"),
           ("New Zealand", "transit_stations"): (-85.769, "2020-04-11")}
CHANGES = [
    ("add a country (Spain)", lambda at: at.multiselect[0].set_value(["Germany", "Sweden", "Italy", "New Zealand",
                                                                      "Spain"])),
    ("add parks", lambda at: at.multiselect[1].set_value(["workplaces", "transit_stations", "retail_and_recreation",
                                                          "residential", "parks"])),
    ("index: stringency", lambda at: at.selectbox[0].set_value("stringency")),
    ("window ±3 days", lambda at: at.slider[0].set_value(3)),
    ("period 2020-02-15..2021-06-19", lambda at: at.date_input[0].set_value((dt.date(2020, 2, 15),
                                                                             dt.date(2021, 6, 19)))),
    ("lags -28..42", lambda at: at.slider[1].set_value((-28, 42))),
    ("twin-axis country: Sweden", lambda at: at.selectbox[1].set_value("Sweden")),
    ("back to defaults", lambda at: (at.multiselect[0].set_value(["Germany", "Sweden", "Italy", "New Zealand"]),
                                     at.multiselect[1].set_value(["workplaces", "transit_stations",
                                                                  "retail_and_recreation", "residential"]),
                                     at.selectbox[0].set_value("containment_health"), at.slider[0].set_value(6),
                                     at.date_input[0].set_value((dt.date(2020, 3, 1), dt.date(2020, 6, 4))),
                                     at.slider[1].set_value((-14, 28)))),
]


def check_figures() -> None:
    started = time.perf_counter()
    index, mobility = load_oxcgrt(), load_mobility()
    print(f"Loading: OxCGRT {len(index):,} rows, Google mobility {len(mobility):,} rows in "
          f"{time.perf_counter() - started:.2f} s")
    index = index[index["index"] == "containment_health"]
    peaks = index_summary(index[index["date"].between("2020-03-01", "2020-06-04")]).set_index("country_code")
    print("\nPeak containment & health index, 2020-03-01..2020-06-04 (SOURCE.md -> computed):")
    for code, (value, date) in PEAKS.items():
        got = peaks.loc[code]
        ok = abs(got["peak index"] - value) < 5e-3 and got["peak date"] == pd.Timestamp(date)
        print(f"  {code}: {value:.2f} from {date} -> {got['peak index']:.2f} from {got['peak date']:%Y-%m-%d}"
              f"  {'OK' if ok else 'MISMATCH'}")
    codes = list(PEAKS)
    table = relation_summary(index[index["country_code"].isin(codes)],
                             smooth_mobility(mobility[mobility["country_code"].isin(codes)], 6),
                             ["workplaces", "transit_stations", "retail_and_recreation", "residential"],
                             "2020-03-01", "2020-06-04").set_index(["country", "category"])
    print("\nLowest 13-day centred moving average, 2020-03-01..2020-06-04 (SOURCE.md -> computed):")
    for key, (value, date) in TROUGHS.items():
        got = table.loc[key]
        ok = abs(got["mobility extreme"] - value) < 5e-4 and got["extreme date"] == pd.Timestamp(date)
        print(f"  {key[0]:<11} {key[1]:<16} {value:8.3f} on {date} -> {got['mobility extreme']:8.3f} on "
              f"{got['extreme date']:%Y-%m-%d}  {'OK' if ok else 'MISMATCH'}")
    print("\nIndex vs smoothed mobility (lags -14..+28 days; + = mobility follows the index):")
    shown = table[["days rise to extreme", "r (lag 0)", "best lag (days)", "r at best lag"]].round(2)
    print(shown.to_string())


def rerender_times() -> None:
    started = time.perf_counter()
    at = AppTest.from_file(str(PAGE), default_timeout=300).run()
    assert not at.exception, at.exception
    print(f"\nPage, first run (loading and reshaping, cold caches): {time.perf_counter() - started:.2f} s")
    for label in ("cold: each value new", "warm: the same changes again"):
        times = []
        print(f"Control changes, {label}:")
        for name, change in CHANGES:
            change(at)
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
            assert not at.exception, at.exception
            print(f"  {name:<32} {times[-1]:.2f} s")
        print(f"  median {statistics.median(times):.2f} s, max {max(times):.2f} s, "
              f"{sum(t <= 1.0 for t in times)} of {len(times)} within 1 s")


if __name__ == "__main__":
    check_figures()
    rerender_times()
