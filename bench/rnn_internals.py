"""The RNN internals page: how long its lessons take, and what the long-dependency race shows.

    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.rnn_internals

Runs the page itself with Streamlit's AppTest (no browser) in this fresh process: a first run at the
default sliders (it imports TensorFlow and loads the classic sentiment model for lesson 5), a rerun,
then the largest settings (T = 100, 32 hidden units), whose results nothing has cached yet. Then
times each lesson's computation alone at those settings, checks BPTT against finite differences,
and prints the race (simple RNN against LSTM) at the default 16 hidden units.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

from components.catalog import PROJECT_ROOT
from models.rnn import simple_rnn
from models.rnn.long_memory import clipping_comparison, race

LENGTHS = (5, 10, 20, 40, 80, 100)
LARGEST = {"length": 100, "hidden": 32}
TARGET_S = 3.0  # the issue: "each run well under a few seconds"


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def page_runs() -> None:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(PROJECT_ROOT / "pages" / "rnn_internals.py"), default_timeout=600)
    print(f"The page, run by AppTest (seconds; target: each run well under a few seconds, judged here as "
          f"<= {TARGET_S:.0f} s):")
    for label, change in (("first run, default sliders", None), ("rerun, default sliders", None),
                          (f"first run at T = {LARGEST['length']}, {LARGEST['hidden']} hidden units", LARGEST)):
        if change:
            app.slider[0].set_value(change["length"])  # the sliders in page order: T, then hidden size
            app.slider[1].set_value(change["hidden"])
        seconds, _ = timed(app.run)
        problem = "  EXCEPTION: " + str(app.exception[0].message)[:200] if app.exception else ""
        print(f"  {label:<44} {seconds:6.2f}  [{'met' if seconds <= TARGET_S else 'NOT met'}]{problem}")


def lesson_times() -> None:
    length, hidden, radius, clip = LARGEST["length"], LARGEST["hidden"], 3.0, 0.3
    print(f"Each lesson's computation alone at T = {length}, {hidden} hidden units, spectral radius {radius}:")
    seconds, _ = timed(lambda: simple_rnn.error_through_time(length, hidden, radius))
    print(f"  2. error signal through time            {seconds:6.2f}")
    seconds, _ = timed(lambda: clipping_comparison(length, hidden, radius, clip))
    print(f"  3. clipping, with and without           {seconds:6.2f}")
    for t in LENGTHS:
        seconds, _ = timed(lambda t=t: race(t, hidden))
        print(f"  4. race at T = {t:<3}                      {seconds:6.2f}")
    seconds, _ = timed(lambda: race(LENGTHS, hidden))
    print(f"  4. race, all lengths of the chart       {seconds:6.2f}  (as the page runs it: all at once, side by side)")


def gradient_check() -> None:
    rng = np.random.default_rng(0)
    params = simple_rnn.init_params(5, 8, 5, radius=0.9, seed=0)
    x = np.eye(5)[rng.integers(0, 5, size=(4, 12))]
    targets = rng.integers(0, 5, size=(4, 12))
    print(f"BPTT against central differences (max absolute gap over sampled weights): "
          f"{simple_rnn.finite_difference_gap(params, x, targets):.2e}")


def race_table() -> None:
    print("The race at 16 hidden units (test accuracy; chance is 25%):")
    print(f"  {'T':>4} {'simple RNN':>11} {'LSTM':>7}   updates (RNN / LSTM)")
    for t in LENGTHS:
        result = race(t, 16).set_index("network")
        print(f"  {t:>4} {result.loc['simple RNN', 'accuracy']:>11.1%} {result.loc['LSTM', 'accuracy']:>7.1%}"
              f"   {int(result.loc['simple RNN', 'updates'])} / {int(result.loc['LSTM', 'updates'])}")


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stdout.reconfigure(line_buffering=True)
    page_runs()
    print()
    lesson_times()
    print()
    gradient_check()
    print()
    race_table()


if __name__ == "__main__":
    main()
