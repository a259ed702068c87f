"""Shared fixtures: a running app server and a headless Chromium page for browser tests."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(env: dict[str, str], log_path: Path):
    """Start ``streamlit run app.py`` on a free port of 127.0.0.1; yield its URL; stop it afterwards."""
    port = _free_port()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        raise RuntimeError(f"the app server did not start; see {log_path}")
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


@contextlib.contextmanager
def quick_models(model_dir: Path):
    """Quick-mode models cached in ``model_dir`` while the block runs (for a test module's fixture)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ML_ATLAS_QUICK", "1")
        patch.setenv("ML_ATLAS_MODEL_DIR", str(model_dir))
        yield model_dir


def quick_env(model_dir: Path) -> dict[str, str]:
    """The environment of an app under test: quick models in a private cache."""
    return dict(os.environ, ML_ATLAS_QUICK="1", ML_ATLAS_MODEL_DIR=str(model_dir))


APP_MODELS = ("digits-cnn", "sentiment-best")
"""Trained (as jobs, by the pre-train command) before the browser tests' app starts: the load bench's protocol
client reads the digits and sentiment pages' first run, and it cannot wait for a job panel as a browser does."""


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, job_cluster):
    """The app in quick mode with its own model cache, shared by the browser tests of a run."""
    env = quick_env(tmp_path_factory.mktemp("models"))
    trained = subprocess.run([sys.executable, "-m", "models", "train", *APP_MODELS], cwd=PROJECT_ROOT, env=env,
                             capture_output=True, text=True, timeout=900)
    assert trained.returncode == 0, trained.stdout[-2000:] + trained.stderr[-2000:]
    with running_app(env, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has rendered the page and finished running its script."""
    from bench.browser_session import APP_IDLE_JS

    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(APP_IDLE_JS, timeout=timeout)


def page_has_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]


@pytest.fixture(scope="session", autouse=True)
def job_cluster():
    """One real Dask cluster (scheduler and worker processes on 127.0.0.1) for every test's jobs.

    Pages, the pre-train command and app servers started by tests all find it through
    ML_ATLAS_SCHEDULER, as a deployment would.
    """
    from distributed import Client

    from core.cluster import start_local_cluster

    with pytest.MonkeyPatch.context() as patch:
        cluster = start_local_cluster()
        patch.setenv("ML_ATLAS_SCHEDULER", cluster.scheduler_address)
        with Client(cluster.scheduler_address, set_as_default=False) as client:
            client.wait_for_workers(len(cluster.workers), timeout=120)
        yield cluster
        cluster.close(timeout=30)


def run_until_ready(app, timeout: float = 600):
    """Run an AppTest page, and again each second while it shows a job that has not ended (as the page's
    self-refreshing panel does in a browser); return it once the page ran with every job's result."""
    from components.jobs import WAITING
    from core.jobs import job_board

    app.run()
    deadline = time.time() + timeout
    while WAITING in app.session_state and app.session_state[WAITING]:
        if time.time() > deadline:
            raise TimeoutError(f"jobs {app.session_state[WAITING]} did not end in {timeout} s")
        keys = list(app.session_state[WAITING])
        while any(job_board().status(key).active for key in keys) and time.time() < deadline:
            time.sleep(0.5)
        app.run()
    return app


@pytest.fixture
def http_root(tmp_path):
    """Serve ``tmp_path / 'www'`` on 127.0.0.1; yield (folder, base URL)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
