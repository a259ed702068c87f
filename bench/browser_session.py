"""Shared helpers for the browser benches (``bench.load``, ``bench.app_speed``).

Starting the app server on 127.0.0.1 and always stopping it, reading the memory
of the server and its children from /proc, launching Debian's Chromium through
Playwright's async API, reading what the page shows (metrics, exception boxes),
percentiles and the machine's description.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}

# ----------------------------------------------------------------------------- pure helpers


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def parse_status(text: str) -> dict[str, int]:
    """The memory fields (``VmRSS``, ``VmHWM``, ...) of a /proc/<pid>/status text, in bytes."""
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        parts = value.split()
        if key.startswith("Vm") and len(parts) == 2 and parts[1] == "kB":
            fields[key] = int(parts[0]) * 1024
    return fields


def parent_pid(stat: str) -> int:
    """The parent pid from a /proc/<pid>/stat line (the command name may contain spaces and parentheses)."""
    return int(stat[stat.rindex(")") + 2:].split()[1])


def cpu_ticks(stat: str) -> int:
    """User + system CPU time (clock ticks) from a /proc/<pid>/stat line."""
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def descendants(root: int, parents: dict[int, int]) -> list[int]:
    """``root`` and every process below it, given a pid -> parent pid map."""
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.2f} GiB"


# ----------------------------------------------------------------------------- /proc


def _read(path: str) -> str | None:
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:  # the process ended meanwhile
        return None


def process_tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _read(f"/proc/{entry}/stat")):
            parents[int(entry)] = parent_pid(stat)
    return descendants(root, parents)


@dataclass
class Memory:
    rss: int
    """Resident memory now, summed over the process tree (bytes)."""
    hwm: int
    """Peak resident memory (VmHWM), summed over the process tree (bytes)."""


def tree_memory(root: int) -> Memory:
    rss = hwm = 0
    for pid in process_tree(root):
        fields = parse_status(_read(f"/proc/{pid}/status") or "")
        rss += fields.get("VmRSS", 0)
        hwm += fields.get("VmHWM", 0)
    return Memory(rss, hwm)


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by the process tree (user + system)."""
    ticks = sum(cpu_ticks(stat) for pid in process_tree(root) if (stat := _read(f"/proc/{pid}/stat")))
    return ticks / os.sysconf("SC_CLK_TCK")


