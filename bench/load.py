"""Many users at once: N concurrent sessions repeating a page's main interaction against one server.

Run from the project root (inside the heavy-run lock)::

    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.load --page digits --sessions 20 --seconds 60
    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.load --page sentiment --all-models
    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.load --page digits --client browser

Starts one app server on 127.0.0.1 with this environment (so ``ML_ATLAS_MODEL_DIR`` and
``ML_ATLAS_QUICK`` pass through), or uses ``--url``: a running server, or a load balancer in
front of several replicas (``bash scripts/serve-cluster 2`` then ``--url http://127.0.0.1:8080``;
a protocol session is one websocket, which stays on one replica; a browser session keeps the
balancer's affinity cookie). With ``--url`` the server's memory and CPU are not measured.
Each of N sessions repeats the page's main interaction for ``--seconds``, back to back (no pause
between interactions, so N sessions are a heavier load than N people):

- digits: draw a digit (a "1" and a "7" alternately) and wait for the prediction, which must be
  that digit;
- sentiment: type a review (alternately positive and negative), press "Score the review", wait
  for the verdict, which must be the review's.

Two clients (``--client``):

- ``protocol`` (default): each session is a websocket speaking Streamlit's own protocol, as the
  browser does (see ``bench/streamlit_protocol.py``); the drawing is sent as the canvas sends it,
  a PNG data URL. Latency is from sending the change to the end of the run it causes. Nothing is
  rendered, so the server gets the machine's CPUs to itself.
- ``browser``: N contexts in one headless Chromium, drawing with the mouse and typing; latency is
  measured in the page, up to the result on screen. Chromium runs on the same CPUs as the
  server, so the latencies include the browser's own work for N tabs.

Reports errors (timeouts, exception boxes, st.error text, a wrong result), p50/p95 latency,
interactions completed and the server's memory (its process and children, from /proc): after the
first session, after all N, and the peak. ``--all-models`` first opens every page once in a
browser so every model is loaded.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import io
import json
import os
import sys
import time
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from bench.browser_session import (VIEWPORT, MemorySampler, app_server, chromium, gib, machine_description,
                                   machine_load, metric_value, page_errors, percentile, stop_on_sigterm,
                                   timed_metric_change, tree_cpu_seconds, wait_idle,
                                   wait_main_output)
from bench.streamlit_protocol import ProtocolSession, json_value, press, text_value
from components.catalog import PAGES

TARGET_P95_MS = 1000.0
TARGET_MEMORY = 3 * 2**30
OPEN_AT_ONCE = 4
OPEN_TIMEOUT_MS = 120_000
CANVAS_SIZE = 280
POSITIVE = "A wonderful, moving film. The acting was superb, the story was beautiful and I loved every minute of it."
NEGATIVE = "A dull, boring mess. The plot was awful, the acting was terrible and it was a complete waste of time."
REVIEWS = (("Positive", POSITIVE), ("Negative", NEGATIVE))
# Strokes on the canvas as (x, y) fractions: a "1" and a "7", drawn alternately.
DIGITS = (
    (1, [(0.5, 0.15), (0.5, 0.35), (0.5, 0.55), (0.5, 0.85)]),
    (7, [(0.25, 0.2), (0.5, 0.2), (0.75, 0.2), (0.6, 0.5), (0.45, 0.85)]),
)


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=lambda: {"timeout": 0, "exception box / error text": 0,
                                                            "wrong result": 0, "other": 0})
    examples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {detail[:300]}")


class PageError(Exception):
    """The page showed an exception box or error text."""


class WrongResult(Exception):
    """The page showed a result, but not the one the input calls for."""


# ----------------------------------------------------------------------------- browser sessions


class BrowserSession:
    """A page in its own browser context; subclasses say how to interact."""

    url_path = ""

    def __init__(self, browser, url: str, timeout_ms: float):
        self.browser, self.url, self.timeout_ms, self.round = browser, url, timeout_ms, 0
        self.context = self.page = None

    async def open(self, timeout_ms: float | None = None) -> None:
        self.context = await self.browser.new_context(viewport=VIEWPORT)
        self.page = await self.context.new_page()
        await self.reopen(timeout_ms)

    async def reopen(self, timeout_ms: float | None = None) -> None:
        """Load the page afresh, as a user reloads after an error."""
        timeout_ms = timeout_ms or self.timeout_ms
        await self.page.goto(f"{self.url}/{self.url_path}", timeout=timeout_ms)
        await wait_main_output(self.page, self.url_path, timeout_ms)
        await wait_idle(self.page, timeout_ms)

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()

    async def interact(self) -> float:
        ms = await self._interact()
        if errors := await page_errors(self.page):
            raise PageError(" | ".join(errors))
        return ms


class BrowserDigits(BrowserSession):
    """Draw a stroke, wait for the prediction; clear, wait for the empty canvas; repeat."""

    url_path = "digits"

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

    async def _interact(self) -> float:
        box = await self._canvas_box()
        digit, strokes = DIGITS[self.round % len(DIGITS)]
        self.round += 1
        points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in strokes]
        mouse = self.page.mouse
        await mouse.move(*points[0])
        await mouse.down()
        for x, y in points[1:]:
            await mouse.move(x, y, steps=4)
        reading, ms = await timed_metric_change(self.page, "Prediction", "—", mouse.up, self.timeout_ms)
        check_digit(digit, reading)
        await self.page.get_by_role("button", name="Clear").click()
        await self.page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stMain\"]') && "
            "[...document.querySelectorAll('[data-testid=\"stMetric\"]')].some(m => m.innerText.includes('Prediction')"
            " && m.innerText.includes('—'))", timeout=self.timeout_ms, polling=50)
        await wait_idle(self.page, self.timeout_ms)
        return ms


class BrowserSentiment(BrowserSession):
    """Type a review (alternately positive and negative), press "Score the review", wait for the new verdict."""

    url_path = "sentiment"

    async def _interact(self) -> float:
        expected, review = REVIEWS[self.round % len(REVIEWS)]
        self.round += 1
        previous = await metric_value(self.page, "Verdict")
        await self.page.get_by_label("Movie review").fill(review)
        button = self.page.get_by_role("button", name="Score the review")
        verdict, ms = await timed_metric_change(self.page, "Verdict", previous, button.click, self.timeout_ms)
        await wait_idle(self.page, self.timeout_ms)
        check_verdict(expected, verdict)
        return ms


# ----------------------------------------------------------------------------- protocol sessions


class ProtocolPage:
    """A page driven over Streamlit's websocket protocol; subclasses say how to interact."""

    url_path = ""

    def __init__(self, url: str, timeout_ms: float):
        self.url, self.timeout = url, timeout_ms / 1000
        self.session, self.round = None, 0

    async def open(self, timeout_ms: float | None = None) -> None:
        await self.reopen(timeout_ms)

    async def reopen(self, timeout_ms: float | None = None) -> None:
        await self.close()
        self.session = ProtocolSession(self.url, self.url_path, self.timeout)
        run = await self.session.open(timeout=timeout_ms / 1000 if timeout_ms else None)
        if run.errors:
            raise PageError(" | ".join(run.errors))

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    async def interact(self) -> float:
        run = await self._interact()
        if run.errors:
            raise PageError(" | ".join(run.errors))
        return run.seconds * 1000


