"""OxCGRT national indices and Google Community Mobility (national), as tidy long frames.

Both loaders use ISO 3166-1 alpha-3 codes (``country_code``) so the two sources
join on (country_code, date). Google uses alpha-2 codes; :data:`ISO2_TO_ISO3`
maps them (the table is written out here: neither file carries both codes).
The two ``unpack_*`` functions turn what the publishers serve into the mirror's
files (see ``data/registry.py``).

Mobility comes from Google's complete report (data set ``google-mobility``, about 135 countries to 2022-10-15)
once it has been downloaded, else from the bundled national extract in ``covid`` (125 countries to 2021-06-19):
:func:`mobility_source` says which is in use. Each file is parsed once into Parquet (:mod:`data.columnar`).
"""
from __future__ import annotations

import csv
import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data.columnar import parsed
from data.country_csv import read_country_csv
from data.locate import Locator, Progress, dataset_dir, dataset_in_place
from data.registry import Download
from data.unpack import UnusableDownload

INDEX_FILES = {
    "containment_health": "oxcgrt_containment_health_index.csv",
    "stringency": "oxcgrt_stringency_index.csv",
    "government_response": "oxcgrt_government_response_index.csv",
}
INDEX_LABELS = {
    "containment_health": "Containment & health index",
    "stringency": "Stringency index",
    "government_response": "Government response index",
}
MOBILITY_FILE = "google_mobility_national.csv"
CATEGORIES = ("retail_and_recreation", "grocery_and_pharmacy", "parks", "transit_stations", "workplaces", "residential")
CATEGORY_LABELS = {
    "retail_and_recreation": "Retail & recreation",
    "grocery_and_pharmacy": "Grocery & pharmacy",
    "parks": "Parks",
    "transit_stations": "Transit stations",
    "workplaces": "Workplaces",
    "residential": "Residential",
}
_SUFFIX = "_percent_change_from_baseline"
_OXCGRT_DATE_FORMAT = "%d%b%Y"
_OXCGRT_ID_COLUMNS = ("CountryCode", "CountryName", "RegionCode", "RegionName", "CityCode", "CityName", "Jurisdiction")
_GOOGLE_SUBNATIONAL = ("sub_region_1", "sub_region_2", "metro_area", "iso_3166_2_code", "census_fips_code")
_GOOGLE_KEEP = ("country_region_code", "country_region", "date", *(c + _SUFFIX for c in CATEGORIES))

# ISO 3166-1 alpha-2 -> alpha-3, every officially assigned code, plus XK -> RKS (Kosovo, as OxCGRT codes it).
_ISO_PAIRS = """
AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS AW ABW AX ALA AZ AZE
BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM BM BMU BN BRN BO BOL BQ BES BR BRA BS BHS
BT BTN BV BVT BW BWA BY BLR BZ BLZ CA CAN CC CCK CD COD CF CAF CG COG CH CHE CI CIV CK COK CL CHL CM CMR CN CHN
CO COL CR CRI CU CUB CV CPV CW CUW CX CXR CY CYP CZ CZE DE DEU DJ DJI DK DNK DM DMA DO DOM DZ DZA EC ECU EE EST
EG EGY EH ESH ER ERI ES ESP ET ETH FI FIN FJ FJI FK FLK FM FSM FO FRO FR FRA GA GAB GB GBR GD GRD GE GEO GF GUF
GG GGY GH GHA GI GIB GL GRL GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS GT GTM GU GUM GW GNB GY GUY HK HKG HM HMD
HN HND HR HRV HT HTI HU HUN ID IDN IE IRL IL ISR IM IMN IN IND IO IOT IQ IRQ IR IRN IS ISL IT ITA JE JEY JM JAM
JO JOR JP JPN KE KEN KG KGZ KH KHM KI KIR KM COM KN KNA KP PRK KR KOR KW KWT KY CYM KZ KAZ LA LAO LB LBN LC LCA
LI LIE LK LKA LR LBR LS LSO LT LTU LU LUX LV LVA LY LBY MA MAR MC MCO MD MDA ME MNE MF MAF MG MDG MH MHL MK MKD
ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ MR MRT MS MSR MT MLT MU MUS MV MDV MW MWI MX MEX MY MYS MZ MOZ NA NAM
NC NCL NE NER NF NFK NG NGA NI NIC NL NLD NO NOR NP NPL NR NRU NU NIU NZ NZL OM OMN PA PAN PE PER PF PYF PG PNG
PH PHL PK PAK PL POL PM SPM PN PCN PR PRI PS PSE PT PRT PW PLW PY PRY QA QAT RE REU RO ROU RS SRB RU RUS RW RWA
SA SAU SB SLB SC SYC SD SDN SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD
ST STP SV SLV SX SXM SY SYR SZ SWZ TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS TM TKM TN TUN TO TON
TR TUR TT TTO TV TUV TW TWN TZ TZA UA UKR UG UGA UM UMI US USA UY URY UZ UZB VA VAT VC VCT VE VEN VG VGB VI VIR
VN VNM VU VUT WF WLF WS WSM YE YEM YT MYT ZA ZAF ZM ZMB ZW ZWE XK RKS
""".split()
ISO2_TO_ISO3: dict[str, str] = dict(zip(_ISO_PAIRS[::2], _ISO_PAIRS[1::2]))
ISO3_TO_ISO2: dict[str, str] = {iso3: iso2 for iso2, iso3 in ISO2_TO_ISO3.items()}


