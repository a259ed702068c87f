"""Prophet forecasts with the analyst's settings, and an honest check against simple baselines.

Prophet (Taylor and Letham, 2017) models a series as a generalised additive
model: a piecewise trend (linear, or logistic towards a capacity) plus Fourier
seasonalities plus holiday effects. Here it is fitted with settings chosen on
the page (a fit of a built-in series is saved through the model cache with
Prophet's own JSON serialisation, no pickle; a fit of an upload is kept in memory
only, never written to disk), and evaluated on a holdout and by rolling-origin cross-validation
(``prophet.diagnostics.cross_validation``) next to a seasonal-naive and a
Holt-Winters forecast scored on exactly the same points.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import wraps
from pathlib import Path
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

from core.cache import ArtifactSpec, ModelCache
from core.progress import TrainingProgress
from core.settings import quick_mode
from core.errors import InputError
from models.forecasting.baselines import baselines
from models.forecasting.series import Cadence, PreparedSeries, regular
from models.forecasting.metrics import horizon_bands, metrics_by

MODEL_FILE = "model.json"
PROPHET = "Prophet"
FIT_FAILED = ("Prophet could not fit this series", "Try other settings (for logistic growth, a cap and floor closer "
              "to the data; a smaller changepoint prior scale), or aggregate the series.")
log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_HORIZON = 1000
DEFAULT_HORIZON = {"day": 90, "week": 26, "month": 12, "quarter": 8, "year": 3, "hour": 48}


@contextmanager
def failures_explained(failed: str, advice: str) -> Iterator[None]:
    """Prophet's own errors (RuntimeError from Stan, ValueError on bad data) as an InputError saying what failed
    and what to try; the full error goes to the log."""
    try:
        yield
    except InputError:
        raise
    except (RuntimeError, ValueError) as error:
        log.exception("%s", failed)
        raise InputError(f"{failed}: {_reason(error)}. {advice}") from error


def _reason(error: RuntimeError | ValueError) -> str:
    """What went wrong in a line: Stan's errors are a command line and its console log, Prophet's a sentence."""
    if isinstance(error, RuntimeError):
        return "Stan's optimiser stopped with an error (the details are in the server's log)"
    return str(error).strip().splitlines()[0][:200].rstrip(".") if str(error).strip() else type(error).__name__


def input_errors_returned(job: Callable[..., T]) -> Callable[..., T | InputError]:
    """A job that returns its InputError instead of raising it: the page shows it as a message about the
    series or the settings (the same for every rerun with them), not as a job that failed and might be retried."""
    @wraps(job)
    def run(*arguments, **options) -> T | InputError:
        try:
            return job(*arguments, **options)
        except InputError as error:
            return error
    return run


def _quiet() -> None:
    """Keep cmdstanpy's per-fit INFO lines and Prophet's notices out of the logs."""
    from cmdstanpy.utils import get_logger

    get_logger().setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.WARNING)


@dataclass(frozen=True)
class ProphetParams:
    """Every Prophet setting the page exposes; hashable, and part of the cache key."""

    growth: str = "linear"  # or "logistic" (needs cap; floor optional)
    cap: float | None = None
    floor: float | None = None
    seasonality_mode: str = "additive"  # or "multiplicative"
    yearly: bool = True
    weekly: bool = True
    daily: bool = False
    country: str | None = None  # holidays of this country (ISO code), or none
    changepoint_prior_scale: float = 0.05
    seasonality_prior_scale: float = 10.0
    interval_width: float = 0.8

    def check(self, y: pd.Series) -> None:
        """InputError for settings that cannot work with this series."""
        if self.growth not in ("linear", "logistic"):
            raise InputError(f"Unknown growth '{self.growth}'; use linear or logistic.")
        if self.growth == "logistic":
            if self.cap is None:
                raise InputError("Logistic growth needs a cap: the level the series saturates at.")
            if self.floor is not None and self.floor >= self.cap:
                raise InputError(f"The floor ({self.floor:g}) must be below the cap ({self.cap:g}).")
            if y.max() > self.cap or (self.floor is not None and y.min() < self.floor):
                raise InputError(f"The data run from {y.min():g} to {y.max():g}, outside the cap/floor range; "
                                 "set the cap above the highest value and the floor below the lowest.")
        if not 0 < self.interval_width < 1:
            raise InputError("The interval width must be between 0 and 1 (0.8 means an 80% interval).")

    @property
    def multiplicative(self) -> bool:
        """Whether the seasonalities (and holidays) are shares of the trend rather than added to it."""
        return self.seasonality_mode == "multiplicative"

    def config(self) -> dict:
        return asdict(self)


def default_params(series: PreparedSeries) -> ProphetParams:
    """Seasonalities the data can support: a cycle needs at least two repetitions and a finer cadence."""
    span = series.frame["ds"].max() - series.frame["ds"].min()
    step = series.cadence.step
    return ProphetParams(
        yearly=span >= pd.Timedelta(days=730) and step <= pd.Timedelta(days=31),
        weekly=span >= pd.Timedelta(days=14) and step <= pd.Timedelta(days=1),
        daily=span >= pd.Timedelta(days=2) and step < pd.Timedelta(days=1),
    )


def evaluable_horizon(observed: int) -> int:
    """The longest horizon evaluation can test with this many observations: ten plus twice it before the holdout."""
    return max(1, (observed - 10) // 3)


def horizon_bounds(series: PreparedSeries) -> tuple[int, int]:
    """The longest horizon (in steps) the series can be evaluated at, at most MAX_HORIZON, and the default one.

    The longest also ends before the last date pandas can represent (a series may end in 2261), counting
    each step 2% longer than its average, as a 31-day month is. The default is a natural span of the
    cadence (90 days, 12 months, ...), else one season, within the longest.
    """
    room = (pd.Timestamp.max.value - series.frame["ds"].iloc[-1].value) // int(series.cadence.step.value * 1.02)
    longest = max(1, min(evaluable_horizon(len(series.frame["y"].dropna())), MAX_HORIZON, room))
    return longest, min(DEFAULT_HORIZON.get(series.cadence.name, series.cadence.season), longest)


def logistic_bounds(y: pd.Series) -> tuple[float, float]:
    """Default cap and floor for logistic growth: a fifth of the data's range above its highest and below its lowest."""
    span = float(y.max() - y.min())
    return float(y.max() + 0.2 * span), float(y.min() - 0.2 * span)


