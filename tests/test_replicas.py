"""Two Streamlit replicas behind nginx (``scripts/serve-cluster 2``): sessions stick to a replica and both work.

The cluster script runs in quick mode with a private model cache and the session's job cluster
(``ML_ATLAS_SCHEDULER``, set by the ``job_cluster`` fixture, passes through), so it starts only the
replicas and nginx. Browser contexts are separate sessions: each gets its replica's cookie on its
first response, and every later response of that session must come from the same replica.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT, _free_port, page_has_no_exception, wait_for_app
from models.sentiment.artifacts import TITLES
from test_digits_page import prediction_text, settled_canvas, stroke

READY = "ML Atlas is ready:"
START_TIMEOUT = 300.0
MODEL_TIMEOUT_MS = 300_000  # quick models train on first open (tens of seconds; more on a busy machine)
POSITIVE = "A wonderful film: moving, funny and beautifully acted. I loved it."
ONE = [(150, 50), (148, 120), (145, 230)]  # a "1", as the digits page test draws it


def _group_members(pgid: int) -> list[str]:
    """The processes of process group ``pgid`` still alive (pid and command line)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                members.append(f"{entry.name}: {cmdline.strip()}")
        except (OSError, ValueError):
            continue
    return members


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the script's process group (the script's trap stops what it started), SIGKILL on a hang."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    deadline = time.time() + 30
    while _group_members(process.pid) and time.time() < deadline:
        time.sleep(0.5)


