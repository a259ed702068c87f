"""COVID data fetched on demand: Google's complete mobility report and OxCGRT's policy indicators, each served in
its publisher's format by a local HTTP server; and the Parquet copies every data file is read through."""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from data import columnar
from data.covid import (
    FULL_MOBILITY, MOBILITY_FILE, download_full_mobility, full_mobility_available, load_mobility, load_oxcgrt,
    mobility_source,
)
from data.locate import Locator, dataset_dir
from data.oxcgrt_indicators import (
    DATASET, INDICATOR_FILE, Indicator, download_indicators, indicator_catalog, indicators_available,
    load_indicators, read_indicators, unpack_compact_national,
)
from data.registry import DATASETS, Download
from test_covid_data import GOOGLE_HEADER

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"

COMPACT_HEADER = ("CountryName,CountryCode,RegionName,RegionCode,Jurisdiction,Date,C1M_School closing,C1M_Flag,"
                  "C2M_Workplace closing,C2M_Flag,C8EV_International travel controls,E1_Income support,E1_Flag,"
                  "H2_Testing policy,H4_Emergency investment in healthcare,H6M_Facial Coverings,H6M_Flag,"
                  "H7_Vaccination policy,H7_Flag,StringencyIndex_Average")
COMPACT_ROWS = [
    "Sweden,SWE,,,NAT_TOTAL,20200310,0,,0,,1,0,,1,0,0,,0,,11.11",
    "Sweden,SWE,,,NAT_TOTAL,20200311,1,1,1,0,1,0,,1,0,0,,0,,25.0",
    "Sweden,SWE,,,NAT_TOTAL,20200312,,,1,0,3,1,1,2,0,2,0,0,,30.5",
    "United States,USA,Alaska,US_AK,STATE_TOTAL,20200310,3,1,3,1,4,2,1,3,0,4,1,5,1,90",
    "United States,USA,,,NAT_TOTAL,20200310,3,0,2,0,3,2,1,3,1500000000.5,4,1,5,1,80",
]


def compact_csv(folder: Path) -> Path:
    path = folder / "OxCGRT_compact_national_v1.csv"
    path.write_text("\n".join([COMPACT_HEADER, *COMPACT_ROWS]) + "\n")
    return path


def test_the_compact_file_becomes_each_indicators_level_and_flag_per_country_and_day(tmp_path):
    download = DATASETS[DATASET].downloads[0]
    unpack_compact_national(compact_csv(tmp_path), tmp_path, download)
    wide = pd.read_csv(tmp_path / INDICATOR_FILE)
    assert list(wide.columns) == ["country_code", "country", "date", "C1M_School closing", "C1M_Flag",
                                  "C2M_Workplace closing", "C2M_Flag", "C8EV_International travel controls",
                                  "H2_Testing policy", "H6M_Facial Coverings", "H6M_Flag", "H7_Vaccination policy",
                                  "H7_Flag"]  # E1 and the index are not containment or health indicators; H4 is money
    long = read_indicators(tmp_path / INDICATOR_FILE).set_index(["country_code", "indicator", "date"])
    assert len(long.loc["USA"]) == 6  # one day of six indicators, from the national row only: Alaska's is not national
    assert long.loc[("USA", "C1", pd.Timestamp("2020-03-10")), "level"] == 3
    sweden = long.loc["SWE"]
    assert sweden.loc[("C1", pd.Timestamp("2020-03-11")), "flag"] == 1  # general
    assert sweden.loc[("C2", pd.Timestamp("2020-03-11")), "flag"] == 0  # targeted
    assert math.isnan(sweden.loc[("C1", pd.Timestamp("2020-03-12")), "level"])  # unrecorded, not 0
    assert sweden.loc[("C8", pd.Timestamp("2020-03-12")), "level"] == 3
    assert math.isnan(sweden.loc[("C8", pd.Timestamp("2020-03-12")), "flag"])  # C8 has no flag
    assert read_indicators(tmp_path / INDICATOR_FILE)["indicator"].drop_duplicates().tolist() == [
        "C1", "C2", "C8", "H2", "H6", "H7"]  # in the codebook's order


def test_a_file_that_is_not_the_compact_one_is_refused(tmp_path):
    from data.unpack import UnusableDownload

    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(UnusableDownload, match="not OxCGRT's compact national file"):
        unpack_compact_national(tmp_path / "x.csv", tmp_path, DATASETS[DATASET].downloads[0])


