"""COVID loaders and download converters: wide -> long, Namibia's NA code, ISO2 -> ISO3, unpacking."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest

from data.covid import (
    INDEX_FILES, ISO2_TO_ISO3, MOBILITY_FILE, load_mobility, load_oxcgrt, read_mobility, read_oxcgrt,
    unpack_google_mobility_national, unpack_oxcgrt_national,
)
from data.locate import dataset_dir
from data.registry import DATASETS, Download

OXCGRT_HEADER = "CountryCode,CountryName,RegionCode,RegionName,CityCode,CityName,Jurisdiction"
GOOGLE_HEADER = ("country_region_code,country_region,sub_region_1,sub_region_2,metro_area,iso_3166_2_code,"
                 "census_fips_code,place_id,date,retail_and_recreation_percent_change_from_baseline,"
                 "grocery_and_pharmacy_percent_change_from_baseline,parks_percent_change_from_baseline,"
                 "transit_stations_percent_change_from_baseline,workplaces_percent_change_from_baseline,"
                 "residential_percent_change_from_baseline")


def oxcgrt_download(target: str) -> Download:
    return next(d for d in DATASETS["covid"].downloads if d.target == target)


def test_read_oxcgrt_turns_wide_national_rows_into_long_dated_rows():
    text = "\n".join([
        f"{OXCGRT_HEADER},01Jan2020,02Jan2020,03Jan2020",
        "NAM,Namibia,,,,,NAT_TOTAL,0,11.5,",
        "SWE,Sweden,,,,,NAT_TOTAL,5,5,57.14",
        "USA,United States,US_AK,Alaska,,,STATE_TOTAL,1,2,3",
    ])
    long = read_oxcgrt(io.StringIO(text), "stringency")
    assert list(long.columns) == ["country_code", "country", "date", "index", "value"]
    assert set(long["country_code"]) == {"NAM", "SWE"}  # the state row is not national
    assert len(long) == 5  # Namibia's blank day is dropped, not kept as NaN
    swe = long[long["country_code"] == "SWE"].set_index("date")["value"]
    assert swe[pd.Timestamp("2020-01-03")] == pytest.approx(57.14)
    assert (long["index"] == "stringency").all()


def test_read_mobility_keeps_namibia_maps_codes_and_drops_withheld_values():
    text = "\n".join([
        "country_region_code,country_region,date," + ",".join(GOOGLE_HEADER.split(",")[9:]),
        "NA,Namibia,2020-02-15,1,2,3,4,5,6",
        "NA,Namibia,2020-02-16,-10,,3,4,5,6",
        "DE,Germany,2020-02-15,0,0,0,0,0,0",
    ])
    long = read_mobility(io.StringIO(text))
    assert set(long["iso2"]) == {"NA", "DE"}
    assert set(long["country_code"]) == {"NAM", "DEU"}
    namibia = long[long["country_code"] == "NAM"]
    assert len(namibia) == 11  # 12 cells, one withheld
    assert namibia.set_index(["date", "category"]).loc[(pd.Timestamp("2020-02-16"), "retail_and_recreation"),
                                                       "value"] == -10


def test_read_mobility_rejects_an_unknown_country_code():
    text = "country_region_code,country_region,date,workplaces_percent_change_from_baseline\nZZ,Nowhere,2020-02-15,1\n"
    with pytest.raises(ValueError, match="ZZ"):
        read_mobility(io.StringIO(text))


def test_iso_mapping_is_one_to_one_and_covers_the_known_codes():
    assert len(set(ISO2_TO_ISO3.values())) == len(ISO2_TO_ISO3) >= 249
    assert ISO2_TO_ISO3["NA"] == "NAM" and ISO2_TO_ISO3["SE"] == "SWE" and ISO2_TO_ISO3["XK"] == "RKS"
    # The ten large countries missing from the mirror but present in Google's global file.
    for iso2, iso3 in {"GB": "GBR", "US": "USA", "AR": "ARG", "AU": "AUS", "BR": "BRA", "CO": "COL",
                       "IN": "IND", "NL": "NLD", "PL": "POL", "TR": "TUR"}.items():
        assert ISO2_TO_ISO3[iso2] == iso3


def test_real_data_loads_long_and_joins_on_iso3():
    index, mobility = load_oxcgrt(), load_mobility()
    assert set(index["index"]) == set(INDEX_FILES)
    assert index.groupby("index")["country_code"].nunique().eq(185).all()
    assert len(index) == 3 * 185 * 1096
    assert mobility["country_code"].nunique() == 125
    assert mobility[mobility["iso2"] == "NA"]["country"].eq("Namibia").all()
    assert mobility[mobility["iso2"] == "NA"]["date"].nunique() > 400
    # Google countries without an OxCGRT counterpart: Reunion and three OxCGRT does not track.
    assert set(mobility["country_code"]) - set(index["country_code"]) == {"REU", "MKD", "GNB", "ATG"}
    shared = mobility.groupby("country_code")["country"].first().to_frame("google").join(
        index.groupby("country_code")["country"].first().to_frame("oxcgrt"), how="inner")
    assert (shared["google"] == shared["oxcgrt"]).mean() > 0.9  # same countries: names mostly spelled alike


def test_unpack_oxcgrt_keeps_national_rows_and_drops_trailing_empty_columns(tmp_path):
    fetched = tmp_path / "fetched.csv"
    fetched.write_text("\n".join([
        f"{OXCGRT_HEADER},30Dec2022,31Dec2022,01Jan2023,02Jan2023",
        "CHN,China,CHN_AH,Anhui,,,STATE_TOTAL,10,10,9,9",
        "AFG,Afghanistan,,,,,NAT_TOTAL,11.5,12,,",
        "SWE,Sweden,,,,,NAT_TOTAL,5,5,,",
        "BRA,Brazil,BR_AC,Acre,BR_AC_1,Rio Branco,CITY_TOTAL,1,1,1,1",
    ]) + "\n")
    download = Download("https://example.org/x.csv", target="index.csv")
    unpack_oxcgrt_national(fetched, tmp_path, download)
    assert (tmp_path / "index.csv").read_text() == "\n".join([
        f"{OXCGRT_HEADER},30Dec2022,31Dec2022",
        "AFG,Afghanistan,,,,,NAT_TOTAL,11.5,12",
        "SWE,Sweden,,,,,NAT_TOTAL,5,5",
    ]) + "\n"


def test_unpack_oxcgrt_reproduces_the_mirror_byte_for_byte(tmp_path):
    """The publisher's file = the mirror's rows + sub-national rows + empty 2023 columns."""
    name = INDEX_FILES["stringency"]
    mirror = dataset_dir("covid") / name
    header, *rows = mirror.read_text().splitlines()
    province = "CHN,China,CHN_AH,Anhui,,,STATE_TOTAL," + ",".join(["1"] * (header.count(",") - 6)) + ",7,7"
    fetched = tmp_path / "fetched.csv"
    fetched.write_text("\n".join([header + ",01Jan2023,02Jan2023", province, *(r + ",," for r in rows)]) + "\n")
    (tmp_path / "out").mkdir()
    unpack_oxcgrt_national(fetched, tmp_path / "out", oxcgrt_download(name))
    digest = hashlib.sha256((tmp_path / "out" / name).read_bytes()).hexdigest()
    assert digest == next(f.sha256 for f in DATASETS["covid"].files if f.path == name)


def test_unpack_google_keeps_national_rows_in_the_mirrors_format(tmp_path):
    fetched = tmp_path / "Global_Mobility_Report.csv"
    fetched.write_text("\n".join([
        GOOGLE_HEADER,
        "SE,Sweden,,,,,,ChIJ8fA1bTmyXEYRYm-tjaLruCI,2020-02-16,3,4,5,-1,2,0",
        "SE,Sweden,,,,,,ChIJ8fA1bTmyXEYRYm-tjaLruCI,2020-02-15,1,2,3,4,5,6",
        "SE,Sweden,Stockholm County,,,SE-AB,,ChIJ1,2020-02-15,9,9,9,9,9,9",
        "US,United States,Alabama,Autauga County,,,01001,ChIJ2,2020-02-15,9,9,9,9,9,9",
        "NA,Namibia,,,,,,ChIJ3,2020-02-15,-7,,12,0,1,2",
        "AE,United Arab Emirates,,,Dubai Metropolitan Area,,,ChIJ4,2020-02-15,9,9,9,9,9,9",
    ]) + "\n")
    unpack_google_mobility_national(fetched, tmp_path, Download("https://example.org/g.csv", target=MOBILITY_FILE))
    written = (tmp_path / MOBILITY_FILE).read_text()
    mirror_header = (dataset_dir("covid") / MOBILITY_FILE).open().readline()
    assert written.splitlines(keepends=True)[0] == mirror_header
    assert written.splitlines()[1:] == [
        "NA,Namibia,2020-02-15,-7,,12,0,1,2",
        "SE,Sweden,2020-02-15,1,2,3,4,5,6",
        "SE,Sweden,2020-02-16,3,4,5,-1,2,0",
    ]
    long = read_mobility(tmp_path / MOBILITY_FILE)
    assert set(long["country_code"]) == {"NAM", "SWE"}


def test_registry_names_these_converters():
    unpackers = {d.unpack for d in DATASETS["covid"].downloads}
    assert unpackers == {"data.covid:unpack_oxcgrt_national", "data.covid:unpack_google_mobility_national"}
    assert all(Path(d.target).name in {*INDEX_FILES.values(), MOBILITY_FILE} for d in DATASETS["covid"].downloads)
