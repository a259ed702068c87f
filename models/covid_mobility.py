"""Lockdown severity (OxCGRT index) against Google mobility: smoothing, lagged correlation, summaries, ranking,
and their readings as the page shows them.

Plain pandas/numpy on the tidy long frames of :mod:`data.covid`:
index rows (country_code, country, date, value) for one OxCGRT index and
mobility rows (country_code, date, category, value).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import InputError
from data.covid import CATEGORY_LABELS

LOCKDOWN_RISES = frozenset({"residential"})
"""Categories that rise, rather than fall, under a lockdown (people stay home): their extreme is a maximum."""


def centred_moving_average(frame: pd.DataFrame | pd.Series, half_window: int = 6) -> pd.DataFrame | pd.Series:
    """Centred mean over ``2 * half_window + 1`` calendar days, per column.

    Rows are dated (a DatetimeIndex); missing days are treated as gaps, not
    zeros. A day gets a value when at least ``half_window + 1`` days of its
    window are observed, so edges and short gaps use the observed part of the
    window, while long gaps stay empty. Nothing is extrapolated before a
    column's first or after its last observation.
    """
    if half_window < 0:
        raise InputError("The moving-average half-window must be 0 days or more.")
    if frame.empty:
        return frame.astype(float)
    daily = frame.sort_index()
    daily = daily.reindex(pd.date_range(daily.index.min(), daily.index.max(), freq="D", name=daily.index.name))
    smooth = daily.rolling(2 * half_window + 1, center=True, min_periods=half_window + 1).mean()
    observed = daily.notna()
    inside = observed.cummax() & observed[::-1].cummax()[::-1]
    return smooth.where(inside)


def mobility_wide(mobility: pd.DataFrame) -> pd.DataFrame:
    """Long mobility rows -> one column per (country_code, category), one row per date present."""
    return mobility.set_index(["date", "country_code", "category"])["value"].unstack(["country_code", "category"])


def smooth_mobility(mobility: pd.DataFrame, half_window: int = 6) -> pd.DataFrame:
    """Long mobility rows -> country_code, category, date, value, smoothed (centred moving average per series).

    Rows come out in date order within each series (ordered by date first), ready for line charts.
    """
    columns = ["country_code", "category", "date", "value", "smoothed"]
    if mobility.empty:
        return pd.DataFrame(columns=columns)
    wide = mobility_wide(mobility)
    both = pd.concat({"value": wide, "smoothed": centred_moving_average(wide, half_window)}, axis=1)
    long = both.stack(["country_code", "category"], future_stack=True).dropna(subset=["smoothed"]).reset_index()
    return long[columns]


class LagCorrelation:
    """Pearson correlation of an index with a later (or earlier) mobility series, searched over lags.

    A lag of k days pairs the index on day t with mobility on day t + k:
    positive k means mobility follows the index. The best lag is the one with
    the largest absolute correlation (mobility falls as the index rises, so
    the strongest relation is usually negative).
    """

    def __init__(self, lags=range(-14, 29), min_overlap: int = 14):
        self.lags = lags
        self.min_overlap = min_overlap

    def fit(self, index: pd.Series, mobility: pd.Series) -> "LagCorrelation":
        """``index`` and ``mobility``: values indexed by unique dates. Only the days in ``index``'s span are paired."""
        lags = list(self.lags)
        rows = []
        if len(index) and lags:
            days = pd.date_range(index.index.min(), index.index.max(), freq="D")
            x = index.reindex(days).to_numpy(float)
            low = min(lags)
            y = mobility.reindex(pd.date_range(days[0] + pd.Timedelta(days=low),
                                               days[-1] + pd.Timedelta(days=max(lags)), freq="D")).to_numpy(float)
            for lag in lags:
                partner = y[lag - low: lag - low + len(x)]
                both = ~(np.isnan(x) | np.isnan(partner))
                n = int(both.sum())
                rows.append((lag, pearson(x[both], partner[both]) if n >= self.min_overlap else np.nan, n))
        self.table_ = pd.DataFrame(rows, columns=["lag", "r", "n"])
        valid = self.table_.dropna(subset=["r"])
        best = valid.loc[valid["r"].abs().idxmax()] if len(valid) else None
        self.best_lag_ = int(best["lag"]) if best is not None else None
        self.best_r_ = float(best["r"]) if best is not None else np.nan
        return self


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r, NaN when either series is constant (no variation, no correlation to speak of)."""
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / denominator) if denominator > 0 else np.nan


def first_rise(index: pd.Series) -> pd.Timestamp | None:
    """The first day the index is higher than the day before (the first tightening in the period)."""
    rises = index.sort_index().diff() > 0
    return rises.idxmax() if rises.any() else None


def mobility_extreme(smoothed: pd.Series, category: str) -> tuple[float, pd.Timestamp | None]:
    """The lockdown extreme of a smoothed category and its first date: the trough, or the peak for residential."""
    smoothed = smoothed.dropna()
    if smoothed.empty:
        return np.nan, None
    date = smoothed.idxmax() if category in LOCKDOWN_RISES else smoothed.idxmin()
    return float(smoothed[date]), date


def index_summary(index: pd.DataFrame) -> pd.DataFrame:
    """Per country (index rows already cut to a period): peak index, its first date, first rise (see
    :func:`first_rise`) and mean index. Vectorised: the ranking runs it over all countries on every change."""
    columns = ["country_code", "country", "peak index", "peak date", "first rise", "mean index"]
    if index.empty:
        return pd.DataFrame(columns=columns)
    frame = index.sort_values(["country_code", "date"], ignore_index=True)
    groups = frame.groupby(["country_code", "country"], sort=True)["value"]
    table = groups.agg(["max", "mean", "idxmax"]).reset_index()
    table["peak date"] = frame.loc[table["idxmax"], "date"].to_numpy()
    rising = frame["value"] > groups.shift()
    first_rise_by_country = frame[rising].groupby("country_code")["date"].first()
    # reindex, not map: mapping through an empty Series (no country rises in the period) casts dates to floats
    table["first rise"] = first_rise_by_country.reindex(table["country_code"]).to_numpy()
    return table.rename(columns={"max": "peak index", "mean": "mean index"})[columns]


def relation_summary(index: pd.DataFrame, smoothed: pd.DataFrame, categories, start, end,
                     lags=range(-14, 29)) -> pd.DataFrame:
    """Per country and category, over [start, end]: the mobility extreme and its date, the days from the index's
    first rise to it, and the lagged correlation of index with smoothed mobility (r at lag 0, best lag and its r).

    ``index``: one index's rows for the countries wanted (any dates); ``smoothed``: from :func:`smooth_mobility`.
    Countries without mobility in the period get one row per category with empty mobility figures.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    in_period = index[index["date"].between(start, end)]
    peaks = index_summary(in_period).set_index("country_code")
    rows = []
    for code, peak in peaks.iterrows():
        index_series = in_period[in_period["country_code"] == code].set_index("date")["value"]
        ours = smoothed[smoothed["country_code"] == code]
        for category in categories:
            mobility = ours[ours["category"] == category].set_index("date")["smoothed"]
            low, low_date = mobility_extreme(mobility[start:end], category)
            search = LagCorrelation(lags).fit(index_series, mobility)
            at_zero = search.table_.loc[search.table_["lag"] == 0, "r"]
            rows.append({
                "country": peak["country"], "category": category,
                "peak index": peak["peak index"], "peak date": peak["peak date"], "first rise": peak["first rise"],
                "mobility extreme": low, "extreme date": low_date,
                "days rise to extreme": (low_date - peak["first rise"]).days
                if low_date is not None and peak["first rise"] is not None else np.nan,
                "r (lag 0)": float(at_zero.iloc[0]) if len(at_zero) else np.nan,
                "best lag (days)": search.best_lag_, "r at best lag": search.best_r_,
            })
    return pd.DataFrame(rows, columns=["country", "category", "peak index", "peak date", "first rise",
                                       "mobility extreme", "extreme date", "days rise to extreme", "r (lag 0)",
                                       "best lag (days)", "r at best lag"])


