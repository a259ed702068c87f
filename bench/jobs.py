"""A light page while a heavy training runs as a job, against the same page on an idle server.

    .venv/bin/python -m bench.jobs [--runs 7]

The "server" is this process (the page runs through Streamlit's AppTest, as in the app's server
process); the job cluster is a local one (``ML_ATLAS_SCHEDULER`` when set). The light page is the price
elasticity page (a statsmodels fit of a few milliseconds and its charts), timed from the start of its
script run to its end, the median of ``--runs`` runs. The heavy training is the full digits CNN
(5 epochs over 60,000 MNIST digits) trained into a private, empty model folder, so it really trains.
Prints both medians and their ratio (issue 17's target: at most 1.5).
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from streamlit.testing.v1 import AppTest

from bench.browser_session import machine_description
from core.jobs import job_board
from core.settings import PROJECT_ROOT

TARGET_RATIO = 1.5
LIGHT_PAGE = str(PROJECT_ROOT / "pages" / "price_elasticity.py")


def page_seconds(runs: int) -> float:
    """Median seconds of a fresh session's run of the light page."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        app = AppTest.from_file(LIGHT_PAGE, default_timeout=120).run()
        times.append(time.perf_counter() - started)
        assert not app.exception, app.exception
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(machine_description())
    board = job_board()
    page_seconds(2)  # imports and first-run caches, not measured
    idle = page_seconds(args.runs)
    print(f"light page, idle server: median {idle:.3f} s over {args.runs} runs")

    from models.digits.artifacts import DIGITS_CNN

    os.environ["ML_ATLAS_MODEL_DIR"] = tempfile.mkdtemp(prefix="bench-jobs-models-")
    os.environ.pop("ML_ATLAS_QUICK", None)
    board.submit(DIGITS_CNN.job())
    deadline = time.time() + 300
    while board.status(DIGITS_CNN.key).state != "running" or board.status(DIGITS_CNN.key).fraction < 0.02:
        if time.time() > deadline:
            raise SystemExit("the training did not start within 5 minutes")
        time.sleep(1)
    status = board.status(DIGITS_CNN.key)
    busy = page_seconds(args.runs)
    print(f"light page while '{DIGITS_CNN.name}' trains on the cluster ({status.message}): median {busy:.3f} s")
    ratio = busy / idle
    print(f"ratio busy / idle: {ratio:.2f} (target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'NOT met'})")
    print(f"training still running: {board.status(DIGITS_CNN.key).state == 'running'}; {machine_description()}")


if __name__ == "__main__":
    main()
