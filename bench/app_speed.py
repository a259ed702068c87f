"""The app's own speed: server start to home page, each page's first render, model load and pre-train times.

Run from the project root (inside the heavy-run lock)::

    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.app_speed

With the trained models in the model cache (``ML_ATLAS_MODEL_DIR`` or .cache/models), measures

- the time from starting ``streamlit run app.py`` to the home page rendered in headless Chromium;
- for every page of ``components.catalog.PAGES``, the browser time from navigation to its main output
  (``MAIN_OUTPUTS`` in bench/browser_session.py), on the first visit after the server started (the
  page loads its cached models from disk), on a second visit from a new session (models in memory),
  both in a fresh browser context (empty cache), and on a visit from a browser that has shown the page
  before (its cache holds the app's scripts, as a returning user's does);
- the time each pre-trainable model takes to load from the cache in a fresh process;
- the full pre-train time of every cached artifact, as recorded in its MANIFEST.json.

A page whose models are not in the cache is skipped (the server would train them for minutes), and a
missing model is reported rather than trained, unless ``--allow-training``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

from bench.browser_session import (VIEWPORT, AppServer, chromium, machine_description, machine_load, main_output,
                                   page_errors, stop_on_sigterm, wait_idle, wait_main_output)
from bench.streamlit_protocol import ProtocolSession
from components.catalog import PAGES
from core.cache import MANIFEST
from core.progress import TrainingProgress
from core.settings import model_root, quick_mode

TARGET_HOME_S = 3.0
TARGET_PAGE_S = 2.0
READY = ("trained", "no training needed")


def verdict(seconds: float | None, target: float) -> str:
    return "-" if seconds is None else ("met" if seconds <= target else "NOT met")


def describe_output(url_path: str) -> str:
    kind, text = main_output(url_path)
    return f"{kind} '{text}'" if text else kind


async def visit(browser, url: str, url_path: str, timeout_ms: float, context=None) -> tuple[float | None, str]:
    """Open a page in a new session; seconds from navigation to its main output, and any problem seen.

    A new browser context starts with an empty cache; a given ``context`` keeps what it loaded before.
    """
    own = context is None
    context = context or await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        await page.goto(f"{url}/{url_path}", timeout=timeout_ms)
        seconds = await wait_main_output(page, url_path, timeout_ms) / 1000
        await wait_idle(page, timeout_ms)  # let the page finish its run, so the next visit starts on a quiet server
        errors = await page_errors(page)
        await page.close()
        return seconds, ("ERRORS: " + " | ".join(errors)[:200]) if errors else ""
    except Exception as error:  # a page that never shows its output is reported, the others still measured
        return None, f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    finally:
        if own:
            await context.close()


async def browser_timings(allow_training: bool, timeout_ms: float) -> None:
    cards = [(card, card.training_status()) for card in PAGES]
    for card, _ in cards:
        main_output(card.url_path)  # fail loudly before starting anything when a page has no definition
    async with chromium() as browser:
        server = AppServer()
        try:
            server.start()
            await server.wait_healthy()
            healthy = time.perf_counter() - server.started_at
            context = await browser.new_context(viewport=VIEWPORT)
            page = await context.new_page()
            await page.goto(server.url, timeout=timeout_ms)
            await wait_main_output(page, "", timeout_ms)
            home = time.perf_counter() - server.started_at
            await context.close()
            print(f"Server start to health check answering: {healthy:.2f} s")
            print(f"Server start to home page rendered (main output: {describe_output('')}): {home:.2f} s "
                  f"[target <= {TARGET_HOME_S:.0f} s: {verdict(home, TARGET_HOME_S)}]")
            print()
            print(f"Each page, navigation to main output [target <= {TARGET_PAGE_S:.0f} s]: first visit (the server "
                  "loads the page's cached models from disk; the browser, a new context, fetches every asset); "
                  "second (a new session and a new context: models in memory, browser cache empty); returning "
                  "(a new session in a browser that has shown the page before: assets from its cache). "
                  "The target column judges the worst of the three.")
            print("The server column is the server's share: a new session's whole first run of the page, timed over "
                  "Streamlit's websocket protocol (no browser), from request to the end of the run.")
            print(f"  {'page':<22} {'main output':<40} {'first':>8} {'second':>8} {'return':>8} {'server':>8}  "
                  "target  notes")
            returning = await browser.new_context(viewport=VIEWPORT)
            for card, status in cards:
                if status not in READY and not allow_training:
                    print(f"  {card.url_path:<22} {describe_output(card.url_path):<40} {'-':>8} {'-':>8}  "
                          f"{'-':<6}  skipped: models {status} (pass --allow-training to train them)")
                    continue
                first, first_note = await visit(browser, server.url, card.url_path, timeout_ms)
                second, second_note = await visit(browser, server.url, card.url_path, timeout_ms)
                await visit(browser, server.url, card.url_path, timeout_ms, returning)  # fills its cache
                again, again_note = await visit(browser, server.url, card.url_path, timeout_ms, returning)
                times = (first, second, again)
                shown = [f"{s:8.2f}" if s is not None else f"{'failed':>8}" for s in times]
                worst = None if None in times else max(times)
                notes = "; ".join(n for n in (first_note, second_note, again_note) if n)
                server_side = await server_run_seconds(server.url, card.url_path, timeout_ms)
                print(f"  {card.url_path:<22} {describe_output(card.url_path):<40} {' '.join(shown)} "
                      f"{server_side:8.2f}  {verdict(worst, TARGET_PAGE_S) if worst is not None else 'NOT met':<6}  "
                      f"{notes}")
        finally:
            server.stop()


async def server_run_seconds(url: str, url_path: str, timeout_ms: float) -> float:
    """Seconds for the server to run a page for a new session, up to the end of the run (no browser involved)."""
    session = ProtocolSession(url, url_path, timeout_ms / 1000)
    try:
        return (await session.open()).seconds
    finally:
        await session.close()


def model_load_times(allow_training: bool) -> None:
    """Load every pre-trainable model from the cache in this process, timing each."""
    from models.artifacts import BY_NAME

    print("Model load times in a fresh process (from the model cache, including checksum verification):")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of the table
    started = time.perf_counter()
    import tensorflow  # noqa: F401 - timed on its own so the first Keras model's load time is comparable

    print(f"  {'import tensorflow':<28} {time.perf_counter() - started:7.2f} s")
    for name, item in sorted(BY_NAME.items()):
        trained = item.is_trained()
        if not trained and not allow_training:
            print(f"  {name:<28} {'-':>7}   not in the cache: pre-train it (python -m models train {name}) "
                  "or pass --allow-training")
            continue
        started = time.perf_counter()
        item.train(TrainingProgress())
        seconds = time.perf_counter() - started
        print(f"  {name:<28} {seconds:7.2f} s" + ("" if trained else "   (trained now: this is a training time)"))


def pretrain_times() -> None:
    """The full pre-train time recorded in every cached artifact's manifest."""
    root = model_root()
    print(f"Pre-train times recorded in the model cache ({root}):")
    manifests = sorted(root.glob(f"*/{MANIFEST}")) if root.is_dir() else []
    for path in manifests:
        if path.parent.name.startswith("."):
            continue
        try:
            manifest = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            print(f"  {path.parent.name}: unreadable manifest ({error})")
            continue
        size = sum(f.stat().st_size for f in path.parent.rglob("*") if f.is_file())
        print(f"  {manifest['key']:<44} {manifest['training_seconds']:8.1f} s  ({manifest['training_seconds'] / 60:5.1f}"
              f" min), {size / 2**20:7.1f} MiB, trained {manifest.get('created', '?')}")
    if not manifests:
        print("  (no trained artifacts)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--allow-training", action="store_true",
                        help="visit pages and load models even when they are not in the cache (trains them)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for a page's main output")
    args = parser.parse_args()
    stop_on_sigterm()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when piped to a file
    print(f"Machine: {machine_description()}")
    print(f"Model cache: {model_root()}{' (QUICK MODE: small models)' if quick_mode() else ''}")
    print("Note: headless Chromium runs on the same CPUs as the server; browser times include its rendering work.")
    print()
    try:
        asyncio.run(browser_timings(args.allow_training, args.timeout * 1000))
        print()
        model_load_times(args.allow_training)
        print()
        pretrain_times()
    except KeyboardInterrupt:
        raise SystemExit("interrupted: server and browser stopped")
    print(f"\nMachine load at the end: {machine_load()}")


if __name__ == "__main__":
    main()
