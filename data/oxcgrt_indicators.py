"""OxCGRT's individual policy indicators (the measures behind the indices), national, as one long frame.

The publisher's compact national file of the final release (``OxCGRT_compact_national_v1.csv``) has one row per
country and day, with each indicator's ordinal level and, for most, a flag: 1 for a general measure, 0 for one
targeted at a region or group (OxCGRT's codebook, ``documentation_and_codebook.md``). Its ``M`` columns are the
majority-vaccinated view the indices average over; C8's is ``EV``. :func:`unpack_compact_national` keeps the
national rows of the containment and health indicators that are ordinal levels in a small CSV under the
publisher's column names, which :func:`load_indicators` parses once into Parquet. Which indicators there are, each
one's name and highest level are read from the publisher's file (:func:`indicator_catalog`), not written here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data.columnar import parsed
from data.country_csv import read_country_csv
from data.locate import Locator, Progress, dataset_dir, dataset_in_place
from data.registry import Download
from data.unpack import UnusableDownload

DATASET = "oxcgrt-indicators"
INDICATOR_FILE = "oxcgrt_indicators_national.csv"


@dataclass(frozen=True)
class Indicator:
    """One OxCGRT indicator as its file gives it: its code, its name (from the publisher's column), the highest level
    recorded, and whether it has a flag column."""

    code: str
    name: str
    max_level: int
    has_flag: bool


FAMILIES = "CH"
"""The indicator families kept: containment and closure (C), health system (H); in the codebook's order."""
HIGHEST_ORDINAL = 10
"""An indicator whose recorded values are all whole numbers up to this is an ordinal level; one with larger or
fractional values is an amount (H4 and H5 are money) and is left out."""

_LEVEL_COLUMN = re.compile(rf"^(?P<code>[{FAMILIES}]\d+)[A-Z]*_(?P<name>(?!Flag$).+)$")
_FLAG_COLUMN = re.compile(rf"^(?P<code>[{FAMILIES}]\d+)[A-Z]*_Flag$")


def codebook_order(code: str) -> tuple[int, int]:
    """C1 ... C8 before H1 ... H8."""
    return FAMILIES.index(code[0]), int(code[1:])


def _columns(header: list[str]) -> dict[str, str]:
    """The publisher's column of each indicator's level and flag, as {its column: ``C1`` or ``C1_flag``}."""
    chosen: dict[str, str] = {}
    for column in header:
        for pattern, suffix in ((_LEVEL_COLUMN, ""), (_FLAG_COLUMN, "_flag")):
            match = pattern.match(column)
            if match and f"{match['code']}{suffix}" not in chosen.values():
                chosen[column] = f"{match['code']}{suffix}"
    return chosen


def _codes(chosen: dict[str, str]) -> list[str]:
    """The indicators among ``_columns``' values, in the codebook's order."""
    return sorted((short for short in chosen.values() if not short.endswith("_flag")), key=codebook_order)


def _is_ordinal(values: pd.Series) -> bool:
    recorded = values.dropna()
    return recorded.empty or bool(((recorded % 1 == 0) & (recorded >= 0) & (recorded <= HIGHEST_ORDINAL)).all())


def unpack_compact_national(fetched: Path, staging: Path, download: Download) -> None:
    """Keep the national rows of the ordinal containment and health indicators from OxCGRT's compact national CSV,
    under the publisher's column names (they carry the indicators' names)."""
    header = pd.read_csv(fetched, nrows=0).columns.tolist()
    absent = [c for c in ("CountryCode", "CountryName", "Date") if c not in header]
    chosen = _columns(header)
    if absent or not chosen:
        raise UnusableDownload(f"{download.url} is not OxCGRT's compact national file: it has no "
                               f"{', '.join(absent) or 'indicator'} column.")
    keep = ["CountryCode", "CountryName", "Date", *(["Jurisdiction"] if "Jurisdiction" in header else []), *chosen]
    table = read_country_csv(fetched, usecols=keep, dtype={"CountryCode": str, "CountryName": str, "Date": str})
    if "Jurisdiction" in table:
        table = table[table["Jurisdiction"] == "NAT_TOTAL"].drop(columns="Jurisdiction")
    if table.empty:
        raise UnusableDownload(f"{download.url} has no national rows")
    amounts = {code for column, code in chosen.items()
               if not code.endswith("_flag") and not _is_ordinal(pd.to_numeric(table[column], errors="coerce"))}
    chosen = {column: code for column, code in chosen.items() if code.removesuffix("_flag") not in amounts}
    table = table.rename(columns={"CountryCode": "country_code", "CountryName": "country", "Date": "date"})
    table["date"] = pd.to_datetime(table["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    ordered = sorted(chosen, key=lambda column: (codebook_order(chosen[column].removesuffix("_flag")),
                                                   chosen[column].endswith("_flag")))
    table = table[["country_code", "country", "date", *ordered]].sort_values(["country_code", "date"], kind="stable")
    table.to_csv(staging / (download.target or INDICATOR_FILE), index=False, lineterminator="\n")


def read_indicators(source) -> pd.DataFrame:
    """The unpacked CSV -> long rows (country_code, date, indicator, level, flag); an unrecorded day's level is
    NaN (not 0), a flag NaN where the indicator has none or its level is 0."""
    wide = read_country_csv(source, dtype={"country_code": str, "country": str})
    chosen = _columns(list(wide.columns))
    codes = _codes(chosen)
    wide = wide.rename(columns=chosen)
    wide["date"] = pd.to_datetime(wide["date"], format="%Y-%m-%d")
    levels = wide.melt(id_vars=["country_code", "date"], value_vars=codes, var_name="indicator", value_name="level")
    for code in codes:
        if f"{code}_flag" not in wide:
            wide[f"{code}_flag"] = float("nan")
    flags = wide.melt(id_vars=["country_code", "date"], value_vars=[f"{c}_flag" for c in codes], value_name="flag")
    levels["flag"] = flags["flag"].astype(float).to_numpy()
    levels["level"] = levels["level"].astype(float)
    order = levels["indicator"].map({code: place for place, code in enumerate(codes)})
    return (levels.assign(order=order).sort_values(["country_code", "order", "date"], ignore_index=True)
            .drop(columns="order"))


def indicator_catalog(source, long: pd.DataFrame) -> dict[str, Indicator]:
    """Each indicator in the unpacked CSV ``source`` (its long rows: ``long``): the name its column gives, the
    highest level recorded anywhere, and whether it has a flag; in the codebook's order."""
    header = list(pd.read_csv(source, nrows=0).columns)
    chosen = _columns(header)
    names = {chosen[column]: _LEVEL_COLUMN.match(column)["name"] for column in chosen
             if not chosen[column].endswith("_flag")}
    flagged = {short.removesuffix("_flag") for short in chosen.values() if short.endswith("_flag")}
    highest = long.groupby("indicator")["level"].max().fillna(0)  # an indicator no row records: level 0
    return {code: Indicator(code, names[code], int(highest.get(code, 0)), code in flagged) for code in _codes(chosen)}


def indicators_available(locator: Locator | None = None) -> bool:
    return dataset_in_place(DATASET, locator) is not None


def download_indicators(progress: Progress | None = None, locator: Locator | None = None) -> Path:
    """Fetch OxCGRT's compact national file from the publisher and keep the indicators' national rows."""
    return dataset_dir(DATASET, locator, progress)


def load_indicators(locator: Locator | None = None,
                    progress: Progress | None = None) -> tuple[pd.DataFrame, dict[str, Indicator]]:
    """Every indicator the file has, long (country_code, date, indicator, level, flag), and their catalog."""
    source = dataset_dir(DATASET, locator, progress) / INDICATOR_FILE
    long = parsed(source, "oxcgrt-indicators-v2", read_indicators)
    return long, indicator_catalog(source, long)
