"""COVID-19 page: how long a cold first visit waits for its first chart, and whether it says it is working.

    .venv/bin/python -m bench.covid_page [--runs 3]

Each run starts a fresh app server (so every in-memory cache is cold: the frames are cut, plotly imported) and a
fresh headless Chromium (empty HTTP cache, as a first-time visitor), opens /covid_mobility and times, from the
navigation: the first spinner (the page saying it is working), the first chart drawn, and the script's end.
Before the first run the Parquet copies of the data (``data.columnar``) are removed, so it is the first visit ever
(the CSVs are parsed); the others are the first visit after a server restart. As ``bash scripts/start`` does,
the job cluster is started once before the servers (``ML_ATLAS_SCHEDULER`` when set), so no visit pays for
starting Dask workers.

The floor: the same fresh server and browser on a page with one title and one Plotly line chart of 500 points,
what any Streamlit page with a Plotly chart costs on this machine before it computes anything. Medians of the runs,
with the machine's load (two cores shared with whatever else runs).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.browser_session import APP_IDLE_JS, app_server, chromium, machine_description, machine_load
from data.columnar import columnar_root

FIRST_CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'
WORKING = '[data-testid="stSpinner"]'
TARGET_SECONDS = 2.0
FLOOR_PAGE = '''import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

st.title("One chart")
walk = pd.DataFrame({"day": np.arange(500), "value": np.random.default_rng(0).normal(size=500).cumsum()})
st.plotly_chart(px.line(walk, x="day", y="value"))
'''


async def one_cold_visit(script: str | Path = "app.py", path: str = "covid_mobility") -> dict[str, float]:
    async with app_server(script) as server, chromium() as browser:
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        await page.goto(f"{server.url}/{path}")
        working = asyncio.create_task(page.wait_for_selector(WORKING, timeout=120_000))
        await page.wait_for_selector(FIRST_CHART, state="visible", timeout=120_000)
        first_chart = time.perf_counter() - started
        if working.done() and not working.exception():
            working_at = min(time.perf_counter() - started, first_chart)
        else:
            working.cancel()
            working_at = float("nan")
        await page.wait_for_function(APP_IDLE_JS, timeout=300_000)
        return {"working shown": working_at, "first chart": first_chart,
                "script done": time.perf_counter() - started}


@contextlib.contextmanager
def job_cluster():
    """The scheduler the servers use: ML_ATLAS_SCHEDULER's, or a local cluster started once here."""
    if os.environ.get("ML_ATLAS_SCHEDULER"):
        yield os.environ["ML_ATLAS_SCHEDULER"]
        return
    from core.cluster import start_local_cluster

    with start_local_cluster() as cluster:
        os.environ["ML_ATLAS_SCHEDULER"] = cluster.scheduler_address
        try:
            yield cluster.scheduler_address
        finally:
            del os.environ["ML_ATLAS_SCHEDULER"]


def described(result: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:.2f} s" for name, value in result.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"Machine: {machine_description()}")
    with job_cluster() as address, tempfile.TemporaryDirectory() as folder:
        print(f"Job cluster: {address}")
        shutil.rmtree(columnar_root(), ignore_errors=True)
        results = []
        for run in range(runs + 1):
            results.append(asyncio.run(one_cold_visit()))
            what = "first visit ever (CSV parsed)" if run == 0 else f"after a restart, run {run}"
            print(f"  {what}: {described(results[-1])}; load {machine_load()}")
        floor_page = Path(folder) / "one_chart.py"
        floor_page.write_text(FLOOR_PAGE)
        floors = []
        for run in range(runs):
            floors.append(asyncio.run(one_cold_visit(floor_page, "")))
            print(f"  floor, a one-chart page, run {run + 1}: {described(floors[-1])}; load {machine_load()}")
    medians = {name: statistics.median(r[name] for r in results[1:]) for name in results[0]}
    floor = statistics.median(r["first chart"] for r in floors)
    print(f"Median of {runs} first visits after a restart: {described(medians)}")
    print(f"Floor (one-chart page, median of {runs}): first chart {floor:.2f} s; the COVID page adds "
          f"{medians['first chart'] - floor:.2f} s")
    verdict = "met" if medians["first chart"] <= TARGET_SECONDS else "NOT met"
    print(f"First chart within {TARGET_SECONDS:.0f} s: {verdict}. Load after: {machine_load()}")


if __name__ == "__main__":
    main()