def default_folds() -> int:
    """Cross-validation folds to start from: fewer in quick mode (tests), where each refit costs time."""
    return 2 if quick_mode() else 4


def uncertainty_samples() -> int:
    """Posterior draws for the intervals: fewer in quick mode (tests), where exact bands matter less."""
    return 200 if quick_mode() else 1000


def with_bounds(frame: pd.DataFrame, params: ProphetParams) -> pd.DataFrame:
    """Add the cap and floor columns Prophet needs for logistic growth (history and future alike)."""
    frame = frame.copy()
    if params.growth == "logistic":
        frame["cap"] = params.cap
        if params.floor is not None:
            frame["floor"] = params.floor
    return frame


def build_prophet(params: ProphetParams):
    """An unfitted Prophet with these settings."""
    from prophet import Prophet

    _quiet()
    model = Prophet(
        growth=params.growth,
        seasonality_mode=params.seasonality_mode,
        yearly_seasonality=params.yearly,
        weekly_seasonality=params.weekly,
        daily_seasonality=params.daily,
        changepoint_prior_scale=params.changepoint_prior_scale,
        seasonality_prior_scale=params.seasonality_prior_scale,
        interval_width=params.interval_width,
        uncertainty_samples=uncertainty_samples(),
    )
    if params.country:
        model.add_country_holidays(country_name=params.country)
    return model


@failures_explained(*FIT_FAILED)
def fit_prophet(series: PreparedSeries, params: ProphetParams):
    """Fit Prophet to the series' observed points (missing values are skipped, not filled), in memory.

    InputError for settings that cannot work with the series, and when Prophet fails on it.
    """
    params.check(series.frame["y"].dropna())
    return build_prophet(params).fit(with_bounds(series.frame, params))


def save_model(model, folder: Path) -> None:
    from prophet.serialize import model_to_json

    (Path(folder) / MODEL_FILE).write_text(model_to_json(model))


def load_model(folder: Path):
    from prophet.serialize import model_from_json

    _quiet()
    return model_from_json((Path(folder) / MODEL_FILE).read_text())


def artifact_spec(series: PreparedSeries, params: ProphetParams) -> ArtifactSpec:
    """Cache identity of a fit: the settings, the cadence and a hash of the exact series."""
    config = {**params.config(), "freq": series.cadence.freq, "uncertainty_samples": uncertainty_samples()}
    return ArtifactSpec("prophet-forecast", config, series.key, bounded=True)


