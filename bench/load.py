"""Many users at once: N concurrent real browser sessions repeating a page's main interaction.

Run from the project root (inside the heavy-run lock)::

    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.load --page digits --sessions 20 --seconds 60
    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.load --page sentiment --all-models

Starts one app server on 127.0.0.1 with this environment (so ``ML_ATLAS_MODEL_DIR`` and
``ML_ATLAS_QUICK`` pass through), or uses ``--url``; opens N browser contexts in one headless
Chromium; each session repeats the page's main interaction for ``--seconds``:

- digits: draw a stroke on the canvas, wait until the metric "Prediction" shows a reading, press
  Clear (the next stroke then changes it again);
- sentiment: type a review (alternately positive and negative), press "Score the review", wait
  until the metric "Verdict" changes.

Latency is measured in the page, from the interaction to the new result on screen. Reports
errors (timeouts, exception boxes, st.error text), p50/p95 latency, interactions completed and the
server's memory (its process and children, from /proc): after the first session, after all N,
and the peak. ``--all-models`` first opens every page once so every model is loaded.
Chromium runs on the same CPUs as the server, so latencies include the browser's own work.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass, field

from bench.browser_session import (VIEWPORT, MemorySampler, app_server, chromium, gib, machine_description,
                                   machine_load, metric_value, page_errors, percentile, stop_on_sigterm,
                                   timed_metric_change, tree_cpu_seconds, wait_idle,
                                   wait_main_output)
from components.catalog import PAGES

TARGET_P95_MS = 1000.0
TARGET_MEMORY = 3 * 2**30
OPEN_AT_ONCE = 4
OPEN_TIMEOUT_MS = 120_000
POSITIVE = "A wonderful, moving film. The acting was superb, the story was beautiful and I loved every minute of it."
NEGATIVE = "A dull, boring mess. The plot was awful, the acting was terrible and it was a complete waste of time."
# Strokes on the 280x280 canvas as (x, y) fractions: a "1" and a "7", drawn alternately.
STROKES = (
    [(0.5, 0.15), (0.5, 0.35), (0.5, 0.55), (0.5, 0.85)],
    [(0.25, 0.2), (0.5, 0.2), (0.75, 0.2), (0.6, 0.5), (0.45, 0.85)],
)


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=lambda: {"timeout": 0, "exception box / error text": 0,
                                                            "other": 0})
    examples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {detail[:300]}")


class DigitsSession:
    """Draw a stroke, wait for the prediction; clear, wait for the empty canvas; repeat."""

    url_path, label = "digits", "Prediction"

    def __init__(self, page, timeout_ms: float):
        self.page, self.timeout_ms, self.round = page, timeout_ms, 0

    async def _canvas_box(self) -> dict:
        """The drawing canvas's box on screen, once it is in view and the layout around it has settled."""
        deadline = time.perf_counter() + self.timeout_ms / 1000
        previous = None
        while time.perf_counter() < deadline:
            for frame in self.page.frames:
                element = await frame.query_selector("canvas.upper-canvas")
                if element and await element.is_visible():
                    await element.scroll_into_view_if_needed()
                    box = await element.bounding_box()
                    if box and box == previous:
                        return box
                    previous = box
                    break
            await asyncio.sleep(0.05)
        raise TimeoutError("the drawing canvas did not appear")

    async def interact(self) -> float:
        box = await self._canvas_box()
        points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
                  for fx, fy in STROKES[self.round % len(STROKES)]]
        self.round += 1
        mouse = self.page.mouse
        await mouse.move(*points[0])
        await mouse.down()
        for x, y in points[1:]:
            await mouse.move(x, y, steps=4)
        _, ms = await timed_metric_change(self.page, self.label, "—", mouse.up, self.timeout_ms)
        await self.page.get_by_role("button", name="Clear").click()
        await self.page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stMain\"]') && "
            "[...document.querySelectorAll('[data-testid=\"stMetric\"]')].some(m => m.innerText.includes('Prediction')"
            " && m.innerText.includes('—'))", timeout=self.timeout_ms, polling=50)
        await wait_idle(self.page, self.timeout_ms)
        return ms


class SentimentSession:
    """Type a review (alternately positive and negative), press "Score the review", wait for the new verdict."""

    url_path, label = "sentiment", "Verdict"

    def __init__(self, page, timeout_ms: float):
        self.page, self.timeout_ms, self.round = page, timeout_ms, 0

    async def interact(self) -> float:
        review = (POSITIVE, NEGATIVE)[self.round % 2]
        self.round += 1
        previous = await metric_value(self.page, self.label)
        await self.page.get_by_label("Movie review").fill(review)
        button = self.page.get_by_role("button", name="Score the review")
        _, ms = await timed_metric_change(self.page, self.label, previous, button.click, self.timeout_ms)
        await wait_idle(self.page, self.timeout_ms)
        return ms