def ranking(index: pd.DataFrame, mobility: pd.DataFrame, categories, start, end, half_window: int = 6) -> pd.DataFrame:
    """Every country with index data in [start, end], ranked by peak index (1 = strictest).

    Columns: peak index, its date, mean index over the period, and per category the
    mobility drop: the extreme of the smoothed series in the period (see
    :func:`mobility_extreme`), empty where Google has no data. ``mobility`` is the
    raw long frame; smoothing stays wide here, which is what keeps it fast for all countries.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    table = index_summary(index[index["date"].between(start, end)]).drop(columns="first rise")
    if table.empty:
        return table
    smooth = centred_moving_average(mobility_wide(mobility[mobility["category"].isin(list(categories))]), half_window)
    smooth = smooth.loc[start:end]
    for category in categories:
        values = smooth.xs(category, axis=1, level="category") if category in smooth.columns.get_level_values(
            "category") else pd.DataFrame()
        extreme = values.max() if category in LOCKDOWN_RISES else values.min()
        table[category] = table["country_code"].map(extreme.dropna()).astype(float)
    table.insert(0, "rank", table["peak index"].rank(ascending=False, method="min").astype(int))
    return table.sort_values(["rank", "country"], ignore_index=True)


def coverage_notes(mobility: pd.DataFrame, countries: pd.DataFrame, start, end) -> dict[str, str]:
    """Per country (``countries``: country_code, country), a note where its Google mobility is missing or shorter
    than the data set's span within [start, end]: no data at all, none in the period, a late start, an early end,
    or days missing. ``mobility`` holds all countries, so the data set's own span is known."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    first, last = max(start, mobility["date"].min()), min(end, mobility["date"].max())
    notes = {}
    for code, country in countries[["country_code", "country"]].itertuples(index=False):
        dates = pd.DatetimeIndex(mobility.loc[mobility["country_code"] == code, "date"].unique()).sort_values()
        if dates.empty:
            notes[code] = f"{country}: no Google mobility data in this data set."
            continue
        span = f"Google mobility for {country} runs {dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d}"
        inside = dates[(dates >= start) & (dates <= end)]
        if inside.empty:
            notes[code] = f"{span}: none of it falls in the chosen period."
            continue
        parts = []
        if dates[0] > first:
            parts.append(f"starts late, on {dates[0]:%Y-%m-%d}")
        if dates[-1] < last:
            parts.append(f"ends early, on {dates[-1]:%Y-%m-%d}")
        missing = len(pd.date_range(inside[0], inside[-1], freq="D")) - len(inside)
        if missing:
            parts.append(f"has {missing} day(s) missing")
        if parts:
            notes[code] = f"{span}; in the chosen period it {', '.join(parts)}."
    return notes