def fit_cached(series: PreparedSeries, params: ProphetParams, cache: ModelCache | None = None,
               progress: TrainingProgress | None = None):
    """The fitted Prophet for (series, params): loaded from the model cache, or fitted and saved as JSON.

    For built-in series only: the saved fit holds the whole history. InputError as for ``fit_prophet``.
    """
    params.check(series.frame["y"].dropna())

    def train(folder: Path, progress: TrainingProgress) -> None:
        progress.update(0.05, f"Fitting Prophet to {series.frame['y'].notna().sum()} points")
        save_model(fit_prophet(series, params), folder)
        progress.update(1.0, "Prophet fitted")

    return (cache or ModelCache()).get_or_train(artifact_spec(series, params), train, load_model, progress)


def forecast(model, series: PreparedSeries, horizon: int, params: ProphetParams) -> pd.DataFrame:
    """History and ``horizon`` future steps: ds, y (NaN in the future), yhat, interval and every component."""
    future = model.make_future_dataframe(periods=int(horizon), freq=series.cadence.freq)
    predicted = model.predict(with_bounds(future, params))
    columns = ["ds", "yhat", "yhat_lower", "yhat_upper", "trend", *component_names(model)]
    frame = predicted[columns].merge(series.frame, on="ds", how="left")
    return frame[["ds", "y", *columns[1:]]]


def component_names(model) -> list[str]:
    """The additive/multiplicative parts Prophet estimated besides the trend: seasonalities, then holidays."""
    names = list(model.seasonalities)
    if model.train_holiday_names is not None and len(model.train_holiday_names):
        names.append("holidays")
    return names


def seasonality_profile(model, name: str, cadence: Cadence, points: int = 400) -> pd.DataFrame:
    """One full cycle of a seasonality (a week, a year, a day) as ds and its effect, like Prophet's own plots.

    When the data are coarser than the curve (a yearly cycle fitted to monthly
    values), only the points the data pin down are returned: in between, the
    Fourier curve is unconstrained and drawing it would show wiggles the data never saw.
    """
    from prophet.plot import seasonality_plot_df

    period = model.seasonalities[name]["period"]
    steps = int(np.ceil(pd.Timedelta(days=period) / cadence.step))
    if steps < points:
        ds = pd.Series(pd.date_range("2017-01-01", periods=steps, freq=cadence.freq))
    else:
        ds = pd.Timestamp("2017-01-01") + pd.to_timedelta(np.linspace(0, period, points, endpoint=False), unit="D")
    effect = model.predict_seasonal_components(seasonality_plot_df(model, pd.Series(ds)))
    return pd.DataFrame({"ds": ds, "effect": effect[name].to_numpy(), "period_days": period})


def significant_changepoints(model, threshold: float = 0.01) -> pd.Series:
    """Changepoints where the trend's slope really changes (|mean rate change| >= threshold), as Prophet plots them."""
    deltas = np.nanmean(model.params["delta"], axis=0)
    return pd.Series(model.changepoints[np.abs(deltas) >= threshold].to_numpy())


@dataclass
class ForecastViews:
    """One fit's forecast for one horizon, a cycle of each seasonality, its changepoints and its components."""

    frame: pd.DataFrame  # see ``forecast``
    profiles: dict[str, pd.DataFrame]  # seasonality name -> ``seasonality_profile``
    changepoints: pd.Series
    components: list[str]

    def headline(self, interval_width: float) -> list[tuple[str, str | int]]:
        """(label, value) of the forecast's headline figures: the forecast and its interval at the horizon, changepoints."""
        last = self.frame.iloc[-1]  # the horizon: the last future date
        return [("Forecast at the horizon", f"{last['yhat']:.4g}"),
                (f"{interval_width:.0%} interval", f"{last['yhat_lower']:.4g} to {last['yhat_upper']:.4g}"),
                ("Significant trend changepoints", len(self.changepoints))]


@failures_explained(*FIT_FAILED)
def forecast_views(model, series: PreparedSeries, horizon: int, params: ProphetParams) -> ForecastViews:
    """The forecast ``horizon`` steps ahead with the seasonality profiles, significant changepoints and components.

    InputError when Prophet fails on the series.
    """
    profiles = {name: seasonality_profile(model, name, series.cadence) for name in model.seasonalities}
    return ForecastViews(forecast(model, series, horizon, params), profiles, significant_changepoints(model),
                         component_names(model))