class MemorySampler:
    """Samples the server tree's resident memory in the background; keeps the peak of the sum."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid, self.interval, self.peak_rss, self._task = pid, interval, 0, None

    def sample(self) -> Memory:
        memory = tree_memory(self.pid)
        self.peak_rss = max(self.peak_rss, memory.rss)
        return memory

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


def machine_description() -> str:
    """nproc, CPU model, memory and load average, for reading timings in context."""
    model = next((line.split(":", 1)[1].strip() for line in (_read("/proc/cpuinfo") or "").splitlines()
                  if line.startswith("model name")), "unknown CPU")
    total = parse_status((_read("/proc/meminfo") or "").replace("Mem", "VmMem")).get("VmMemTotal", 0)
    return f"{os.cpu_count()} CPUs ({model}), {gib(total)} RAM, load average {machine_load()}"


def machine_load() -> str:
    return " ".join((_read("/proc/loadavg") or "? ? ?").split()[:3]) + " (1/5/15 min)"


# ----------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run app.py`` (or another script) on 127.0.0.1 with this process's environment; always stopped on exit.

    The server runs in its own process group, so stopping it also stops anything it started.
    """

    def __init__(self, script: str | Path = "app.py"):
        self.script = str(script)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="ml-atlas-bench-", suffix=".log", delete=False)
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", self.script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_ROOT, env=dict(os.environ), stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    async def wait_healthy(self, timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server exited (code {self.process.returncode}); log: {self.log.name}")
            try:
                await asyncio.to_thread(urllib.request.urlopen, f"{self.url}/_stcore/health", timeout=2)
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError(f"the app server did not answer within {timeout:.0f} s; log: {self.log.name}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=wait)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "".join(Path(self.log.name).read_text(errors="replace").splitlines(True)[-lines:])


@asynccontextmanager
async def app_server(script: str | Path = "app.py"):
    """A started, healthy app server (of ``script``, run from the project folder with its settings), stopped
    (with its children) however the block ends."""
    server = AppServer(script)
    try:
        server.start()
        await server.wait_healthy()
        yield server
    finally:
        server.stop()


def stop_on_sigterm() -> None:
    """Turn SIGTERM into KeyboardInterrupt so ``finally`` blocks stop the server and browser."""
    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


# ----------------------------------------------------------------------------- the browser


@asynccontextmanager
async def chromium():
    """One headless Debian Chromium (never a downloaded one), closed however the block ends."""
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


APP_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!document.querySelector('[data-testid="stMain"]') && !!app
        && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
"""True once the page is drawn and its script has ended: the app element carries the script's state (``initial``,
``running``, ``notRunning``, ...); a headless page draws no status widget to read it from."""

PAGE_ERRORS_JS = """() => {
    const boxes = [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')];
    return boxes.map(box => box.innerText.trim().slice(0, 300));
}"""

METRIC_VALUE_JS = """(label) => {
    for (const metric of document.querySelectorAll('[data-testid="stMetric"]')) {
        const name = metric.querySelector('[data-testid="stMetricLabel"]');
        const value = metric.querySelector('[data-testid="stMetricValue"]');
        if (name && value && name.innerText.trim() === label) return value.innerText.trim();
    }
    return null;
}"""

WATCH_METRIC_JS = """([label, previous, timeoutMs]) => new Promise((resolve) => {
    // Resolves with the new value of the metric labelled `label` and the milliseconds since
    // window.__benchT0 (set right before the interaction) as soon as the value differs from `previous`.
    const read = """ + METRIC_VALUE_JS + """;
    let observer, poll, timer;
    const check = () => {
        const value = read(label);
        if (value !== null && value !== previous && window.__benchT0 !== undefined) {
            const ms = performance.now() - window.__benchT0;
            observer.disconnect(); clearInterval(poll); clearTimeout(timer);
            resolve({value, ms});
        }
    };
    observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    poll = setInterval(check, 20);
    timer = setTimeout(() => { observer.disconnect(); clearInterval(poll); resolve(null); }, timeoutMs);
})"""


# What counts as each page's main output (by url_path; "" is the home page): the first thing a user
# comes for, as visible text. ("metric", label prefix): a metric with that label shows a value;
# ("chart", None): a plotly chart has drawn; ("table", None): a data frame is shown; ("text", t): t is shown.
MAIN_OUTPUTS: dict[str, tuple[str, str | None]] = {
    "": ("text", "Pre-train every model before users arrive"),  # the last line, after every card's status
    "word_embeddings_map": ("chart", None),  # the word map
    "word_analogies": ("table", None),  # the nearest words
    "digits": ("metric", "Test accuracy"),  # the trained CNN's report next to the canvas
    "sentiment": ("metric", "Test accuracy"),  # the trained LSTM's report under the review box
    "rnn_internals": ("metric", "The error signal is"),
    "forecasting": ("metric", "Forecast at the horizon"),
    "price_elasticity": ("metric", "PED (b)"),
    "covid_mobility": ("chart", None),
    "ensembles": ("metric", "Wines"),  # the data overview; the ensembles run on request
    "recommender": ("metric", "Top pick's predicted rating"),
    "attribution": ("metric", "P(conversion) from (start)"),
    "pos_tagging": ("metric", "Sentence log-likelihood"),  # the typed sentence, tagged and scored
}


def main_output(url_path: str) -> tuple[str, str | None]:
    """The main-output definition of a page; fails loudly for a page nobody defined one for."""
    if url_path not in MAIN_OUTPUTS:
        raise KeyError(f"no main output defined for page '{url_path}': add it to MAIN_OUTPUTS in "
                       "bench/browser_session.py")
    return MAIN_OUTPUTS[url_path]


MAIN_OUTPUT_JS = """([kind, text, timeoutMs]) => new Promise((resolve) => {
    // Resolves with performance.now() (ms since navigation started) when the main output is visible, or null.
    const shown = (el) => { const r = el && el.getBoundingClientRect(); return !!r && r.width > 0 && r.height > 0; };
    const found = () => {
        if (kind === 'metric') {
            return [...document.querySelectorAll('[data-testid="stMetric"]')].some(m => {
                const label = m.querySelector('[data-testid="stMetricLabel"]');
                const value = m.querySelector('[data-testid="stMetricValue"]');
                return shown(m) && label && value && label.innerText.trim().startsWith(text)
                    && value.innerText.trim() !== '';
            });
        }
        if (kind === 'chart') {
            return [...document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg')].some(shown);
        }
        if (kind === 'table') return [...document.querySelectorAll('[data-testid="stDataFrame"]')].some(shown);
        const main = document.querySelector('[data-testid="stMain"]');
        return !!main && main.innerText.includes(text);
    };
    let observer, poll, timer;
    const check = () => {
        if (found()) {
            const ms = performance.now();
            observer.disconnect(); clearInterval(poll); clearTimeout(timer);
            resolve(ms);
        }
    };
    observer = new MutationObserver(check);
    observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true});
    poll = setInterval(check, 20);
    timer = setTimeout(() => { observer.disconnect(); clearInterval(poll); resolve(null); }, timeoutMs);
    check();
})"""


async def wait_main_output(page, url_path: str, timeout_ms: float) -> float:
    """Wait for the page's main output; return the milliseconds from the start of navigation to it."""
    kind, text = main_output(url_path)
    await page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    ms = await page.evaluate(MAIN_OUTPUT_JS, [kind, text or "", timeout_ms])
    if ms is None:
        raise TimeoutError(f"page '{url_path or 'home'}': its main output ({kind} {text or ''}) did not appear "
                           f"within {timeout_ms / 1000:.0f} s")
    return ms


async def wait_idle(page, timeout_ms: float = 120_000) -> None:
    """Wait until Streamlit has rendered the page and its script is not running."""
    await page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    await page.wait_for_function(APP_IDLE_JS, timeout=timeout_ms, polling=50)


async def page_errors(page) -> list[str]:
    """Texts of the exception boxes and st.error messages on the page."""
    return await page.evaluate(PAGE_ERRORS_JS)


async def metric_value(page, label: str) -> str | None:
    return await page.evaluate(METRIC_VALUE_JS, label)


async def timed_metric_change(page, label: str, previous: str | None, act, timeout_ms: float) -> tuple[str, float]:
    """Run ``act()`` (the interaction) and return the metric's new value and the in-page milliseconds to it.

    The clock starts in the page right before the interaction and stops in the page when the
    metric shows a new value: the latency as the user sees it. Raises TimeoutError.
    """
    watch = asyncio.ensure_future(page.evaluate(WATCH_METRIC_JS, [label, previous, timeout_ms]))
    try:
        await page.evaluate("() => { window.__benchT0 = performance.now(); }")
        await act()
        result = await asyncio.wait_for(watch, timeout_ms / 1000 + 10)
    finally:
        if not watch.done():
            watch.cancel()
        await page.evaluate("() => { delete window.__benchT0; }")
    if result is None:
        raise TimeoutError(f"'{label}' did not change from {previous!r} within {timeout_ms / 1000:.0f} s")
    return result["value"], result["ms"]