def test_each_indicators_name_highest_level_and_flag_are_read_from_the_file(tmp_path):
    unpack_compact_national(compact_csv(tmp_path), tmp_path, DATASETS[DATASET].downloads[0])
    catalog = indicator_catalog(tmp_path / INDICATOR_FILE, read_indicators(tmp_path / INDICATOR_FILE))
    assert list(catalog) == ["C1", "C2", "C8", "H2", "H6", "H7"]  # the file's, in the codebook's order
    assert catalog["C1"] == Indicator("C1", "School closing", 3, True)  # the highest level any row records
    assert catalog["C8"] == Indicator("C8", "International travel controls", 3, False)  # Alaska's 4 is not national
    assert catalog["H6"].name == "Facial Coverings" and catalog["H7"].max_level == 5


def test_an_indicator_no_row_records_is_in_the_catalog_at_level_0(tmp_path):
    never_h7 = [",".join(row.split(",")[:-3] + ["", "", row.split(",")[-1]]) for row in COMPACT_ROWS]
    (tmp_path / "compact.csv").write_text("\n".join([COMPACT_HEADER, *never_h7]) + "\n")
    unpack_compact_national(tmp_path / "compact.csv", tmp_path, DATASETS[DATASET].downloads[0])
    catalog = indicator_catalog(tmp_path / INDICATOR_FILE, read_indicators(tmp_path / INDICATOR_FILE))
    assert catalog["H7"] == Indicator("H7", "Vaccination policy", 0, True)


@pytest.fixture
def served(http_root, monkeypatch, tmp_path):
    """Both on-demand data sets pointed at files in their publishers' formats on 127.0.0.1; a locator that finds
    the shared mirror and downloads into ``tmp_path / 'cache'``."""
    www, base = http_root
    compact_csv(www)
    google = www / "Global_Mobility_Report.csv"
    rows = [f"{code},{name},{sub},,,,,p,{day:%Y-%m-%d},-10,-5,20,-30,{-40 - day.day},8"
            for code, name in (("US", "United States"), ("SE", "Sweden"))
            for sub in ("", "Some State")
            for day in pd.date_range("2022-10-10", "2022-10-15")]
    google.write_text("\n".join([GOOGLE_HEADER, *rows]) + "\n")
    for key, file in ((DATASET, compact_csv(www).name), (FULL_MOBILITY, google.name)):
        real = DATASETS[key]
        monkeypatch.setitem(DATASETS, key, replace(real, downloads=(replace(real.downloads[0], url=f"{base}/{file}"),)))
    return Locator((SHARED,), tmp_path / "cache")


def test_the_complete_report_is_downloaded_with_progress_and_then_used_for_mobility(served):
    before = mobility_source(served)
    assert not full_mobility_available(served) and not before.full
    assert before.last_date.isoformat() == "2021-06-19" and before.retrieved == "2020-11 to 2021-06"
    seen = []
    download_full_mobility(progress=lambda done, total, what: seen.append((done, total)), locator=served)
    assert seen and seen[-1][0] == seen[-1][1]  # the last report says all bytes are in
    assert full_mobility_available(served)
    after = mobility_source(served)
    assert after.full and after.label == "Google's complete report" and after.last_date.isoformat() == "2022-10-15"
    mobility = load_mobility(served)
    assert set(mobility["country_code"]) == {"USA", "SWE"}  # national rows only, every country of the report
    work = mobility[(mobility["country_code"] == "USA") & (mobility["category"] == "workplaces")]
    assert work["value"].tolist() == [-50.0, -51.0, -52.0, -53.0, -54.0, -55.0]
    assert (dataset_dir(FULL_MOBILITY, served) / MOBILITY_FILE).is_file()


def test_the_indicators_are_downloaded_on_demand_and_read_long(served):
    assert not indicators_available(served)
    download_indicators(locator=served)
    assert indicators_available(served)
    long, catalog = load_indicators(served)
    assert set(catalog) == {"C1", "C2", "C8", "H2", "H6", "H7"}
    assert list(long.columns) == ["country_code", "date", "indicator", "level", "flag"]
    assert set(long["country_code"]) == {"SWE", "USA"} and len(long) == 4 * 6