class ProtocolDigits(ProtocolPage):
    """Send a drawn digit as the canvas does (its PNG as a data URL) and read the prediction."""

    url_path = "digits"
    drawings = None

    async def _interact(self):
        if ProtocolDigits.drawings is None:  # drawn once, shared by every session: the client stays cheap
            ProtocolDigits.drawings = [canvas_state(strokes) for _, strokes in DIGITS]
        index = self.round % len(DIGITS)
        self.round += 1
        canvas = self.session.widget("bidi_component", "drawable")
        run = await self.session.interact(json_value(canvas, self.drawings[index]), fragment_id=canvas.fragment_id)
        if not run.errors:
            check_digit(DIGITS[index][0], run.metrics.get("Prediction"))
        return run


class ProtocolSentiment(ProtocolPage):
    """Type a review and press "Score the review", as the browser sends them, and read the verdict."""

    url_path = "sentiment"

    async def _interact(self):
        expected, review = REVIEWS[self.round % len(REVIEWS)]
        self.round += 1
        box, button = self.session.widget("text_area", "Movie review"), self.session.widget("button", "Score the review")
        run = await self.session.interact(text_value(box, review), press(button), fragment_id=button.fragment_id)
        if not run.errors:
            check_verdict(expected, run.metrics.get("Verdict"))
        return run


def canvas_state(strokes: list[tuple[float, float]]) -> str:
    """The canvas component's state after drawing ``strokes``: white on black, 20 px brush, as a PNG data URL."""
    image = Image.new("RGBA", (CANVAS_SIZE, CANVAS_SIZE), (0, 0, 0, 255))
    points = [(x * CANVAS_SIZE, y * CANVAS_SIZE) for x, y in strokes]
    ImageDraw.Draw(image).line(points, fill=(255, 255, 255, 255), width=20, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return json.dumps({"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": data_url}})


def check_digit(digit: int, reading: str | None) -> None:
    if not (reading or "").startswith(f"{digit} "):
        raise WrongResult(f"drew a {digit}, the page read {reading!r}")


def check_verdict(expected: str, verdict: str | None) -> None:
    if verdict != expected:
        raise WrongResult(f"a {expected.lower()} review, the page said {verdict!r}")


SESSIONS = {
    "browser": {"digits": BrowserDigits, "sentiment": BrowserSentiment},
    "protocol": {"digits": ProtocolDigits, "sentiment": ProtocolSentiment},
}


async def interact_once(session, tally: Tally, record: bool) -> bool:
    """One interaction; latency recorded when ``record``; errors always. False when the page needs reloading."""
    try:
        ms = await session.interact()
    except PageError as error:
        tally.error("exception box / error text", str(error))
        return False
    except WrongResult as error:
        tally.error("wrong result", str(error))
        return False
    except (TimeoutError, asyncio.TimeoutError) as error:
        tally.error("timeout", str(error) or type(error).__name__)
        return False
    except Exception as error:  # a Playwright timeout, a closed page or socket: count it, recover, go on
        kind = "timeout" if "Timeout" in type(error).__name__ else "other"
        tally.error(kind, f"{type(error).__name__}: {error}")
        return False
    if record:
        tally.latencies_ms.append(ms)
    return True