@dataclass
class Evaluation:
    """Forecast points of every model at every cutoff, on the same dates; the last cutoff is the holdout."""

    points: pd.DataFrame  # model, cutoff, ds, step, y, yhat, yhat_lower, yhat_upper
    horizon: int

    @property
    def holdout_cutoff(self) -> pd.Timestamp:
        return self.points["cutoff"].max()

    @property
    def holdout(self) -> pd.DataFrame:
        return self.points[self.points["cutoff"] == self.holdout_cutoff]

    @property
    def folds(self) -> int:
        return self.points["cutoff"].nunique()

    def method(self, folds_asked: int, cadence: Cadence) -> str:
        """How the models were scored, in words (markdown), saying how many of the asked-for origins were kept."""
        dropped = (f" ({folds_asked - self.folds} earlier origin(s) had too little history)"
                   if self.folds < folds_asked else "")
        return (f"Prophet is refitted at {self.folds} forecast origin(s){dropped}, half a horizon apart, with "
                "`prophet.diagnostics.cross_validation`; at each origin a **seasonal naive** forecast (repeat the "
                f"last {cadence.season} steps) and **Holt-Winters** exponential smoothing see the same history and "
                "are scored on the same dates. The last origin is the holdout: the final "
                f"{self.horizon} steps (one step = one {cadence.name}).")