def test_the_publishers_file_in_a_data_directory_is_converted_instead_of_downloaded(tmp_path, monkeypatch):
    real = DATASETS[DATASET]
    nowhere = replace(real.downloads[0], url="http://127.0.0.1:9/OxCGRT_compact_national_v1.csv")  # nothing listens
    monkeypatch.setitem(DATASETS, DATASET, replace(real, downloads=(nowhere,)))
    mirror = tmp_path / "datasets" / DATASET
    mirror.mkdir(parents=True)
    compact_csv(mirror)
    locator = Locator((tmp_path / "datasets",), tmp_path / "cache")
    assert not indicators_available(locator)  # a publisher's file is not the converted one: converted on demand
    folder = download_indicators(locator=locator)
    assert folder == tmp_path / "cache" / DATASET and indicators_available(locator)
    long, catalog = load_indicators(locator)
    assert set(catalog) == {"C1", "C2", "C8", "H2", "H6", "H7"} and set(long["country_code"]) == {"SWE", "USA"}
    assert (mirror / "OxCGRT_compact_national_v1.csv").is_file()  # read where it is, never moved or deleted


def test_offline_the_downloads_say_what_is_missing_and_where_to_get_it(tmp_path):
    from data.locate import DatasetMissing

    offline = Locator((tmp_path,), tmp_path / "cache", allow_download=False)
    assert not indicators_available(offline) and not full_mobility_available(offline)
    with pytest.raises(DatasetMissing, match="OxCGRT_compact_national_v1.csv"):
        download_indicators(locator=offline)
    with pytest.raises(DatasetMissing, match="Global_Mobility_Report.csv"):
        download_full_mobility(locator=offline)


# --- the Parquet copies ---


def test_a_file_is_parsed_once_then_read_from_its_parquet_copy(tmp_path):
    source = tmp_path / "table.csv"
    source.write_text("a,b\n1,x\n2,y\n")
    calls = []

    def parse(path):
        calls.append(path)
        return pd.read_csv(path)

    root = tmp_path / "columnar"
    first = columnar.parsed(source, "table-v1", parse, root)
    again = columnar.parsed(source, "table-v1", parse, root)
    assert len(calls) == 1 and again.equals(first)
    source.write_text("a,b\n3,z\n")  # a new version of the source is parsed afresh; its old copy goes
    assert columnar.parsed(source, "table-v1", parse, root)["a"].tolist() == [3] and len(calls) == 2
    assert len(list(root.glob("table-v1-*.parquet"))) == 1


def test_a_damaged_parquet_copy_is_parsed_again_and_replaced(tmp_path):
    source = tmp_path / "table.csv"
    source.write_text("a\n1\n")
    root = tmp_path / "columnar"
    columnar.parsed(source, "table-v1", pd.read_csv, root)
    (copy,) = root.glob("table-v1-*.parquet")
    copy.write_bytes(b"PAR1 damaged")
    assert columnar.parsed(source, "table-v1", pd.read_csv, root)["a"].tolist() == [1]
    assert pd.read_parquet(copy)["a"].tolist() == [1]


def test_where_the_cache_cannot_be_written_the_file_is_still_read(tmp_path):
    source = tmp_path / "table.csv"
    source.write_text("a\n1\n")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    assert columnar.parsed(source, "table-v1", pd.read_csv, blocked / "columnar")["a"].tolist() == [1]


def test_the_shared_covid_frames_read_through_parquet_equal_the_csv_parse(tmp_path, monkeypatch):
    from data.covid import INDEX_FILES, read_mobility, read_oxcgrt

    monkeypatch.setenv("ML_ATLAS_CACHE_DIR", str(tmp_path))
    folder = dataset_dir("covid")
    for _ in range(2):  # parsed, then read from Parquet
        pd.testing.assert_frame_equal(load_mobility(), read_mobility(folder / MOBILITY_FILE))
        stringency = load_oxcgrt().query("index == 'stringency'").reset_index(drop=True)
        pd.testing.assert_frame_equal(stringency, read_oxcgrt(folder / INDEX_FILES["stringency"], "stringency"))
    assert len(list((tmp_path / "data" / ".columnar").glob("*.parquet"))) == 4


def test_the_data_command_fetches_ahead_of_a_visit(served, monkeypatch, tmp_path, capsys):
    from data.__main__ import main

    monkeypatch.setenv("ML_ATLAS_CACHE_DIR", str(tmp_path / "ahead"))
    assert not indicators_available()
    assert main(["fetch", "oxcgrt-indicators"]) == 0
    assert indicators_available() and "oxcgrt-indicators" in capsys.readouterr().out
    monkeypatch.setenv("ML_ATLAS_OFFLINE", "1")
    assert main(["fetch", "wikitext-103"]) == 1  # offline: said what is missing, and failed
    assert "wikitext-103-v1.zip" in capsys.readouterr().err
