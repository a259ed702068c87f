"""COVID-19 page: how long a cold first visit waits for its first chart, and whether it says it is working.

    .venv/bin/python -m bench.covid_page [--runs 3]

Each run starts a fresh app server (so every in-memory cache is cold: the frames are cut, plotly imported),
opens /covid_mobility in headless Chromium and times, from the navigation: the first spinner or status line
(the page saying it is working), the first chart drawn, and the script's end. Before the first run the Parquet
copies of the data (``data.columnar``) are removed, so it is the first visit ever (the CSVs are parsed); the
others are the first visit after a server restart. Median of those, with the machine's load printed before and
after (two cores shared with whatever else runs).
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import time

from bench.browser_session import APP_IDLE_JS, app_server, chromium, machine_description, machine_load
from data.columnar import columnar_root

FIRST_CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'
WORKING = '[data-testid="stSpinner"]'
TARGET_SECONDS = 2.0


async def one_cold_visit() -> dict[str, float]:
    async with app_server() as server, chromium() as browser:
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        await page.goto(f"{server.url}/covid_mobility")
        working = asyncio.create_task(page.wait_for_selector(WORKING, timeout=120_000))
        await page.wait_for_selector(FIRST_CHART, state="visible", timeout=120_000)
        first_chart = time.perf_counter() - started
        working_at = time.perf_counter() - started
        if working.done() and not working.exception():
            working_at = min(working_at, first_chart)
        else:
            working.cancel()
            working_at = float("nan")
        await page.wait_for_function(APP_IDLE_JS, timeout=300_000)
        return {"working shown": working_at, "first chart": first_chart,
                "script done": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"Machine: {machine_description()}")
    shutil.rmtree(columnar_root(), ignore_errors=True)
    results = []
    for run in range(runs + 1):
        result = asyncio.run(one_cold_visit())
        results.append(result)
        what = "first visit ever (CSV parsed)" if run == 0 else f"after a restart, run {run}"
        print(f"  {what}: " + ", ".join(f"{name} {value:.2f} s" for name, value in result.items())
              + f"; load {machine_load()}")
    medians = {name: statistics.median(r[name] for r in results[1:]) for name in results[0]}
    print(f"Median of {runs} first visits after a restart: " + ", ".join(f"{name} {value:.2f} s" for name, value in
                                                                       medians.items()))
    verdict = "met" if medians["first chart"] <= TARGET_SECONDS else "NOT met"
    print(f"First chart within {TARGET_SECONDS:.0f} s: {verdict}. Load after: {machine_load()}")


if __name__ == "__main__":
    main()