def read_oxcgrt(source, index: str) -> pd.DataFrame:
    """One wide OxCGRT time-series CSV -> long rows (country_code, country, date, index, value), national only."""
    wide = read_country_csv(source, dtype={c: str for c in _OXCGRT_ID_COLUMNS})
    if "Jurisdiction" in wide:
        wide = wide[wide["Jurisdiction"] == "NAT_TOTAL"]
    date_columns = [c for c in wide.columns if c not in _OXCGRT_ID_COLUMNS]
    long = wide.melt(id_vars=["CountryCode", "CountryName"], value_vars=date_columns, var_name="date", value_name="value")
    long = long.dropna(subset=["value"])
    long["date"] = pd.to_datetime(long["date"], format=_OXCGRT_DATE_FORMAT)
    long.insert(3, "index", index)
    long = long.rename(columns={"CountryCode": "country_code", "CountryName": "country"})
    return long.sort_values(["country_code", "date"], ignore_index=True)


def read_mobility(source) -> pd.DataFrame:
    """Google's national mobility CSV -> long rows (country_code, iso2, country, date, category, value).

    Withheld (empty) values are dropped rather than kept as NaN rows.
    """
    wide = read_country_csv(source, dtype={"country_region_code": str})
    wide = wide.rename(columns={c + _SUFFIX: c for c in CATEGORIES})
    wide["country_code"] = wide["country_region_code"].map(ISO2_TO_ISO3)
    unknown = sorted(set(wide.loc[wide["country_code"].isna(), "country_region_code"]))
    if unknown:
        raise ValueError(f"unknown ISO 3166 alpha-2 code(s) in the mobility data: {', '.join(unknown)}")
    long = wide.melt(id_vars=["country_code", "country_region_code", "country_region", "date"],
                     value_vars=list(CATEGORIES), var_name="category", value_name="value")
    long = long.dropna(subset=["value"]).rename(columns={"country_region_code": "iso2", "country_region": "country"})
    long["date"] = pd.to_datetime(long["date"], format="%Y-%m-%d")
    long["value"] = long["value"].astype(float)
    return long.sort_values(["country_code", "category", "date"], ignore_index=True)


