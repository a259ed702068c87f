"""USDA beef price and per-capita quantity, quarterly 1977Q1-1999Q3."""
from __future__ import annotations

import pandas as pd

from data.locate import Locator, Progress, dataset_dir


def load_beef(locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Columns: year, quarter, quantity (lb per person), price (cents per lb), period (quarterly timestamp)."""
    folder = dataset_dir("beef", locator, progress)
    frame = pd.read_csv(folder / "beef.csv").rename(columns=str.lower)
    frame["period"] = pd.PeriodIndex.from_fields(year=frame["year"], quarter=frame["quarter"], freq="Q").to_timestamp()
    return frame[["year", "quarter", "period", "quantity", "price"]]