def mobility_coverage(mobility: pd.DataFrame, countries: pd.DataFrame, start, end) -> list[str]:
    """What to warn about Google mobility in [start, end]: first the data set's own span where the period runs past
    it, then the countries' :func:`coverage_notes`."""
    first, last = mobility["date"].min(), mobility["date"].max()
    notes = list(coverage_notes(mobility, countries, start, end).values())
    if pd.Timestamp(start) < first or pd.Timestamp(end) > last:
        notes.insert(0, f"Google mobility in this data set covers {first:%Y-%m-%d} to {last:%Y-%m-%d} only.")
    return notes


def with_country_names(frame: pd.DataFrame, country_of: dict[str, str]) -> pd.DataFrame:
    """The rows with a country column, named from their country_code by ``country_of``."""
    return frame.assign(country=frame["country_code"].map(country_of))


def extreme_column(category: str) -> str:
    """The name of a category's column of lockdown extremes: its peak for residential, else its low."""
    return f"{CATEGORY_LABELS[category]} {'peak' if category in LOCKDOWN_RISES else 'low'} (%)"


def peak_readings(index: pd.DataFrame) -> tuple[str, str, str]:
    """One country's index rows in the period -> its peak index, the peak's first date and the index's first rise
    (or "none in period"), written out."""
    head = index_summary(index).iloc[0]
    first = f"{head['first rise']:%Y-%m-%d}" if pd.notna(head["first rise"]) else "none in period"
    return f"{head['peak index']:.1f}", f"{head['peak date']:%Y-%m-%d}", first