SESSIONS = {"digits": DigitsSession, "sentiment": SentimentSession}


async def open_session(browser, url: str, kind, timeout_ms: float):
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await page.goto(f"{url}/{kind.url_path}", timeout=timeout_ms)
    await wait_main_output(page, kind.url_path, timeout_ms)
    await wait_idle(page, timeout_ms)
    return context, kind(page, timeout_ms)


async def interact_once(session, tally: Tally, record: bool) -> bool:
    """One interaction; latency recorded when ``record``; errors always. False when the page needs reloading."""
    try:
        ms = await session.interact()
    except (TimeoutError, asyncio.TimeoutError) as error:
        tally.error("timeout", str(error))
        return False
    except Exception as error:  # a Playwright timeout or a closed page: count it, recover, go on
        kind = "timeout" if "Timeout" in type(error).__name__ else "other"
        tally.error(kind, f"{type(error).__name__}: {error}")
        return False
    if errors := await page_errors(session.page):
        tally.error("exception box / error text", " | ".join(errors))
        return False
    if record:
        tally.latencies_ms.append(ms)
    return True


async def run_session(session, url: str, deadline: float, tally: Tally) -> int:
    done = 0
    while time.perf_counter() < deadline:
        if await interact_once(session, tally, record=True):
            done += 1
        else:  # start from a fresh page after an error, as a user would reload
            try:
                await session.page.goto(f"{url}/{session.url_path}")
                await wait_main_output(session.page, session.url_path, session.timeout_ms)
                await wait_idle(session.page, session.timeout_ms)
            except Exception as error:
                tally.error("other", f"reload failed: {error}")
                await asyncio.sleep(1)
    return done


async def open_every_page(browser, url: str, timeout_ms: float) -> list[str]:
    """Open every page once (and score a review with all three sentiment models) so every model is loaded."""
    notes = []
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    try:
        for card in PAGES:
            started = time.perf_counter()
            try:
                await page.goto(f"{url}/{card.url_path}", timeout=timeout_ms)
                await wait_main_output(page, card.url_path, timeout_ms)
                await wait_idle(page, timeout_ms)
                if card.url_path == "sentiment":
                    await page.get_by_text("Compare all three models").click()
                    await wait_idle(page, timeout_ms)
                    await page.get_by_label("Movie review").fill(POSITIVE)
                    await page.get_by_role("button", name="Score the review").click()
                    await page.get_by_text("All three models").wait_for(timeout=timeout_ms)
                    await wait_idle(page, timeout_ms)
                errors = await page_errors(page)
            except Exception as error:  # note it and go on: the other pages' models still get loaded
                errors = [f"{type(error).__name__}: {str(error).splitlines()[0]}"]
            notes.append(f"  {card.url_path:<22} {time.perf_counter() - started:6.1f} s"
                         + (f"  ERRORS: {' | '.join(errors)[:200]}" if errors else ""))
    finally:
        await context.close()
    return notes


def check_models(page: str, allow_training: bool) -> None:
    """Stop (rather than train for minutes inside the server) when the page's models are not in the cache."""
    for card in PAGES:
        if card.url_path == page or page == "*":
            status = card.training_status()
            if status not in ("trained", "no training needed") and not allow_training:
                raise SystemExit(f"The models of page '{card.url_path}' are {status} in the model cache: pre-train "
                                 "them (python -m models train --all) or pass --allow-training.")


async def bench(args) -> None:
    kind = SESSIONS[args.page]
    timeout_ms = args.timeout * 1000
    print(f"Load test: page '{args.page}', {args.sessions} concurrent sessions for {args.seconds:.0f} s")
    print(f"Machine: {machine_description()}")
    print("Note: the one headless Chromium driving all sessions shares these CPUs with the server, so the "
          "latencies below include the browser's own rendering work.")
    async with chromium() as browser:
        if args.url:
            url, server = args.url.rstrip("/"), None
            print(f"Server: {url} (given; its memory is not measured)")
            await run(browser, url, None, kind, args, timeout_ms)
        else:
            async with app_server() as server:
                print(f"Server: {server.url} (started by this script, pid {server.process.pid}; log {server.log.name})")
                sampler = MemorySampler(server.process.pid)
                sampler.start()
                try:
                    await run(browser, server.url, sampler, kind, args, timeout_ms)
                finally:
                    await sampler.stop()
    print(f"Machine load at the end: {machine_load()}")


