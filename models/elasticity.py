"""Price elasticity of demand from a log-log regression (statsmodels OLS).

log(quantity) = a + b * log(price) [+ quarter dummies] [+ time trend]

The slope b is the elasticity: a 1% rise in price changes the quantity
demanded by about b%. Estimator style: ``PriceElasticity(...).fit(frame)``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import MissingDataError, PerfectSeparationError

from core.errors import InputError
from data.user_csv import numeric_column

MIN_ROWS = 3
CONTROLS_MIN_ROWS = 8  # the fullest model has six coefficients; two degrees of freedom to spare


@dataclass(frozen=True)
class ElasticityEstimate:
    elasticity: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    r_squared: float
    n: int

    def reading(self) -> str:
        """A plain-language reading of the elasticity."""
        b = self.elasticity
        kind = "inelastic" if abs(b) < 1 else "elastic" if abs(b) > 1 else "unit elastic"
        direction = "falls" if b < 0 else "rises"
        meaning = {
            "inelastic": "quantity reacts less than proportionally to price, so raising the price raises revenue",
            "elastic": "quantity reacts more than proportionally to price, so raising the price lowers revenue",
            "unit elastic": "quantity reacts in proportion to price, so revenue stays about the same",
        }[kind]
        return (
            f"Demand is {kind} (|PED| = {abs(b):.2f} {'<' if abs(b) < 1 else '>' if abs(b) > 1 else '='} 1): "
            f"a 1% price rise changes demand by {b:+.2f}%, i.e. the quantity demanded {direction} by "
            f"{abs(b):.2f}%; {meaning}."
        )


class PriceElasticity:
    """Log-log OLS of quantity on price, with optional seasonal and trend controls.

    ``fit`` takes a frame with ``price`` and ``quantity`` columns; ``quarter``
    (1-4) is needed for ``quarter_dummies`` and the row order is taken as time
    for ``time_trend``.
    """

    def __init__(self, quarter_dummies: bool = False, time_trend: bool = False):
        self.quarter_dummies = quarter_dummies
        self.time_trend = time_trend

    def _design(self, frame: pd.DataFrame) -> pd.DataFrame:
        design = pd.DataFrame({"log_price": np.log(frame["price"].to_numpy(float))}, index=frame.index)
        if self.quarter_dummies:
            if "quarter" not in frame:
                raise InputError("Quarter dummies need a 'quarter' column (1-4).")
            dummies = pd.get_dummies(frame["quarter"].astype(int), prefix="Q", drop_first=True, dtype=float)
            design = design.join(dummies)
        if self.time_trend:
            design["trend"] = np.arange(len(frame), dtype=float)
        return sm.add_constant(design, has_constant="add")

    def fit(self, frame: pd.DataFrame) -> "PriceElasticity":
        check_positive(frame)
        design = self._design(frame)
        if len(frame) <= design.shape[1]:
            raise InputError(
                f"{len(frame)} rows are too few to fit {design.shape[1]} coefficients; "
                f"add rows or drop the controls."
            )
        try:
            self.results_ = sm.OLS(np.log(frame["quantity"].to_numpy(float)), design).fit()
        except (np.linalg.LinAlgError, MissingDataError, PerfectSeparationError, ValueError) as error:
            logging.getLogger(__name__).exception("OLS on %d rows and columns %s failed", len(frame), list(design.columns))
            raise InputError(f"The regression could not be fitted on these {len(frame)} rows ({type(error).__name__}: "
                             f"{str(error)[:200]}). Check the price and quantity columns for extreme or repeated "
                             "values, or drop the controls.") from error
        self.columns_ = list(design.columns)
        return self

    @property
    def estimate_(self) -> ElasticityEstimate:
        r = self.results_
        low, high = r.conf_int(alpha=0.05).loc["log_price"]
        return ElasticityEstimate(
            elasticity=float(r.params["log_price"]),
            std_error=float(r.bse["log_price"]),
            ci_low=float(low),
            ci_high=float(high),
            p_value=float(r.pvalues["log_price"]),
            r_squared=float(r.rsquared),
            n=int(r.nobs),
        )

    def fitted_quantity(self) -> np.ndarray:
        return np.exp(self.results_.fittedvalues.to_numpy())

    def residuals(self) -> pd.DataFrame:
        """Fitted log-quantity and residuals, for diagnostics plots."""
        return pd.DataFrame({"fitted": self.results_.fittedvalues, "residual": self.results_.resid})

    def demand_curve(self, prices: np.ndarray) -> np.ndarray:
        """Quantity predicted at ``prices`` with every control held at its mean."""
        exog = self.results_.model.exog.mean(axis=0)
        others = float(exog @ self.results_.params.to_numpy() - exog[1] * self.results_.params["log_price"])
        return np.exp(others + self.results_.params["log_price"] * np.log(prices))

    def summary_text(self) -> str:
        return str(self.results_.summary())


def guess_columns(frame: pd.DataFrame) -> tuple[str, str]:
    """The likeliest price and quantity columns: the first named like each (price, quant...), else the first two."""
    columns = list(frame.columns)

    def guess(word: str, fallback: int) -> str:
        return next((c for c in columns if word in c.lower()), columns[min(fallback, len(columns) - 1)])

    return guess("price", 0), guess("quant", 1)


def demand_data(frame: pd.DataFrame, price: str, quantity: str, segment: str | None = None) -> pd.DataFrame:
    """The chosen columns as numeric ``price`` and ``quantity`` (and text ``segment``); InputError if they cannot be."""
    if price == quantity:
        raise InputError("Price and quantity must be different columns.")
    tidy = pd.DataFrame({"price": numeric_column(frame, price), "quantity": numeric_column(frame, quantity)})
    if segment is not None:
        tidy["segment"] = frame[segment].astype(str)
    return tidy


def price_grid(prices: pd.Series, stretch: float = 0.0, points: int = 200) -> np.ndarray:
    """Evenly spaced prices over the observed range, widened by ``stretch`` (0.2: from 80% of the lowest to 120%)."""
    return np.linspace(prices.min() * (1 - stretch), prices.max() * (1 + stretch), points)


def check_positive(frame: pd.DataFrame) -> None:
    """Logs need positive prices and quantities and enough rows; say which rows break that."""
    if len(frame) < MIN_ROWS:
        raise InputError(f"Only {len(frame)} usable row(s); at least {MIN_ROWS} are needed to estimate an elasticity.")
    for column in ("price", "quantity"):
        bad = frame.index[~(frame[column] > 0)]
        if len(bad):
            raise InputError(
                f"{len(bad)} row(s) have a zero, negative or missing {column} (first at row {bad[0] + 1}); "
                f"a log-log model needs positive values. Remove or correct those rows."
            )
    if frame["price"].nunique() < 2:
        raise InputError("The price never changes, so its effect on quantity cannot be estimated.")


def revenue_curve(model: PriceElasticity, prices: np.ndarray) -> pd.DataFrame:
    """Quantity and revenue (price x quantity) along ``prices`` under the fitted demand curve."""
    quantity = model.demand_curve(prices)
    return pd.DataFrame({"price": prices, "quantity": quantity, "revenue": prices * quantity})


def controls_comparable(frame: pd.DataFrame) -> bool:
    """Whether there are rows enough to compare the PED with and without every control (quarters and trend)."""
    return len(frame) >= CONTROLS_MIN_ROWS


def controls_comparison(frame: pd.DataFrame) -> pd.DataFrame:
    """How the PED moves when seasonal and trend controls are added."""
    rows = []
    for dummies, trend in ((False, False), (True, False), (False, True), (True, True)):
        estimate = PriceElasticity(quarter_dummies=dummies, time_trend=trend).fit(frame).estimate_
        label = " + ".join(["log price"] + ["quarter dummies"] * dummies + ["time trend"] * trend)
        rows.append({"model": label, **estimate.__dict__})
    return pd.DataFrame(rows)


def elasticity_by_group(frame: pd.DataFrame, group: str | None = None) -> pd.DataFrame:
    """One PED per segment of ``group`` (or one for all rows), with a note where a segment cannot be fitted."""
    groups = [("all rows", frame)] if group is None else list(frame.groupby(group, sort=True, dropna=False))
    rows = []
    for name, part in groups:
        try:
            estimate = PriceElasticity().fit(part.reset_index(drop=True)).estimate_
            rows.append({"segment": str(name), **estimate.__dict__, "note": ""})
        except InputError as error:
            rows.append({"segment": str(name), "n": len(part), "note": str(error)})
    return pd.DataFrame(rows)