def extreme_readings(relation: pd.DataFrame, country: str) -> list[tuple[str, str, str]]:
    """One country's rows of :func:`relation_summary` with mobility data -> per category its column name (see
    :func:`extreme_column`), the extreme written out, and a note: the extreme's date, the days since the index's first
    rise and, where the lag search found a lag, the correlations."""
    readings = []
    for _, row in relation[relation["country"] == country].dropna(subset=["mobility extreme"]).iterrows():
        days = row["days rise to extreme"]
        note = f"on {row['extreme date']:%Y-%m-%d}"
        if pd.notna(days):
            note += f", {days:.0f} days after the first rise"
        if pd.notna(row["best lag (days)"]):
            note += (f"; r = {row['r (lag 0)']:.2f}, strongest at lag {row['best lag (days)']:+.0f} days "
                     f"(r = {row['r at best lag']:.2f})")
        readings.append((extreme_column(row["category"]), f"{row['mobility extreme']:+.1f}", note))
    return readings


def labelled_relation(relation: pd.DataFrame) -> pd.DataFrame:
    """:func:`relation_summary`'s table with the categories named as readers know them."""
    return relation.assign(category=relation["category"].map(CATEGORY_LABELS))


def paired_days(smoothed: pd.DataFrame, index: pd.DataFrame) -> pd.DataFrame:
    """Smoothed mobility rows joined with the same country's index on the same day (column ``index``): the days
    both sources cover."""
    return smoothed.merge(index[["country_code", "date", "value"]].rename(columns={"value": "index"}),
                          on=["country_code", "date"])


def labelled_ranking(table: pd.DataFrame, categories) -> pd.DataFrame:
    """:func:`ranking`'s table with each category column named by what it holds (see :func:`extreme_column`)."""
    return table.rename(columns={category: extreme_column(category) for category in categories})


def rank_sentences(table: pd.DataFrame, countries) -> list[str]:
    """Where each of ``countries`` stands in :func:`ranking`'s table, one sentence each (none for a country not in
    it)."""
    sentences = []
    for name in countries:
        row = table[table["country"] == name]
        if len(row):
            sentences.append(f"**{name}** ranks {int(row['rank'].iloc[0])} of {len(table)} by peak index "
                             f"({row['peak index'].iloc[0]:.1f}); mean index over the period "
                             f"{row['mean index'].iloc[0]:.1f}.")
    return sentences


def export_table(index: pd.DataFrame, smoothed: pd.DataFrame, index_name: str) -> pd.DataFrame:
    """The index rows (their value named ``index_name``), one per country and day, with each category's daily and
    smoothed mobility alongside (columns ``<category>_daily``, ``<category>_smoothed``) where there is any."""
    export = index.rename(columns={"value": index_name})
    if smoothed.empty:
        return export
    wide = smoothed.pivot_table(index=["country_code", "date"], columns="category", values=["value", "smoothed"])
    wide.columns = [f"{category}_{'daily' if kind == 'value' else 'smoothed'}" for kind, category in wide.columns]
    return export.merge(wide.reset_index(), on=["country_code", "date"], how="left")


def csv_with_metadata(table: pd.DataFrame, metadata: list[tuple[str, str]]) -> str:
    """``table`` as CSV under a header block of ``# name: value`` lines (read it back with
    ``pd.read_csv(..., comment="#")``). Line breaks inside a value are flattened, so each line stays one line."""
    header = "".join(f"# {name}: {' '.join(str(value).split())}\n" for name, value in metadata)
    return header + table.to_csv(index=False)