async def run(browser, url: str, sampler: MemorySampler | None, kind, args, timeout_ms: float) -> None:
    memory = sampler.sample if sampler else (lambda: None)
    if args.all_models:
        print("Opening every page once to load every model:")
        print("\n".join(await open_every_page(browser, url, max(timeout_ms, 300_000))))
        if sampler:
            loaded = memory()
            print(f"Server memory with every model loaded: {gib(loaded.rss)} resident, peak so far "
                  f"{gib(loaded.hwm)} [target <= {gib(TARGET_MEMORY)}: "
                  f"{'met' if loaded.hwm <= TARGET_MEMORY else 'NOT met'}]")

    tally = Tally()
    contexts = []
    try:
        first = await open_session(browser, url, kind, timeout_ms)
        contexts.append(first[0])
        await interact_once(first[1], tally, record=False)  # loads the model into the server if not loaded yet
        after_first = memory()

        opening_gate = asyncio.Semaphore(OPEN_AT_ONCE)

        async def open_one():
            try:
                async with opening_gate:  # setup, not measured: users arrive over time, not in one burst
                    opened = await open_session(browser, url, kind, max(timeout_ms, OPEN_TIMEOUT_MS))
                contexts.append(opened[0])
                return opened[1]
            except Exception as error:
                tally.error("timeout" if "Timeout" in type(error).__name__ else "other",
                            f"opening the page: {str(error).splitlines()[0]}")
                return None

        opening = time.perf_counter()
        others = await asyncio.gather(*(open_one() for _ in range(args.sessions - 1)))
        sessions = [first[1]] + [s for s in others if s is not None]
        print(f"Opened {len(sessions)} sessions in {time.perf_counter() - opening:.1f} s; "
              f"load average {machine_load()}")

        cpu_before = tree_cpu_seconds(sampler.pid) if sampler else 0.0
        started = time.perf_counter()
        deadline = started + args.seconds
        done = await asyncio.gather(*(run_session(s, url, deadline, tally) for s in sessions))
        elapsed = time.perf_counter() - started
        server_cpu = tree_cpu_seconds(sampler.pid) - cpu_before if sampler else None
        after_all = memory()
    finally:
        for context in contexts:
            await context.close()

    errors = sum(tally.errors.values())
    print(f"Load average during the run: {machine_load()}")
    print(f"Interactions completed: {sum(done)} in {elapsed:.1f} s ({sum(done) / elapsed:.1f}/s), "
          f"per session min {min(done)} / max {max(done)}")
    print(f"Errors: {errors} (" + ", ".join(f"{k} {v}" for k, v in tally.errors.items()) + ") [target 0: "
          f"{'met' if errors == 0 else 'NOT met'}]")
    for example in tally.examples:
        print(f"  e.g. {example}")
    if tally.latencies_ms:
        p50, p95 = percentile(tally.latencies_ms, 50), percentile(tally.latencies_ms, 95)
        print(f"Interaction to result (in the page): p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
              f"max {max(tally.latencies_ms):.0f} ms over {len(tally.latencies_ms)} interactions "
              f"[target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if p95 <= TARGET_P95_MS else 'NOT met'}]")
    if sampler:
        print(f"Server CPU during the run: {server_cpu:.1f} s in {elapsed:.1f} s ({server_cpu / elapsed:.2f} of "
              f"{os.cpu_count()} cores on average; the rest of the busy time is Chromium and other processes)")
        growth = (after_all.rss - after_first.rss) / max(1, len(sessions) - 1)
        print(f"Server memory after the first session: {gib(after_first.rss)}; after all {len(sessions)} sessions: "
              f"{gib(after_all.rss)} ({growth / 2**20:+.1f} MiB per extra session; a model loaded per session "
              "would add its full size each time)")
        print(f"Server peak memory: sampled VmRSS peak {gib(sampler.peak_rss)}, VmHWM {gib(after_all.hwm)} "
              f"(server process and children) [target <= {gib(TARGET_MEMORY)}: "
              f"{'met' if after_all.hwm <= TARGET_MEMORY else 'NOT met'}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", choices=sorted(SESSIONS), default="digits")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument("--all-models", action="store_true", help="open every page first so every model is loaded")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before an interaction is an error")
    parser.add_argument("--allow-training", action="store_true",
                        help="let the server train models missing from the cache (minutes)")
    args = parser.parse_args()
    if not args.url:
        check_models("*" if args.all_models else args.page, args.allow_training)
    stop_on_sigterm()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when piped to a file
    try:
        asyncio.run(bench(args))
    except KeyboardInterrupt:
        raise SystemExit("interrupted: server and browser stopped")


if __name__ == "__main__":
    main()
