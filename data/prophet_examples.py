"""The example time series shipped in Prophet's repository, as tidy ``ds``/``y`` frames."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data.locate import Locator, Progress, dataset_dir


@dataclass(frozen=True)
class Example:
    """One built-in series: its file, what it measures, and the settings that suit it."""

    file: str
    description: str
    aggregate: str = "none"  # suggested resampling: none, hourly, daily, weekly, monthly
    multiplicative: bool = False  # seasonal swings grow with the level


EXAMPLES: dict[str, Example] = {
    "Air passengers (monthly)": Example(
        "example_air_passengers.csv",
        "Monthly international airline passengers (thousands), 1949-1960: the classic series whose seasonal "
        "swings grow with the trend, so multiplicative seasonality fits it.",
        multiplicative=True,
    ),
    "Peyton Manning page views (daily)": Example(
        "example_wp_log_peyton_manning.csv",
        "Natural log of daily views of Peyton Manning's Wikipedia page, 2007-2016: yearly (NFL season) and "
        "weekly cycles, playoff and Super Bowl spikes.",
    ),
    "US retail sales (monthly)": Example(
        "example_retail_sales.csv",
        "US retail sales volume, monthly 1992-2016, including the 2008-2009 recession.",
    ),
    "R language page views (daily)": Example(
        "example_wp_log_R.csv",
        "Natural log of daily views of the Wikipedia page 'R (programming language)', 2008-2015, with gaps: "
        "Prophet's example for saturating (logistic) growth.",
    ),
    "Pedestrians in Melbourne (daily)": Example(
        "example_pedestrians_covid.csv",
        "Daily pedestrian count at one City of Melbourne sensor, 2017-2021: the COVID-19 lockdowns break the "
        "pattern, a hard case for any model.",
    ),
    "Yosemite temperatures (5-minute)": Example(
        "example_yosemite_temps.csv",
        "Temperature at Yosemite every 5 minutes, May-July 2017, with 12 missing readings; aggregated to hourly "
        "by default so fits stay quick.",
        aggregate="hourly",
    ),
}


def load_example(name: str, locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Columns ``ds`` (timestamp) and ``y`` (float, NaN where missing), sorted by date."""
    example = EXAMPLES[name]
    folder = dataset_dir("prophet", locator, progress)
    frame = pd.read_csv(folder / example.file)
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["y"] = frame["y"].astype(float)
    return frame[["ds", "y"]].sort_values("ds", ignore_index=True)