@pytest.fixture(scope="module")
def served(job_cluster, tmp_path_factory):
    """``scripts/serve-cluster 2`` on a free port; yields (url, log path); stops it and checks nothing is left."""
    folder = tmp_path_factory.mktemp("serve-cluster")
    port = _free_port()
    env = dict(os.environ, ML_ATLAS_QUICK="1", ML_ATLAS_MODEL_DIR=str(folder / "models"))
    assert env.get("ML_ATLAS_SCHEDULER"), "the job_cluster fixture sets ML_ATLAS_SCHEDULER"
    # The models the sessions use are trained first (as jobs), so the test is about the proxy and the replicas:
    # behind earlier tests' trainings on the one training worker, a page's own job could outlast its timeouts.
    trained = subprocess.run([sys.executable, "-m", "models", "train", "digits-cnn", "sentiment-baseline"],
                             cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert trained.returncode == 0, trained.stdout[-2000:] + trained.stderr[-2000:]
    log_path = folder / "serve-cluster.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(["bash", "scripts/serve-cluster", "2", "--port", str(port)], cwd=PROJECT_ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + START_TIMEOUT
        while READY not in log_path.read_text():
            if process.poll() is not None or time.time() > deadline:
                pytest.fail(f"serve-cluster did not get ready:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        url = f"http://127.0.0.1:{port}"
        assert urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).read() == b"ok"
        yield url, log_path
    finally:
        _stop(process)
    output = log_path.read_text()
    assert not _group_members(process.pid), f"processes left running: {_group_members(process.pid)}"
    assert "Stopped. Logs:" in output, f"serve-cluster did not stop by its own trap:\n{output[-3000:]}"
    assert "Job cluster: using ML_ATLAS_SCHEDULER" in output, output[-3000:]
    replica_ports = re.search(r"ports ([\d ]+) \(logs", output).group(1).split()
    for used in [port, *map(int, replica_ports)]:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{used}/_stcore/health", timeout=2)
            pytest.fail(f"port {used} still answers after serve-cluster stopped")
        except OSError:
            pass


def sessions_on_two_replicas(browser, url: str, tries: int = 16):
    """Fresh browser contexts (sessions) until two were pinned to different replicas: {upstream: context}."""
    pinned, opened = {}, []
    for _ in range(tries):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        opened.append(context)
        response = context.request.get(f"{url}/_stcore/health")
        assert response.ok
        upstream = response.headers["x-atlas-upstream"]
        cookie = {c["name"]: c["value"] for c in context.cookies()}.get("atlas_replica")
        assert cookie, "nginx sets the replica cookie on the first response"
        if upstream not in pinned:
            pinned[upstream] = context
        if len(pinned) == 2:
            break
    for context in opened:
        if context not in pinned.values():
            context.close()
    assert len(pinned) == 2, f"{tries} fresh sessions all went to {list(pinned)}"
    return pinned


def watch_upstreams(page, url: str) -> set[str]:
    """The replicas that answered this page's requests to ``url``, filled in as responses arrive."""
    seen: set[str] = set()

    def record(response):
        if response.url.startswith(url) and (upstream := response.headers.get("x-atlas-upstream")):
            seen.add(upstream)

    page.on("response", record)
    return seen


def draw_a_one(page, url: str, screenshot: Path | None = None) -> None:
    page.goto(f"{url}/digits")
    page.locator("canvas.upper-canvas").first.wait_for(timeout=MODEL_TIMEOUT_MS)  # after the job panel, if training
    wait_for_app(page, timeout=MODEL_TIMEOUT_MS)
    canvas = settled_canvas(page)
    assert prediction_text(page) == "—"
    stroke(page, canvas, ONE)
    page.get_by_text("Probabilities:").wait_for(timeout=60_000)
    wait_for_app(page)
    reading = prediction_text(page)
    assert reading.startswith("1"), f"drew a 1, the page read {reading!r}"
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    page_has_no_exception(page)


def score_a_positive_review(page, url: str) -> None:
    """Score a clearly positive review with the TF-IDF baseline: the quick LSTMs (a few epochs on 2,000
    reviews) score every review near 50%, the quick baseline reads this one right."""
    page.goto(f"{url}/sentiment")
    wait_for_app(page, timeout=MODEL_TIMEOUT_MS)
    page.get_by_text(TITLES["baseline"]).click()
    wait_for_app(page, timeout=MODEL_TIMEOUT_MS)
    review = page.get_by_label("Movie review")
    review.wait_for(timeout=MODEL_TIMEOUT_MS)  # drawn once the quick model has trained
    review.fill(POSITIVE)
    page.get_by_role("button", name="Score the review").click()
    verdict = page.get_by_test_id("stMetric").filter(has_text="Verdict")
    verdict.wait_for(timeout=60_000)
    assert re.search(r"Verdict\s*Positive", verdict.inner_text()), verdict.inner_text()
    page_has_no_exception(page)


@pytest.mark.browser
def test_sessions_on_two_replicas_draw_digits_and_score_reviews(served, browser, tmp_path):
    url, log_path = served
    pinned = sessions_on_two_replicas(browser, url)
    try:
        for n, (upstream, context) in enumerate(sorted(pinned.items())):
            page = context.new_page()
            seen = watch_upstreams(page, url)
            if n == 0:  # the first session trains the quick models (once, for both replicas) on first open
                draw_a_one(page, url, screenshot=tmp_path / "digits-through-nginx.png")
                score_a_positive_review(page, url)
            else:
                score_a_positive_review(page, url)
                draw_a_one(page, url)
            assert seen == {upstream}, f"a session pinned to {upstream} was served by {seen}"
            page.close()
    finally:
        for context in pinned.values():
            context.close()
    print(f"screenshot: {tmp_path / 'digits-through-nginx.png'}; serve-cluster log: {log_path}")


def _answers(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def test_a_sigkill_of_the_script_leaves_no_replica_or_nginx_running(job_cluster, tmp_path):
    port = _free_port()
    env = dict(os.environ, ML_ATLAS_QUICK="1", ML_ATLAS_MODEL_DIR=str(tmp_path / "models"))
    log_path = tmp_path / "serve-cluster.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(["bash", "scripts/serve-cluster", "1", "--port", str(port)], cwd=PROJECT_ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + START_TIMEOUT
        while READY not in log_path.read_text():
            if process.poll() is not None or time.time() > deadline:
                pytest.fail(f"serve-cluster did not get ready:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        replica = int(re.search(r"ports ([\d ]+) \(logs", log_path.read_text()).group(1).split()[0])
        assert _answers(port) and _answers(replica)
        process.kill()  # the script alone, outright: no trap runs
        process.wait(timeout=10)
        deadline = time.time() + 60
        while (_answers(port) or _answers(replica)) and time.time() < deadline:
            time.sleep(0.5)
        assert not _answers(port), "nginx still answers after its script was killed"
        assert not _answers(replica), "the replica still answers after its script was killed"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