def rolling_cutoffs(series: PreparedSeries, horizon: int, folds: int) -> list[pd.Timestamp]:
    """Forecast origins for rolling-origin evaluation, oldest first.

    The last leaves exactly ``horizon`` steps of data after it (the holdout);
    earlier ones step back by half a horizon. Every origin keeps at least
    twice the horizon (and ten points) of history before it; origins that
    cannot are dropped, and InputError says so if not even the holdout fits.
    """
    grid = regular(series.frame, series.cadence)
    grid = grid[: grid.last_valid_index()]
    observed_before = grid.notna().cumsum().to_numpy()
    spacing = max(1, horizon // 2)
    needed = max(10, 2 * horizon)
    positions = [len(grid) - 1 - horizon - k * spacing for k in range(folds)]
    usable = [p for p in positions if p >= 0 and observed_before[p] >= needed]
    if not usable:
        longest = evaluable_horizon(int(grid.notna().sum()))
        raise InputError(f"A {horizon}-step horizon leaves too little history to test on: evaluation needs twice "
                         f"the horizon before the holdout. Shorten the horizon to at most {longest} steps.")
    return sorted(grid.index[p] for p in usable)


@failures_explained("Cross-validation failed", "Try a shorter horizon or fewer folds.")
def evaluate(model, series: PreparedSeries, horizon: int, folds: int, params: ProphetParams,
             progress: TrainingProgress | None = None) -> Evaluation:
    """Rolling-origin evaluation of Prophet and the baselines on identical forecast points.

    Prophet is refitted at each cutoff by ``prophet.diagnostics.cross_validation``;
    each baseline is fitted to the same history (on a regular grid) and scored on
    exactly the dates Prophet forecast there. InputError when the history is too
    short for the horizon, or when cross-validation fails on the series.
    """
    from prophet.diagnostics import cross_validation

    _quiet()
    progress = progress or TrainingProgress()
    cadence = series.cadence
    cutoffs = rolling_cutoffs(series, horizon, folds)
    progress.update(0.05, f"Cross-validating Prophet at {len(cutoffs)} cutoff(s)")
    # From the last cutoff to the last observation is exactly ``horizon`` steps of the calendar
    # (months vary in length, so this is measured, not computed from an average step).
    window = series.frame.dropna()["ds"].max() - cutoffs[-1]
    prophet_points = cross_validation(model, horizon=window, cutoffs=cutoffs, disable_tqdm=True)
    prophet_points["model"] = PROPHET
    progress.update(0.7, "Fitting the baselines at the same cutoffs")
    grid = regular(series.frame, cadence)
    baseline_rows = []
    for cutoff, targets in prophet_points.groupby("cutoff"):
        steps = cadence.steps_between(cutoff, targets["ds"]).clip(lower=1).to_numpy()
        history = grid[:cutoff].to_numpy()
        for baseline in baselines(cadence.season, params.multiplicative):
            predicted = baseline.fit(history).predict(int(steps.max()))
            baseline_rows.append(targets[["ds", "y", "cutoff"]].assign(model=baseline.name, yhat=predicted[steps - 1]))
    points = pd.concat([prophet_points, *baseline_rows], ignore_index=True)
    points["step"] = cadence.steps_between(points["cutoff"], points["ds"]).clip(lower=1)
    points = points[points["step"] <= horizon]
    progress.update(1.0, "Evaluation done")
    columns = ["model", "cutoff", "ds", "step", "y", "yhat", "yhat_lower", "yhat_upper"]
    return Evaluation(points[columns].reset_index(drop=True), horizon)


def comparison(evaluation: Evaluation) -> pd.DataFrame:
    """One row per model: holdout and cross-validated MAE/RMSE/MAPE/coverage, and Prophet's MAE relative to it."""
    holdout = metrics_by(evaluation.holdout, "model").set_index("model")
    overall = metrics_by(evaluation.points, "model").set_index("model")
    table = pd.DataFrame({
        "holdout MAE": holdout["MAE"], "holdout RMSE": holdout["RMSE"], "holdout MAPE %": holdout["MAPE %"],
        "holdout coverage %": holdout["coverage %"],
        "CV MAE": overall["MAE"], "CV RMSE": overall["RMSE"], "CV MAPE %": overall["MAPE %"],
        "CV coverage %": overall["coverage %"],
    })
    table["Prophet CV MAE vs this, %"] = 100 * (table.loc[PROPHET, "CV MAE"] / table["CV MAE"] - 1)
    order = [PROPHET] + [m for m in table.index if m != PROPHET]
    return table.loc[order].reset_index()


class Verdict(NamedTuple):
    """Whether Prophet beats one baseline, and a plain sentence saying so and by how much."""

    sentence: str
    prophet_wins: bool


def verdicts(table: pd.DataFrame) -> list[Verdict]:
    """One verdict per baseline: does Prophet beat it on cross-validated MAE, and by how much."""
    mae = table.set_index("model")["CV MAE"]
    prophet = mae[PROPHET]
    found = []
    for name, baseline in mae.drop(PROPHET).items():
        change = 100 * (prophet / baseline - 1)
        if change < 0:
            found.append(Verdict(f"Prophet beats {name}: its cross-validated MAE is {-change:.1f}% lower "
                                 f"({prophet:.4g} vs {baseline:.4g}).", True))
        else:
            found.append(Verdict(f"Prophet does not beat {name}: its cross-validated MAE is {change:.1f}% higher "
                                 f"({prophet:.4g} vs {baseline:.4g}), so the simpler model is the better forecast "
                                 "here.", False))
    return found


def prophet_scores(table: pd.DataFrame, interval_width: float) -> list[tuple[str, str, str | None]]:
    """Prophet's headline figures from the ``comparison`` table: (label, formatted value, explanation or None)."""
    row = table.set_index("model").loc[PROPHET]
    coverage = (f"Share of actual values inside the {interval_width:.0%} interval; ideally "
                f"{interval_width:.0%}.")
    return [("Prophet holdout MAE", f"{row['holdout MAE']:.4g}", None),
            ("Prophet holdout MAPE", f"{row['holdout MAPE %']:.2f}%", None),
            ("Prophet CV MAE", f"{row['CV MAE']:.4g}", None),
            ("Prophet CV coverage", f"{row['CV coverage %']:.0f}%", coverage)]


def metrics_by_horizon(evaluation: Evaluation, max_bands: int | None = None) -> pd.DataFrame:
    """Cross-validated metrics per model and horizon step, or per band of steps when ``max_bands`` is given."""
    points = evaluation.points
    if max_bands is None:
        return metrics_by(points, ["model", "step"])
    return metrics_by(points.assign(horizon=horizon_bands(points["step"], max_bands)), ["horizon", "model"])


def holiday_countries() -> dict[str, str]:
    """ISO code -> country name for every country whose public holidays Prophet can add."""
    from holidays.registry import COUNTRIES

    names = {codes[1]: key.replace("_", " ").title() for key, codes in COUNTRIES.items()}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def fitted(series: PreparedSeries, params: ProphetParams, on_disk: bool):
    """The fitted Prophet: through the model cache if ``on_disk`` (a built-in series), else fitted in memory only
    (an upload: nothing of it is written to disk, so the evaluation fits it once more)."""
    return fit_cached(series, params) if on_disk else fit_prophet(series, params)


@input_errors_returned
def forecast_job(series: PreparedSeries, params: ProphetParams, horizon: int, on_disk: bool,
                 progress=None) -> ForecastViews:
    """The fit (see ``fitted``) and its forecast: the page's forecast job."""
    return forecast_views(fitted(series, params, on_disk), series, horizon, params)


@input_errors_returned
def evaluation_job(series: PreparedSeries, params: ProphetParams, horizon: int, folds: int, on_disk: bool,
                   progress=None) -> Evaluation:
    """Cross-validation of the fit against the baselines: the page's evaluation job."""
    return evaluate(fitted(series, params, on_disk), series, horizon, folds, params)
