"""Jobs on a real Dask cluster (the session's scheduler and worker processes on 127.0.0.1): shared, visible, limited."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from distributed import Client, Future
from streamlit.testing.v1 import AppTest

from conftest import PROJECT_ROOT, _free_port, run_until_ready
from core.cache import ArtifactSpec, ModelCache
from core.jobs import FIT, TRAINING, Job, JobBoard, JobFailed, job_board, run_side_by_side, task_key
from models.rnn import long_memory

# --- job functions (run on the workers) ---


def _power(base: int, exponent: int) -> int:
    return base ** exponent


def _pid(_: int) -> int:
    return os.getpid()


def _counted_slow_job(counter: str, seconds: float):
    def compute(progress):
        with open(counter, "a") as handle:
            handle.write("started\n")
        steps = 10
        for step in range(steps):
            progress.update(step / steps, f"step {step + 1} of {steps}")
            time.sleep(seconds / steps)
        return "trained once"
    return compute


def _until_stopped(progress):
    while True:
        progress.update(0.5, "working")
        time.sleep(0.1)


def _refuses_the_input(progress):
    from core.errors import InputError
    raise InputError("The column 'sales' has no numbers: choose another column.")


def _silent_forever(progress):
    time.sleep(600)


def _training_that_kills_its_worker(root: str, marker: str, always: bool):
    def compute(progress):
        def train(folder: Path, progress) -> None:
            (folder / "weights.part").write_bytes(b"half a model")
            if always or not Path(marker).exists():
                Path(marker).touch()
                os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-training (out of memory, say)
            (folder / "weights.bin").write_bytes(b"a whole model")

        cache = ModelCache(Path(root))
        return cache.get_or_train(ArtifactSpec("killed", {"always": always}), train, lambda f: sorted(
            p.name for p in f.iterdir()))
    return compute


def _wait(board: JobBoard, key: str, timeout: float = 120):
    deadline = time.time() + timeout
    while not board.done(key) and time.time() < deadline:
        time.sleep(0.2)


# --- side by side ---


def test_side_by_side_results_come_back_in_call_order_from_worker_processes():
    assert run_side_by_side(_power, [(2, 10), (3, 3), (5, 0), (7, 2)]) == [1024, 27, 1, 49]
    assert all(pid != os.getpid() for pid in run_side_by_side(_pid, [(i,) for i in range(3)]))


def test_the_race_is_the_same_on_the_cluster_as_one_after_another(monkeypatch):
    options = {"hidden_size": 6, "train_size": 256, "test_size": 64, "updates": 25}
    on_cluster = long_memory.race([5, 12], **options)
    monkeypatch.setattr(long_memory, "run_side_by_side", lambda f, calls: [f(*arguments) for arguments in calls])
    in_process = long_memory.race([5, 12], **options)
    columns = ["T", "network", "accuracy", "updates"]
    assert on_cluster[columns].equals(in_process[columns])


# --- one job per key, visible to every replica ---


def test_two_replicas_asking_for_the_same_job_share_one_run_and_see_its_progress(tmp_path, job_cluster):
    counter = tmp_path / "runs"
    job = Job("shared-job-1", "a shared training", _counted_slow_job(str(counter), 3.0), TRAINING)
    first = JobBoard(Client(job_cluster.scheduler_address, set_as_default=False))
    second = JobBoard(Client(job_cluster.scheduler_address, set_as_default=False))
    first.submit(job)
    deadline = time.time() + 60
    while first.status(job.key).fraction < 0.2 and time.time() < deadline:
        time.sleep(0.1)
    second.submit(job)  # the second replica asks while the first one's job runs
    seen = second.status(job.key)
    assert seen.state == "running" and seen.fraction >= 0.2 and seen.message.startswith("step")
    assert seen.remaining is not None
    assert first.result(job.key, timeout=60) == second.result(job.key, timeout=60) == "trained once"
    assert counter.read_text().count("started") == 1
    first.client.close()
    second.client.close()


def test_a_queued_job_knows_its_place_in_line(tmp_path):
    board = job_board()
    blocker = Job("queue-blocker", "a long training", _counted_slow_job(str(tmp_path / "a"), 4.0), TRAINING)
    waiting = Job("queue-waiting", "the next training", _counted_slow_job(str(tmp_path / "b"), 0.5), TRAINING)
    board.submit(blocker)
    deadline = time.time() + 60
    while board.status(blocker.key).state != "running" and time.time() < deadline:
        time.sleep(0.1)
    board.submit(waiting)
    status = board.status(waiting.key)
    assert status.state == "queued" and status.position == 1
    assert board.result(waiting.key, timeout=120) == "trained once"


def test_a_visitor_has_a_bounded_number_of_jobs(tmp_path):
    from core.jobs import MAX_JOBS_PER_VISITOR, TooManyJobs

    board = job_board()
    jobs = [Job(f"visitor-job-{i}", f"upload {i}", _counted_slow_job(str(tmp_path / str(i)), 2.0), FIT,
                owner="visitor-a") for i in range(MAX_JOBS_PER_VISITOR + 1)]
    for job in jobs[:-1]:
        board.submit(job)
    with pytest.raises(TooManyJobs, match="wait for one of them"):
        board.submit(jobs[-1])
    board.submit(Job("visitor-b-job", "another visitor's", _counted_slow_job(str(tmp_path / "b"), 0.1), FIT,
                     owner="visitor-b"))  # others are not held up
    for job in jobs[:-1]:
        board.result(job.key, timeout=120)


def test_bad_input_found_inside_a_job_comes_back_as_bad_input_not_as_a_failed_job():
    from core.errors import InputError
    board = job_board()
    board.submit(Job("refused-input", "a fit of an unusable upload", _refuses_the_input, FIT))
    with pytest.raises(InputError, match="has no numbers") as raised:
        board.result("refused-input", timeout=60)
    assert not isinstance(raised.value, JobFailed)
    status = board.status("refused-input")
    assert status.state == "failed" and status.reason == "The column 'sales' has no numbers: choose another column."


def test_a_page_shows_bad_input_found_by_its_job_as_a_message_and_can_ask_again(tmp_path):
    script = tmp_path / "refused_fit_page.py"
    script.write_text(
        "from components.feedback import explain_input_errors\n"
        "from components.jobs import WAITING, job_result\n"
        "from core.jobs import Job\n"
        "from test_jobs import _refuses_the_input\n"
        "with explain_input_errors():\n"
        "    job_result(Job('refused-on-a-page', 'a fit of an unusable upload', _refuses_the_input))\n"
    )
    app = run_until_ready(AppTest.from_file(str(script), default_timeout=60).run())
    assert not app.exception
    assert [e.value for e in app.error] == ["The column 'sales' has no numbers: choose another column."]
    assert not app.button  # no "Try again" of a failed job: the visitor changes the input
    assert not job_board().done("refused-on-a-page")  # forgotten: the next request runs afresh


# --- limits ---


def test_a_job_past_its_time_limit_is_stopped_with_the_message():
    board = job_board()
    board.submit(Job("over-time", "a fit that never ends", _until_stopped, FIT, time_limit=1.0))
    with pytest.raises(JobFailed, match="time limit of 1 s"):
        board.result("over-time", timeout=60)
    assert board.status("over-time").state == "failed"


def test_a_job_that_stops_reporting_past_its_limit_has_its_worker_stopped():
    board = job_board()
    board.submit(Job("silent-over-time", "a fit that reports nothing", _silent_forever, FIT, time_limit=1.0))
    with pytest.raises(JobFailed, match="time limit"):
        board.result("silent-over-time", timeout=120)  # the watchdog ends the worker; the retry is refused


def test_a_worker_killed_mid_training_leaves_no_partial_artifact_and_the_retry_finishes(tmp_path):
    board = job_board()
    job = Job("killed-once", "a training whose worker dies", _training_that_kills_its_worker(
        str(tmp_path / "cache"), str(tmp_path / "died"), always=False), TRAINING)
    board.submit(job)
    assert board.result(job.key, timeout=180) == ["MANIFEST.json", "weights.bin", "weights.part"]
    assert board.status(job.key).attempts == 2
    assert not list((tmp_path / "cache").glob(".tmp-*")), "the dead attempt's staging folder was cleared"


def test_a_worker_that_dies_twice_is_reported_and_the_cache_holds_nothing(tmp_path):
    board = job_board()
    job = Job("killed-always", "a training whose worker always dies", _training_that_kills_its_worker(
        str(tmp_path / "cache"), str(tmp_path / "died"), always=True), TRAINING)
    board.submit(job)
    with pytest.raises(JobFailed, match="worker process died twice"):
        board.result(job.key, timeout=180)
    cache = tmp_path / "cache"
    assert not ModelCache(cache).has(ArtifactSpec("killed", {"always": True}))
    assert [p.name for p in cache.iterdir() if not p.name.startswith(".")] == []


def test_a_worker_that_dies_does_not_run_again_the_jobs_that_had_finished_on_it(tmp_path):
    board = job_board()
    counter = tmp_path / "runs"
    finished = Job("finished-before-a-death", "a training that ended", _counted_slow_job(str(counter), 0.1), TRAINING)
    board.submit(finished)
    assert board.result(finished.key, timeout=120) == "trained once"
    dying = Job("dies-after-another-ended", "a training whose worker dies", _training_that_kills_its_worker(
        str(tmp_path / "cache"), str(tmp_path / "died"), always=False), TRAINING)
    board.submit(dying)
    board.result(dying.key, timeout=180)
    deadline = time.time() + 60
    while any(board.client.processing().values()) and time.time() < deadline:
        time.sleep(0.5)  # anything Dask would run again after the death has been given time to run
    assert counter.read_text().count("started") == 1
    assert board.result(finished.key, timeout=1) == "trained once"  # the result is kept, here, not on the worker


def test_a_job_cancelled_on_the_cluster_is_reported_not_waited_for_forever(job_cluster):
    board = job_board()
    board.submit(Job("cancelled-elsewhere", "a fit cancelled on the cluster", _until_stopped, FIT, time_limit=5.0))
    with Client(job_cluster.scheduler_address, set_as_default=False) as other:
        other.cancel([Future(task_key("cancelled-elsewhere"), other)], force=True)
    with pytest.raises(JobFailed, match="cancelled on the job cluster"):
        board.result("cancelled-elsewhere", timeout=30)
    assert board.status("cancelled-elsewhere").state == "failed"


# --- pages ---


def test_a_page_renders_around_a_training_and_a_widget_change_does_not_restart_it(monkeypatch, tmp_path):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))
    from components.jobs import WAITING

    first = AppTest.from_file(str(PROJECT_ROOT / "pages" / "sentiment.py"), default_timeout=120).run()
    assert not first.exception
    assert first.title[0].value == "Review sentiment with an LSTM"
    assert first.radio[0].label == "Model"  # the page's inputs are there while the model trains
    [key] = first.session_state[WAITING]
    started = job_board().status(key)
    assert started.active
    first.toggle[0].set_value(True).run()  # a widget change during the training
    second = AppTest.from_file(str(PROJECT_ROOT / "pages" / "sentiment.py"), default_timeout=120).run()
    assert list(second.session_state[WAITING]) == [key]  # a second session joins the same job
    run_until_ready(first)
    assert job_board().status(key).attempts == 1
    assert not first.exception
    assert "Test accuracy" in {m.label for m in first.metric}  # the model's report, once it is trained


# --- the dask command-line cluster ---


def test_dask_scheduler_and_worker_commands_run_the_pre_train_command(tmp_path):
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    environment = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), ML_ATLAS_QUICK="1",
                       ML_ATLAS_MODEL_DIR=str(tmp_path / "models"), ML_ATLAS_SCHEDULER=f"tcp://127.0.0.1:{port}",
                       DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")
    address = f"tcp://127.0.0.1:{port}"
    processes = [subprocess.Popen([bin_dir / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], env=environment, stderr=subprocess.DEVNULL)]
    try:
        for resource in ("training=1", "fit=1"):
            processes.append(subprocess.Popen(
                [bin_dir / "dask", "worker", address, "--nthreads", "1", "--resources", resource,
                 "--memory-limit", "4GiB", "--no-dashboard"], env=environment, cwd=PROJECT_ROOT,
                stderr=subprocess.DEVNULL))
        trained = subprocess.run([sys.executable, "-m", "models", "train", "recommender-comparison"], env=environment,
                                 cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        assert trained.returncode == 0, trained.stdout + trained.stderr
        assert "recommender-comparison: ready" in trained.stdout
        listed = subprocess.run([sys.executable, "-m", "models", "list"], env=environment, cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=120)
        assert any(line.startswith("recommender-comparison") and " trained " in line
                   for line in listed.stdout.splitlines())
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)


def test_home_cards_say_how_far_each_missing_model_has_got(monkeypatch, tmp_path):
    from components.catalog import PAGES, job_note
    from core.jobs import JobStatus

    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path))  # nothing trained here

    assert job_note(JobStatus("k", "running", fraction=0.4, remaining=180)) == "training 40%, about 3 min left"
    assert job_note(JobStatus("k", "queued", position=2)) == "queued (2 in line)"
    assert job_note(JobStatus("k", "unknown")) == ""
    digits = next(card for card in PAGES if card.models == ("digits-cnn",))
    assert digits.training_status() == "not trained yet"
    assert digits.training_status(lambda key: JobStatus(key, "queued", position=1)) == \
        "not trained yet; queued (1 in line)"


def _page_following_a_slow_fit_without_a_heading() -> None:
    """A page that follows a 60-second fit in place with no progress bar; on its first run, once the fit runs,
    another thread asks for a rerun, as a widget change does."""
    import threading
    import time as clock

    import streamlit as st
    from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx

    from components.jobs import job_result
    from core.jobs import FIT, Job, job_board

    def slow_fit(progress):
        clock.sleep(60)
        return "fitted"

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if st.session_state["runs"] == 1:
        requests = get_script_run_ctx().script_requests

        def change_a_widget_once_the_fit_runs():
            while job_board().status("slow-fit-without-heading").state != "running":
                clock.sleep(0.1)
            clock.sleep(2.0)  # the page is in its loop, following the fit
            requests.request_rerun(RerunData())

        threading.Thread(target=change_a_widget_once_the_fit_runs, daemon=True).start()
        job_result(Job("slow-fit-without-heading", "a slow fit", slow_fit, FIT))
    st.write("second run" if st.session_state["runs"] > 1 else "first run went on")


def test_a_widget_change_reruns_a_page_following_a_fit_without_a_progress_bar(monkeypatch):
    from components.jobs import FOLLOW_SECONDS

    monkeypatch.setitem(FOLLOW_SECONDS, "fit", 600.0)  # the page would follow the fit to its end
    app = AppTest.from_function(_page_following_a_slow_fit_without_a_heading, default_timeout=120).run()
    assert not app.exception
    assert app.session_state["runs"] == 2 and app.markdown[0].value == "second run"
    assert job_board().status("slow-fit-without-heading").active  # rerun before the fit ended; the fit goes on
    job_board().forget("slow-fit-without-heading")
