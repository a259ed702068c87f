"""Pieces of the ensembles page: the wines, the names of its controls in its URL, the data overview in tabs, and one
wine's measurements, which start at the median wine of the chosen set and go back there when the set changes."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.chart_export import chart
from components.charts.distributions import WINE_COLOURS, binned_counts, correlation_heatmap, histograms
from components.data_source import source_line
from components.data_status import load_or_explain
from components.linked_view import defaults_follow
from components.table_export import table
from components.url_state import BIND
from data.profile import profile
from data.wine import MEASUREMENTS, load_wine
from models.ensembles import interpretation as read
from models.ensembles.model import QualityBins

WINE_SET_NAMES = {"both": "red and white"}
SETTINGS = {"wines": "Wine set", "bins": "Quality bin edges", "tab": "Data view",
            "iterations": "Random-search iterations", "folds": "Cross-validation folds"}
ONE_WINE = {"colour": "colour", **{name: name.replace("_", " ") for name in MEASUREMENTS}}
"""What each URL parameter of the page is called on the page (the settings, one wine's measurements), for the note
on a link's unusable values."""
SOURCE = source_line("wine")
"""The source line of the page's charts."""


def wine_set_name(wines: str) -> str:
    """What the page calls a wine set (and the URL carries): "red", "white", "red and white"."""
    return WINE_SET_NAMES.get(wines, wines)


AS_WRITTEN = {"wines": wine_set_name}


def data_overview(frame: pd.DataFrame, choice: str, bins: QualityBins | None) -> None:
    """The wines in four tabs (the chosen tab is in the URL): a profile, distributions, correlations, the bins."""
    wines = f"{wine_set_name(choice)} wines"
    overview, distributions, correlations, quality = st.tabs(
        ["Overview", "Distributions", "Correlations", "Quality and bins"], key="tab", bind=BIND)
    with overview:
        for col, (label, value) in zip(st.columns(4), read.overview(frame).items()):
            col.metric(label, f"{value:,}")
        table(profile(frame), f"Profile of the {wines}' measurements", "profile", index=True, column_config={
            c: st.column_config.NumberColumn(format="%.4g") for c in
            ("mean", "std", "min", "25%", "median", "75%", "max", "skew", "missing %")})
        st.caption("Duplicate rows are real: several wines share identical measurements and score. They are kept, as "
                   "in the source data; a duplicate can land in both training and test sets.")
    with distributions:
        chart(histograms(frame, WINE_COLOURS, choice), f"Distributions of the {wines}' measurements", "histograms",
              SOURCE)
    with correlations:
        corr = frame.corr(numeric_only=True)
        chart(correlation_heatmap(corr), f"Pearson correlations between the {wines}' measurements", "correlations",
              SOURCE)
        st.write(read.correlation_sentence(corr))
    with quality:
        if bins is None:
            st.info("Fix the bin edges above to see the bins.")
        else:
            chart(binned_counts(read.quality_counts(frame["quality"], bins), "quality", bins.labels,
                                "Quality scores and their bins"), f"Quality scores of the {wines} and their bins",
                  "quality_bins", SOURCE)
            table(read.bin_table(bins, frame["quality"]), f"Quality bins of the {wines}", "bins_table",
                  width="content", column_config={"share": st.column_config.NumberColumn(format="percent")})
            st.caption("The bins become the classes to predict, encoded 0 (lowest) upward. Unequal bins make accuracy "
                       "flattering: compare it with the share of the largest bin, and read macro F1 too.")


@st.cache_data(show_spinner=False)
def wines_frame(wines: str) -> pd.DataFrame:
    """The red, the white or ``both`` sets of wines (a missing data set is explained on the page, which stops)."""
    return load_or_explain(load_wine, wines)


def wine_measurements(frame: pd.DataFrame, wines: str) -> dict[str, float]:
    """One wine's measurements (and its colour, for both sets) from sliders starting at the set's median wine.

    Every slider spans the measurement over all wines, so it stays the same control when the set changes (a bound
    slider whose range changes would take its value from the URL again) and goes back to the new set's median."""
    every_wine = wines_frame("both")
    ranges = {name: read.slider_range(every_wine[name]) | {"value": read.slider_range(frame[name])["value"]}
              for name in MEASUREMENTS}
    usual_colour = "white" if wines == "both" and frame["colour"].mode()[0] == "white" else "red"
    defaults_follow("wine_set", wines, {**{name: ranges[name]["value"] for name in MEASUREMENTS},
                                        "colour": usual_colour})
    cols = st.columns(3)
    measurements = {name: cols[i % 3].slider(name.replace("_", " "), key=name, bind=BIND, **ranges[name])
                    for i, name in enumerate(MEASUREMENTS)}
    if wines == "both":
        colour = cols[len(MEASUREMENTS) % 3].radio("colour", ["red", "white"], ["red", "white"].index(usual_colour),
                                                   horizontal=True, key="colour", bind=BIND,
                                                   help="Starts at the more common colour.")
        measurements["is_red"] = float(colour == "red")
    return measurements
