"""Test accuracy and macro F1 of every ensemble on red, white and both wine sets.

Run from the project root: ``.venv/bin/python -m bench.ensembles`` (a few minutes on two cores).
The page's default settings: bins low <= 5, medium 6, high >= 7; a 10-candidate randomized search
with stratified 5-fold CV; a stratified 75/25 split with seed 42; the test set is touched only for
the figures printed here. ``--quick`` uses the tests' small configuration instead.
"""
from __future__ import annotations

import datetime
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.wine import WINE_SETS, load_wine  # noqa: E402
from models.ensembles.model import EnsembleConfig, WineEnsembles  # noqa: E402


def bench_one(wines: str, config: EnsembleConfig) -> list[str]:
    """Fit every model on one wine set; one printed line per model."""
    started = time.perf_counter()
    model = WineEnsembles(config).fit(load_wine(wines))
    seconds = time.perf_counter() - started
    largest = model.reports_["random_forest"].per_class["support"].max() / model.n_test_
    lines = [f"\n{wines}: {model.n_train_} train / {model.n_test_} test wines; classes {', '.join(model.labels_)}; "
             f"largest-class baseline {largest:.3f}; whole run {seconds:.0f} s (search {model.search_seconds_:.0f} s)",
             f"  best forest: CV accuracy {model.best_cv_score_:.3f} with "
             + ", ".join(f"{k}={v}" for k, v in sorted(model.best_params_.items())),
             f"  {'model':32s} {'family':9s} {'test acc':>8s} {'macro F1':>8s} {'CV mean':>8s} {'CV std':>7s} "
             f"{'CV var':>8s} {'fit s':>6s}"]
    for name, row in model.comparison().iterrows():
        lines.append(f"  {name:32s} {row['family']:9s} {row['test accuracy']:8.3f} {row['test macro F1']:8.3f} "
                     f"{row['CV accuracy (mean)']:8.3f} {row['CV accuracy (std)']:7.3f} {row['CV variance']:8.5f} "
                     f"{row['fit seconds']:6.1f}")
    return lines


def main() -> None:
    quick = "--quick" in sys.argv
    config = EnsembleConfig.quick() if quick else EnsembleConfig()
    print(f"Ensembles on wine quality, {'quick' if quick else 'full'} configuration: {config.n_iter} search "
          f"iterations x {config.folds} folds, forests <= {config.max_trees} trees, {config.boost_rounds} boosting "
          f"rounds, rows {config.max_rows or 'all'}")
    print(f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    for wines in WINE_SETS:
        print("\n".join(bench_one(wines, config)), flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
