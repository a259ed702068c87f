"""OxCGRT's individual policy indicators (the measures behind the indices), national, as one long frame.

The publisher's compact national file of the final release (``OxCGRT_compact_national_v1.csv``) has one row per
country and day, with each indicator's ordinal level and, for most, a flag: 1 for a general measure, 0 for one
targeted at a region or group (OxCGRT's codebook, ``documentation_and_codebook.md``). Its ``M`` columns are the
majority-vaccinated view the indices average over; C8's is ``EV``. :func:`unpack_compact_national` keeps the
national rows of the indicators in :data:`SHOWN` in a small CSV under the publisher's column names, which
:func:`load_indicators` parses once into Parquet; each indicator's name and highest level are read from that file
(:func:`indicator_catalog`), not written here.
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
    """One OxCGRT indicator as its file gives it: its code, its name (from the publisher's column), the highest level
    recorded, and whether it has a flag column."""

    code: str
    name: str
    max_level: int
    has_flag: bool


SHOWN = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "H1", "H2", "H3", "H6", "H7", "H8")
"""The indicators kept, in the codebook's order: containment and closure, and the health-system measures that are
ordinal levels (H4 and H5 are amounts of money)."""

_LEVEL_COLUMN = re.compile(r"^(?P<code>[CH]\d)[A-Z]*_(?P<name>(?!Flag$).+)$")
_FLAG_COLUMN = re.compile(r"^(?P<code>[CH]\d)[A-Z]*_Flag$")


def _columns(header: list[str]) -> dict[str, str]:
    """The publisher's column of each kept indicator's level and flag, as {its column: ``C1`` or ``C1_flag``}."""
    chosen: dict[str, str] = {}
    for column in header:
        for pattern, suffix in ((_LEVEL_COLUMN, ""), (_FLAG_COLUMN, "_flag")):
            match = pattern.match(column)
            if match and match["code"] in SHOWN and f"{match['code']}{suffix}" not in chosen.values():
                chosen[column] = f"{match['code']}{suffix}"
    return chosen


def unpack_compact_national(fetched: Path, staging: Path, download: Download) -> None:
    """Keep the national rows of the indicators in :data:`SHOWN` from OxCGRT's compact national CSV, under the
    publisher's column names (they carry the indicators' names)."""
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
    table = table.rename(columns={"CountryCode": "country_code", "CountryName": "country", "Date": "date"})
    table["date"] = pd.to_datetime(table["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    order = {short: place for place, short in enumerate(f"{code}{suffix}" for code in SHOWN for suffix in ("", "_flag"))}
    ordered = sorted(chosen, key=lambda column: order[chosen[column]])
    table = table[["country_code", "country", "date", *ordered]].sort_values(["country_code", "date"], kind="stable")
    table.to_csv(staging / (download.target or INDICATOR_FILE), index=False, lineterminator="\n")


def read_indicators(source) -> pd.DataFrame:
    """The unpacked CSV -> long rows (country_code, date, indicator, level, flag); an unrecorded day's level is
    NaN (not 0), a flag NaN where the indicator has none or its level is 0."""
    wide = pd.read_csv(source, keep_default_na=False, na_values=[""], dtype={"country_code": str, "country": str})
    wide = wide.rename(columns=_columns(list(wide.columns)))
    wide["date"] = pd.to_datetime(wide["date"], format="%Y-%m-%d")
    codes = [code for code in SHOWN if code in wide]
    levels = wide.melt(id_vars=["country_code", "date"], value_vars=codes, var_name="indicator", value_name="level")
    for code in codes:
        if f"{code}_flag" not in wide:
            wide[f"{code}_flag"] = float("nan")
    flags = wide.melt(id_vars=["country_code", "date"], value_vars=[f"{c}_flag" for c in codes], value_name="flag")
    levels["flag"] = flags["flag"].astype(float).to_numpy()
    levels["level"] = levels["level"].astype(float)
    order = levels["indicator"].map({code: place for place, code in enumerate(SHOWN)})
    return (levels.assign(order=order).sort_values(["country_code", "order", "date"], ignore_index=True)
            .drop(columns="order"))


def indicator_catalog(source, long: pd.DataFrame) -> dict[str, Indicator]:
    """Each indicator in the unpacked CSV ``source`` (its long rows: ``long``): the name its column gives, the
    highest level recorded anywhere, and whether it has a flag; in the codebook's order."""
    header = list(pd.read_csv(source, nrows=0).columns)
    names = {match["code"]: match["name"] for match in map(_LEVEL_COLUMN.match, header)
             if match and match["code"] in SHOWN}
    flagged = {short.removesuffix("_flag") for short in _columns(header).values() if short.endswith("_flag")}
    highest = long.groupby("indicator")["level"].max()
    return {code: Indicator(code, names[code], int(highest.get(code, 0)), code in flagged)
            for code in SHOWN if code in names}


def indicators_available(locator: Locator | None = None) -> bool:
    return dataset_in_place(DATASET, locator) is not None


def download_indicators(progress: Progress | None = None, locator: Locator | None = None) -> Path:
    """Fetch OxCGRT's compact national file from the publisher and keep the indicators' national rows."""
    return dataset_dir(DATASET, locator, progress)


def load_indicators(locator: Locator | None = None,
                    progress: Progress | None = None) -> tuple[pd.DataFrame, dict[str, Indicator]]:
    """Every indicator of :data:`SHOWN`, long (country_code, date, indicator, level, flag), and their catalog."""
    source = dataset_dir(DATASET, locator, progress) / INDICATOR_FILE
    long = parsed(source, "oxcgrt-indicators-v2", read_indicators)
    return long, indicator_catalog(source, long)
