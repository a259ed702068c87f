"""UCI Wine Quality: physicochemical measurements and a 0-10 quality score of vinho verde wines."""
from __future__ import annotations

import pandas as pd

from data.locate import Locator, Progress, dataset_dir

WINE_SETS = ("red", "white", "both")
MEASUREMENTS = (
    "fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides", "free_sulfur_dioxide",
    "total_sulfur_dioxide", "density", "pH", "sulphates", "alcohol",
)
"""The 11 measurements, renamed from the file's headers ("fixed acidity" -> "fixed_acidity")."""


def load_wine(wines: str = "both", locator: Locator | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """The measurements and ``quality`` of the red, the white or ``both`` sets of wines.

    Column names have their spaces replaced by underscores so they can be used as
    identifiers; with ``both``, a ``colour`` column ("red"/"white") says where each row came from.
    """
    if wines not in WINE_SETS:
        raise ValueError(f"wines must be one of {WINE_SETS}, not {wines!r}")
    folder = dataset_dir("wine", locator, progress)
    colours = ("red", "white") if wines == "both" else (wines,)
    frames = []
    for colour in colours:
        frame = pd.read_csv(folder / f"winequality-{colour}.csv", sep=";")
        frame.columns = [name.strip().replace(" ", "_") for name in frame.columns]
        if wines == "both":
            frame["colour"] = colour
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    if wines == "both":
        frame["colour"] = pd.Categorical(frame["colour"], categories=["red", "white"])
    return frame
