"""A profiling report of a data frame, computed in-app: what each column holds and how it is distributed."""
from __future__ import annotations

import pandas as pd


def profile(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per column: type, missing values, distinct values, zeros and the usual summary statistics.

    The same questions a profiling report answers before modelling: is anything
    missing, which columns are skewed or nearly constant, which hold many zeros.
    """
    rows = []
    for name, column in frame.items():
        row = {
            "column": name,
            "type": str(column.dtype),
            "missing": int(column.isna().sum()),
            "missing %": 100.0 * float(column.isna().mean()) if len(column) else 0.0,
            "distinct": int(column.nunique()),
        }
        if pd.api.types.is_numeric_dtype(column):
            stats = column.describe()
            row |= {
                "zeros": int((column == 0).sum()),
                "mean": stats["mean"], "std": stats["std"], "min": stats["min"], "25%": stats["25%"],
                "median": stats["50%"], "75%": stats["75%"], "max": stats["max"], "skew": float(column.skew()),
            }
        rows.append(row)
    return pd.DataFrame(rows).set_index("column")