def load_oxcgrt(locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """All three OxCGRT indices, long: country_code, country, date, index (a key of INDEX_FILES), value (0-100)."""
    folder = dataset_dir("covid", locator, progress)
    return pd.concat([parsed(folder / name, f"oxcgrt-{index}-v1", lambda path, index=index: read_oxcgrt(path, index))
                      for index, name in INDEX_FILES.items()], ignore_index=True)


FULL_MOBILITY = "google-mobility"
"""The registry key of Google's complete report, national rows (downloaded on demand; not in the mirror)."""
MIRROR_RETRIEVED = "2020-11 to 2021-06"
"""When the bundled extract's files were downloaded from Google (see the mirror's SOURCE.md)."""


@dataclass(frozen=True)
class MobilitySource:
    """Which mobility data is in use: Google's complete report (``full``) or the bundled extract, and its span."""

    full: bool
    label: str
    retrieved: str
    first_date: dt.date
    last_date: dt.date


def full_mobility_available(locator: Locator | None = None) -> bool:
    """Whether Google's complete report is on disk (then the page uses it for every country and date)."""
    return dataset_in_place(FULL_MOBILITY, locator) is not None


def download_full_mobility(progress: Progress | None = None, locator: Locator | None = None) -> Path:
    """Fetch Google's complete report from its publisher and keep its national rows (about 1 GB to read)."""
    return dataset_dir(FULL_MOBILITY, locator, progress)


def _mobility_file(locator: Locator | None, progress: Progress | None) -> tuple[Path, bool]:
    full = dataset_in_place(FULL_MOBILITY, locator)
    if full is not None:
        return full / MOBILITY_FILE, True
    return dataset_dir("covid", locator, progress) / MOBILITY_FILE, False


def load_mobility(locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Google mobility, long: country_code (ISO3), iso2, country, date, category, value (% change from baseline),
    from the complete report when it is on disk, else from the bundled extract."""
    path, full = _mobility_file(locator, progress)
    return parsed(path, f"mobility-{'full' if full else 'mirror'}-v1", read_mobility)


_spans: dict[tuple[Path, int, int], tuple[dt.date, dt.date]] = {}
_spans_lock = threading.Lock()


def mobility_source(locator: Locator | None = None) -> MobilitySource:
    """Which mobility data :func:`load_mobility` reads, when it was retrieved and the days it covers."""
    path, full = _mobility_file(locator, None)
    stat = path.stat()
    version = (path, stat.st_size, stat.st_mtime_ns)
    with _spans_lock:
        span = _spans.get(version)
    if span is None:
        dates = load_mobility(locator)["date"]
        span = (dates.min().date(), dates.max().date())
        with _spans_lock:
            _spans[version] = span
    if full:
        retrieved = dt.date.fromtimestamp(stat.st_mtime).isoformat()
        return MobilitySource(True, "Google's complete report", retrieved, *span)
    return MobilitySource(False, "the bundled national extract", MIRROR_RETRIEVED, *span)


def unpack_oxcgrt_national(fetched: Path, staging: Path, download: Download) -> None:
    """Keep the header and NAT_TOTAL rows of an OxCGRT time-series CSV; drop trailing date columns empty for all of them.

    The kept text is written back unchanged (the publisher's CSV quotes nothing),
    so the result matches the mirror's file byte for byte. Read row by row: only
    the national rows are held.
    """
    with open(fetched, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        if "Jurisdiction" not in header:
            raise UnusableDownload(f"{download.url} is not an OxCGRT time series: its header has no Jurisdiction column.")
        jurisdiction = header.index("Jurisdiction")
        national = [row for row in reader if len(row) > jurisdiction and row[jurisdiction] == "NAT_TOTAL"]
    if not national:
        raise UnusableDownload(f"{download.url} has no NAT_TOTAL rows")
    width = len(header)
    while width > jurisdiction + 1 and all(len(row) < width or row[width - 1] == "" for row in national):
        width -= 1
    destination = staging / (download.target or Path(download.url).name)
    with open(destination, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header[:width])
        writer.writerows(row[:width] for row in national)


def unpack_google_mobility_national(fetched: Path, staging: Path, download: Download) -> None:
    """Keep the national rows of Google's Global_Mobility_Report.csv in the mirror's columns, sorted by code and date.

    A national row has every sub-national column empty. Read in chunks: the
    global file is about a gigabyte.
    """
    kept = []
    chunks = pd.read_csv(fetched, dtype=str, keep_default_na=False, chunksize=500_000,
                         usecols=lambda c: c in _GOOGLE_KEEP or c in _GOOGLE_SUBNATIONAL)
    for chunk in chunks:
        absent = [c for c in _GOOGLE_KEEP if c not in chunk]
        if absent:
            raise UnusableDownload(f"{download.url} is not Google's mobility report: it has no {', '.join(absent)} column.")
        national = (chunk[[c for c in _GOOGLE_SUBNATIONAL if c in chunk]] == "").all(axis=1)
        kept.append(chunk.loc[national, list(_GOOGLE_KEEP)])
    table = pd.concat(kept, ignore_index=True)
    if table.empty:
        raise UnusableDownload(f"{download.url} has no national rows")
    table = table.sort_values(["country_region_code", "date"], kind="stable")
    table.to_csv(staging / (download.target or Path(download.url).name), index=False, lineterminator="\n")
