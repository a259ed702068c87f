"""The COVID-19 page after its downloads, end to end: a visitor presses the page's download buttons, the job runs
on a real Dask worker, fetches Google's complete report and OxCGRT's indicators over HTTP (from files in the
publishers' formats, served on 127.0.0.1), and the page then compares the United States, the United Kingdom and
Sweden through 2022 with the measures behind each drop."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from conftest import run_until_ready
from streamlit.testing.v1 import AppTest
from test_covid_data import GOOGLE_HEADER
from test_covid_downloads import COMPACT_HEADER

from core.jobs import job_board

COUNTRIES = {"US": ("USA", "United States"), "GB": ("GBR", "United Kingdom"), "SE": ("SWE", "Sweden")}
LOCKDOWN = {"USA": "2020-03-20", "GBR": "2020-03-23", "SWE": "2020-11-24"}
"""The day each country's stay-at-home requirement (C6) rises to 2 in the generated files; workplaces drop then."""


def publishers_files(www) -> None:
    """Google's Global_Mobility_Report.csv (national and one sub-national row a day) and OxCGRT's compact national
    file for the three countries; workplaces fall by 40 points from each country's lockdown on."""
    days = pd.date_range("2020-02-15", "2022-10-15")
    rows = []
    for iso2, (iso3, name) in COUNTRIES.items():
        work = np.where(days >= pd.Timestamp(LOCKDOWN[iso3]), -45, -5)
        for day, value in zip(days, work):
            for sub in ("", "Region"):
                rows.append(f"{iso2},{name},{sub},,,,,p,{day:%Y-%m-%d},-10,-5,20,-30,{value},8")
    (www / "Global_Mobility_Report.csv").write_text("\n".join([GOOGLE_HEADER, *rows]) + "\n")
    policy = []
    for iso3, name in (v for v in COUNTRIES.values()):
        for day in pd.date_range("2020-01-01", "2022-12-31"):
            c6 = 2 if day >= pd.Timestamp(LOCKDOWN[iso3]) else 0
            flag = "1" if c6 else ""
            policy.append(f"{name},{iso3},,,NAT_TOTAL,{day:%Y%m%d},0,,0,,1,0,,1,0,0,,0,,10")
            policy[-1] = policy[-1].replace(",0,,0,,1,0,", f",0,,{c6},{flag},1,0,", 1)
    header = COMPACT_HEADER.replace("C2M_Workplace closing,C2M_Flag", "C6M_Stay at home requirements,C6M_Flag")
    (www / "OxCGRT_compact_national_v1.csv").write_text("\n".join([header, *policy]) + "\n")


@pytest.fixture
def publishers(http_root, tmp_path, monkeypatch):
    """Every process the page's jobs touch sees the publishers at 127.0.0.1 and a download folder of its own:
    this one (the page) and the cluster's workers (the jobs); both are put back afterwards."""
    www, base = http_root
    publishers_files(www)
    cache = str(tmp_path / "cache")
    urls = {"google-mobility": f"{base}/Global_Mobility_Report.csv",
            "oxcgrt-indicators": f"{base}/OxCGRT_compact_national_v1.csv"}

    def point_at_local(urls, cache):
        from data.registry import DATASETS

        before = {key: DATASETS[key] for key in urls}, os.environ.get("ML_ATLAS_CACHE_DIR")
        for key, url in urls.items():
            DATASETS[key] = replace(DATASETS[key], downloads=(replace(DATASETS[key].downloads[0], url=url),))
        os.environ["ML_ATLAS_CACHE_DIR"] = cache
        return before

    def put_back(datasets, cache):
        from data.registry import DATASETS

        DATASETS.update(datasets)
        if cache is None:
            os.environ.pop("ML_ATLAS_CACHE_DIR", None)
        else:
            os.environ["ML_ATLAS_CACHE_DIR"] = cache

    client = job_board().client
    saved = client.run(point_at_local, urls, cache)
    monkeypatch.setenv("ML_ATLAS_CACHE_DIR", cache)
    from data.registry import DATASETS

    for key, url in urls.items():
        monkeypatch.setitem(DATASETS, key, replace(DATASETS[key], downloads=(replace(DATASETS[key].downloads[0], url=url),)))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    for worker, (datasets, old_cache) in saved.items():
        client.run(put_back, datasets, old_cache, workers=[worker])
    st.cache_resource.clear()
    st.cache_data.clear()


def press(at: AppTest, label_start: str) -> None:
    next(b for b in at.button if b.label.startswith(label_start)).click()
    run_until_ready(at)
    assert not at.exception, at.exception


def chart_titles(at: AppTest) -> list[str]:
    return [(json.loads(c.proto.spec)["layout"].get("title") or {}).get("text") or "" for c in at.get("plotly_chart")]


def test_after_its_downloads_the_page_compares_three_countries_through_2022_with_their_measures(publishers):
    at = AppTest.from_file("../pages/covid_mobility.py", default_timeout=300)
    at.query_params["countries"] = ["United States", "United Kingdom", "Sweden"]
    at.query_params["period"] = ["2020-03-01", "2022-10-15"]
    at.query_params["categories"] = ["Workplaces"]
    at.query_params["show_policies"] = "true"  # the indicators' timelines, folded until opened, open
    run_until_ready(at)
    assert not at.exception
    coverage = " ".join(w.value for w in at.warning)
    assert "United States" in coverage and "United Kingdom" in coverage  # not in the bundled extract
    assert "the bundled national extract" in " ".join(c.value for c in at.caption)

    press(at, "Download Google's complete report")
    assert "Mobility in use: **Google's complete report**" in " ".join(c.value for c in at.caption)
    assert not [w for w in at.warning if "United States" in w.value]  # every day of the period is there now
    workplaces = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                      if "Workplaces" in ((json.loads(c.proto.spec)["layout"].get("title") or {}).get("text") or ""))
    lines = {trace["name"]: trace for trace in workplaces["data"] if trace.get("mode", "lines") == "lines"}
    assert {"United States", "United Kingdom", "Sweden"} <= set(lines)
    assert max(lines["United States"]["x"]).startswith("2022-10-")  # through 2022, not June 2021

    press(at, "Download OxCGRT's policy indicators")
    timelines = [t for t in chart_titles(at) if "policies" in t.lower() or "indicator" in t.lower()]
    assert len(timelines) == 3, chart_titles(at)  # one per country
    workplaces = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                      if "Workplaces" in ((json.loads(c.proto.spec)["layout"].get("title") or {}).get("text") or ""))
    hover = " ".join(str(trace.get("text") or trace.get("hovertext") or "") for trace in workplaces["data"])
    assert "C6 Stay at home requirements: 0 → 2" in hover  # the measure that preceded each drop is marked
