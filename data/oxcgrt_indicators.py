"""OxCGRT's individual policy indicators (the measures behind the indices), national, as one long frame.

The publisher's compact national file of the final release (``OxCGRT_compact_national_v1.csv``) has one row per
country and day, with each indicator's ordinal level and, for most, a flag: 1 for a general measure, 0 for one
targeted at a region or group (OxCGRT's codebook, ``documentation_and_codebook.md``). Its ``M`` columns are the
majority-vaccinated view the indices average over; C8's is ``EV``. :func:`unpack_compact_national` keeps the
national rows of the indicators below in a small CSV (country_code, country, date, ``C1``, ``C1_flag``, ...), which
:func:`load_indicators` parses once into Parquet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data.columnar import parsed
from data.locate import Locator, Progress, dataset_dir, dataset_in_place
from data.registry import Download
from data.unpack import UnusableDownload

DATASET = "oxcgrt-indicators"
INDICATOR_FILE = "oxcgrt_indicators_national.csv"


@dataclass(frozen=True)
class Indicator:
    """One OxCGRT indicator: its code, name, highest level, what each level means, and whether it has a flag."""

    code: str
    name: str
    levels: tuple[str, ...]
    has_flag: bool = True

    @property
    def max_level(self) -> int:
        return len(self.levels) - 1


def _indicator(code: str, name: str, *levels: str, has_flag: bool = True) -> tuple[str, Indicator]:
    return code, Indicator(code, name, ("no measures", *levels), has_flag)


INDICATORS: dict[str, Indicator] = dict([
    _indicator("C1", "School closing", "recommended, or open with big changes", "required for some levels",
               "required for all levels"),
    _indicator("C2", "Workplace closing", "recommended, or open with big changes", "required for some sectors",
               "required for all but essential workplaces"),
    _indicator("C3", "Cancel public events", "recommended", "required"),
    _indicator("C4", "Restrictions on gatherings", "above 1,000 people", "101 to 1,000 people", "11 to 100 people",
               "10 people or fewer"),
    _indicator("C5", "Close public transport", "recommended, or much reduced", "required, or most people barred"),
    _indicator("C6", "Stay-at-home requirements", "recommended", "required, with exceptions for daily exercise, "
               "shopping and essential trips", "required, with minimal exceptions"),
    _indicator("C7", "Restrictions on internal movement", "recommended", "in place"),
    _indicator("C8", "International travel controls", "screening arrivals", "quarantine for arrivals from some regions",
               "ban on arrivals from some regions", "ban on all regions, or total border closure", has_flag=False),
    _indicator("H1", "Public information campaigns", "officials urge caution", "coordinated campaign"),
    _indicator("H2", "Testing policy", "only those with symptoms who meet criteria", "anyone with symptoms",
               "open public testing", has_flag=False),
    _indicator("H3", "Contact tracing", "limited, not for all cases", "comprehensive, for all cases", has_flag=False),
    _indicator("H6", "Facial coverings", "recommended", "required in some shared public spaces",
               "required in all shared public spaces", "required outside the home at all times"),
    _indicator("H7", "Vaccination policy", "available to one key group", "available to two key groups",
               "available to all vulnerable groups", "available to them and some others", "available to all"),
    _indicator("H8", "Protection of elderly people", "recommended isolation and hygiene",
               "narrow restrictions for care homes", "significant restrictions"),
])

_LEVEL_COLUMN = re.compile(r"^(?P<code>[CH]\d)[A-Z]*_(?!Flag$)")
_FLAG_COLUMN = re.compile(r"^(?P<code>[CH]\d)[A-Z]*_Flag$")


def _columns(header: list[str]) -> dict[str, str]:
    """The publisher's column of each indicator's level and flag, as {its column: ``C1`` or ``C1_flag``}."""
    chosen: dict[str, str] = {}
    for column in header:
        for pattern, suffix in ((_LEVEL_COLUMN, ""), (_FLAG_COLUMN, "_flag")):
            match = pattern.match(column)
            if match and match["code"] in INDICATORS and f"{match['code']}{suffix}" not in chosen.values():
                chosen[column] = f"{match['code']}{suffix}"
    return chosen


def unpack_compact_national(fetched: Path, staging: Path, download: Download) -> None:
    """Keep the national rows of the indicators in :data:`INDICATORS` from OxCGRT's compact national CSV."""
    header = pd.read_csv(fetched, nrows=0).columns.tolist()
    absent = [c for c in ("CountryCode", "CountryName", "Date") if c not in header]
    chosen = _columns(header)
    if absent or not chosen:
        raise UnusableDownload(f"{download.url} is not OxCGRT's compact national file: it has no "
                               f"{', '.join(absent) or 'indicator'} column.")
    keep = ["CountryCode", "CountryName", "Date", *(["Jurisdiction"] if "Jurisdiction" in header else []), *chosen]
    table = pd.read_csv(fetched, usecols=keep, dtype={"CountryCode": str, "CountryName": str, "Date": str},
                        keep_default_na=False, na_values=[""])
    if "Jurisdiction" in table:
        table = table[table["Jurisdiction"] == "NAT_TOTAL"].drop(columns="Jurisdiction")
    if table.empty:
        raise UnusableDownload(f"{download.url} has no national rows")
    table = table.rename(columns={"CountryCode": "country_code", "CountryName": "country", "Date": "date", **chosen})
    table["date"] = pd.to_datetime(table["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    ordered = [c for code in INDICATORS for c in (code, f"{code}_flag") if c in table]
    table = table[["country_code", "country", "date", *ordered]].sort_values(["country_code", "date"], kind="stable")
    table.to_csv(staging / (download.target or INDICATOR_FILE), index=False, lineterminator="\n")


def read_indicators(source) -> pd.DataFrame:
    """The unpacked CSV -> long rows (country_code, date, indicator, level, flag); an unrecorded day's level is
    NaN (not 0), a flag NaN where the indicator has none or its level is 0."""
    wide = pd.read_csv(source, keep_default_na=False, na_values=[""], dtype={"country_code": str, "country": str})
    wide["date"] = pd.to_datetime(wide["date"], format="%Y-%m-%d")
    codes = [code for code in INDICATORS if code in wide]
    levels = wide.melt(id_vars=["country_code", "date"], value_vars=codes, var_name="indicator", value_name="level")
    for code in codes:
        if f"{code}_flag" not in wide:
            wide[f"{code}_flag"] = float("nan")
    flags = wide.melt(id_vars=["country_code", "date"], value_vars=[f"{c}_flag" for c in codes], value_name="flag")
    levels["flag"] = flags["flag"].astype(float).to_numpy()
    levels["level"] = levels["level"].astype(float)
    order = levels["indicator"].map({code: place for place, code in enumerate(INDICATORS)})
    return (levels.assign(order=order).sort_values(["country_code", "order", "date"], ignore_index=True)
            .drop(columns="order"))


def indicators_available(locator: Locator | None = None) -> bool:
    return dataset_in_place(DATASET, locator) is not None


def download_indicators(progress: Progress | None = None, locator: Locator | None = None) -> Path:
    """Fetch OxCGRT's compact national file from the publisher and keep the indicators' national rows."""
    return dataset_dir(DATASET, locator, progress)


def load_indicators(locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Every indicator of :data:`INDICATORS`, long: country_code, date, indicator, level, flag."""
    return parsed(dataset_dir(DATASET, locator, progress) / INDICATOR_FILE, "oxcgrt-indicators-v1", read_indicators)
