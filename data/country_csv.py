"""Reading the country-by-country CSVs (OxCGRT, Google mobility), where ``NA`` is a country, not a gap."""
from __future__ import annotations

import pandas as pd


def read_country_csv(source, **options) -> pd.DataFrame:
    """``pd.read_csv`` with only empty cells missing: pandas' default would read Namibia's code ``NA`` as NaN."""
    return pd.read_csv(source, keep_default_na=False, na_values=[""], **options)
