"""Warm start: from a first start on an empty model cache until every model is trained, and what the first visitor
of each model page sees meanwhile.

    .venv/bin/python -m bench.warm_start [--views 0,60,300] [--limit-minutes 80] [--model-dir EMPTY_FOLDER]

As ``bash scripts/start`` does, a job cluster is started with ``--warm-start`` (it queues every pre-trainable model
missing from the cache, quickest to be ready first) and then the app server, both on a new, empty model folder
(``ML_ATLAS_MODEL_DIR``; full-size models unless ``ML_ATLAS_QUICK=1`` is set). At each view time (seconds after the
cluster's start) every page that reads a pre-trained model is opened in a new browser context: the page is
reported ready when its main output shows within 20 s, else with what its job panel says (queued with a position,
or the training's progress line). Then the model folder is watched until every pre-trainable model is in it, or
the limit: each model's time to ready, and the total.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.browser_session import (PROJECT_ROOT, VIEWPORT, app_server, chromium, machine_description, machine_load,
                                   wait_main_output)

MODEL_PAGES = ("digits", "sentiment", "word_embeddings_map", "word_analogies", "recommender", "pos_tagging")
"""The pages whose main output needs a pre-trained model (the others fit on request)."""
PANEL_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const lines = main ? main.innerText.split('\\n') : [];
    const said = lines.filter(l => /Queued: number|so far|left\\)|did not finish|Starting/.test(l));
    return said.slice(0, 2).join(' / ').slice(0, 160);
}"""


def start_cluster(address_file: Path, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "models", "cluster", "--warm-start", "--parent-pid", str(os.getpid()),
         "--address-file", str(address_file)],
        cwd=PROJECT_ROOT, env=dict(os.environ), stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(600):
        if address_file.exists() and address_file.read_text().strip():
            return process
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise SystemExit(f"the job cluster did not start; see {log}")


async def what_a_visitor_sees(browser, url: str, url_path: str) -> str:
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        await page.goto(f"{url}/{url_path}", timeout=60_000)
        try:
            seconds = await wait_main_output(page, url_path, 20_000) / 1000
            return f"ready ({seconds:.1f} s to its main output)"
        except TimeoutError:
            return f"waiting: {await page.evaluate(PANEL_JS) or '(no job panel text)'}"
    except Exception as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
    finally:
        await context.close()


async def views(url: str, started: float, at: list[float]) -> None:
    async with chromium() as browser:
        for moment in at:
            await asyncio.sleep(max(0.0, started + moment - time.perf_counter()))
            print(f"At {moment:.0f} s (load {machine_load()}):", flush=True)
            for url_path in MODEL_PAGES:
                opened = time.perf_counter() - started
                print(f"  /{url_path} (opened at {opened:.0f} s): {await what_a_visitor_sees(browser, url, url_path)}",
                      flush=True)


def watch_until_trained(started: float, limit_seconds: float) -> None:
    from models.artifacts import PRETRAINED

    ready: dict[str, float] = {}
    while len(ready) < len(PRETRAINED) and time.perf_counter() - started < limit_seconds:
        for artifact in PRETRAINED:
            if artifact.name not in ready and artifact.is_trained():
                ready[artifact.name] = time.perf_counter() - started
                print(f"  {artifact.name} ready after {ready[artifact.name] / 60:.1f} min", flush=True)
        time.sleep(10)
    missing = [a.name for a in PRETRAINED if a.name not in ready]
    if missing:
        print(f"NOT all trained within {limit_seconds / 60:.0f} min; still missing: {', '.join(missing)}")
    else:
        print(f"Every model trained {max(ready.values()) / 60:.1f} min after the first start")


async def run(at: list[float], limit_seconds: float, model_dir: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="ml-atlas-warm-") as folder:
        model_dir = model_dir or Path(folder) / "models"
        if model_dir.exists() and any(model_dir.iterdir()):
            raise SystemExit(f"{model_dir} is not empty: a warm start is measured on an empty model cache")
        os.environ["ML_ATLAS_MODEL_DIR"] = str(model_dir)
        os.environ.pop("ML_ATLAS_SCHEDULER", None)
        started = time.perf_counter()
        cluster = start_cluster(Path(folder) / "address", Path(folder) / "cluster.log")
        try:
            os.environ["ML_ATLAS_SCHEDULER"] = (Path(folder) / "address").read_text().strip()
            watching = asyncio.create_task(asyncio.to_thread(watch_until_trained, started, limit_seconds))
            async with app_server() as server:
                print(f"App at {server.url}, {time.perf_counter() - started:.1f} s after the cluster's start")
                await views(server.url, started, at)
                await watching
        finally:
            cluster.terminate()
            cluster.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", default="0,60,300", help="seconds after the start to look at the pages")
    parser.add_argument("--limit-minutes", type=float, default=80)
    parser.add_argument("--model-dir", type=Path, help="an empty folder to train into, kept afterwards (default: a "
                                                       "temporary one, removed)")
    args = parser.parse_args()
    print(f"Machine: {machine_description()}; quick models: {os.environ.get('ML_ATLAS_QUICK') == '1'}")
    asyncio.run(run([float(s) for s in args.views.split(",")], args.limit_minutes * 60, args.model_dir))


if __name__ == "__main__":
    main()
