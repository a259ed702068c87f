"""The policies behind an OxCGRT index: each indicator's level over time and the days it changed.

Plain pandas on the long indicator frame of :mod:`data.covid` (country_code, date, indicator, level, flag: 1 for a
general measure, 0 for a targeted one, NaN where the indicator has no flag or no level is recorded).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CONTAINMENT = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "H6")
"""The indicators shown by default: containment and closure (C1-C8) and face coverings (H6)."""
CHANGE_COLUMNS = ["country_code", "date", "indicator", "old", "new", "flag"]


def indicator_rows(indicators: pd.DataFrame, code: str, chosen, start, end) -> pd.DataFrame:
    """One country's rows of the ``chosen`` indicators in [start, end], in the order chosen, then by date."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = indicators[(indicators["country_code"] == code) & indicators["indicator"].isin(list(chosen))
                      & indicators["date"].between(start, end)]
    order = {indicator: i for i, indicator in enumerate(chosen)}
    return rows.sort_values(["indicator", "date"], key=lambda c: c.map(order) if c.name == "indicator" else c,
                            ignore_index=True)


def policy_changes(indicators: pd.DataFrame, codes, chosen, start, end) -> pd.DataFrame:
    """Every day in [start, end] on which one of the ``chosen`` indicators changed level in one of ``codes``.

    A change is measured against the last recorded level before it (the day before the period counts, so a
    measure in force when the period starts is not a change); days without a recorded level are skipped, not
    taken for zero. Columns: country_code, date, indicator, old, new (levels), flag (of the new level).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = indicators[indicators["country_code"].isin(list(codes)) & indicators["indicator"].isin(list(chosen))
                      & (indicators["date"] <= end)].dropna(subset=["level"])
    if rows.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    rows = rows.sort_values(["country_code", "indicator", "date"], ignore_index=True)
    old = rows.groupby(["country_code", "indicator"])["level"].shift()
    changed = old.notna() & (rows["level"] != old) & (rows["date"] >= start)
    changes = rows[changed].assign(old=old[changed]).rename(columns={"level": "new"})
    return changes[CHANGE_COLUMNS].sort_values(["country_code", "date", "indicator"], ignore_index=True)


def flag_word(flag) -> str:
    """How the flag reads: general (1), targeted (0), nothing when the indicator has none."""
    if pd.isna(flag):
        return ""
    return " general" if flag == 1 else " targeted"


def change_marks(changes: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """:func:`policy_changes` grouped per country and day, as chart marks: country_code, date, text (one line per
    indicator: "C1 School closing: 1 → 3 general") and direction (+1 tighter, -1 looser, 0 mixed)."""
    if changes.empty:
        return pd.DataFrame(columns=["country_code", "date", "text", "direction"])
    lines = changes.apply(lambda r: f"{r['indicator']} {names.get(r['indicator'], '')}: {r['old']:.0f} → "
                                    f"{r['new']:.0f}{flag_word(r['flag'])}", axis=1)
    marked = changes.assign(line=lines, step=np.sign(changes["new"] - changes["old"]))
    grouped = marked.groupby(["country_code", "date"], sort=True)
    marks = grouped.agg(text=("line", "<br>".join), up=("step", "max"), down=("step", "min")).reset_index()
    marks["direction"] = np.where(marks["down"] >= 0, 1, np.where(marks["up"] <= 0, -1, 0))
    return marks[["country_code", "date", "text", "direction"]]