async def run_session(session, deadline: float, tally: Tally) -> int:
    done = 0
    while time.perf_counter() < deadline:
        if await interact_once(session, tally, record=True):
            done += 1
        else:  # start from a fresh page after an error, as a user would reload
            try:
                await session.reopen()
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
    timeout_ms = args.timeout * 1000
    print(f"Load test: page '{args.page}', {args.sessions} concurrent {args.client} sessions for {args.seconds:.0f} s, "
          "each repeating the interaction back to back")
    print(f"Machine: {machine_description()}")
    if args.client == "browser":
        print("Note: the one headless Chromium driving all sessions shares these CPUs with the server, so the "
              "latencies below include the browser's own rendering work.")
    async with contextlib.AsyncExitStack() as stack:
        browser = (await stack.enter_async_context(chromium())
                   if args.client == "browser" or args.all_models else None)
        if args.url:
            print(f"Server: {args.url} (given; its memory is not measured)")
            await run(browser, args.url.rstrip("/"), None, args, timeout_ms)
        else:
            server = await stack.enter_async_context(app_server())
            print(f"Server: {server.url} (started by this script, pid {server.process.pid}; log {server.log.name})")
            sampler = MemorySampler(server.process.pid)
            sampler.start()
            try:
                await run(browser, server.url, sampler, args, timeout_ms)
            finally:
                await sampler.stop()
    print(f"Machine load at the end: {machine_load()}")


def new_session(browser, url: str, args, timeout_ms: float):
    kind = SESSIONS[args.client][args.page]
    return kind(browser, url, timeout_ms) if args.client == "browser" else kind(url, timeout_ms)


async def run(browser, url: str, sampler: MemorySampler | None, args, timeout_ms: float) -> None:
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
    sessions = []
    try:
        first = new_session(browser, url, args, timeout_ms)
        sessions.append(first)
        await first.open(max(timeout_ms, OPEN_TIMEOUT_MS))
        await interact_once(first, tally, record=False)  # loads the model into the server if not loaded yet
        after_first = memory()

        opening_gate = asyncio.Semaphore(OPEN_AT_ONCE)

        async def open_one():
            session = new_session(browser, url, args, timeout_ms)
            try:
                async with opening_gate:  # setup, not measured: users arrive over time, not in one burst
                    await session.open(max(timeout_ms, OPEN_TIMEOUT_MS))
                return session
            except Exception as error:
                await session.close()
                tally.error("timeout" if "Timeout" in type(error).__name__ else "other",
                            f"opening the page: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
                return None

        opening = time.perf_counter()
        sessions += [s for s in await asyncio.gather(*(open_one() for _ in range(args.sessions - 1))) if s]
        print(f"Opened {len(sessions)} sessions in {time.perf_counter() - opening:.1f} s; "
              f"load average {machine_load()}")

        cpu_before = tree_cpu_seconds(sampler.pid) if sampler else 0.0
        started = time.perf_counter()
        deadline = started + args.seconds
        done = await asyncio.gather(*(run_session(s, deadline, tally) for s in sessions))
        elapsed = time.perf_counter() - started
        server_cpu = tree_cpu_seconds(sampler.pid) - cpu_before if sampler else None
        after_all = memory()
    finally:
        for session in sessions:
            await session.close()

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
        where = "shown in the page" if args.client == "browser" else "the end of the run that sends it"
        print(f"Interaction to result ({where}): p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
              f"max {max(tally.latencies_ms):.0f} ms over {len(tally.latencies_ms)} interactions "
              f"[target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if p95 <= TARGET_P95_MS else 'NOT met'}]")
    if sampler:
        print(f"Server CPU during the run: {server_cpu:.1f} s in {elapsed:.1f} s ({server_cpu / elapsed:.2f} of "
              f"{os.cpu_count()} cores on average; the rest of the busy time is the client and other processes)")
        growth = (after_all.rss - after_first.rss) / max(1, len(sessions) - 1)
        print(f"Server memory after the first session: {gib(after_first.rss)}; after all {len(sessions)} sessions: "
              f"{gib(after_all.rss)} ({growth / 2**20:+.1f} MiB per extra session; a model loaded per session "
              "would add its full size each time)")
        print(f"Server peak memory: sampled VmRSS peak {gib(sampler.peak_rss)}, VmHWM {gib(after_all.hwm)} "
              f"(server process and children) [target <= {gib(TARGET_MEMORY)}: "
              f"{'met' if after_all.hwm <= TARGET_MEMORY else 'NOT met'}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", choices=["digits", "sentiment"], default="digits")
    parser.add_argument("--client", choices=sorted(SESSIONS), default="protocol",
                        help="Streamlit's websocket protocol (default) or headless Chromium tabs")
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
