"""Jobs on a page: submit the visitor's request, follow it, and show its state until the result is there.

A short fit is followed in place for up to ``FOLLOW_SECONDS`` (a spinner or progress bar, as
before jobs). A training, or a fit that takes longer, is shown as a panel that refreshes
itself every second (queued with its place, running with fraction, message and time left,
failed with the reason and a button to try again), the page stops below it, and when the job
ends the page runs again and shows the result. Leaving or changing a widget does not stop a job.
"""
from __future__ import annotations

import time
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.feedback import errors_reported
from components.progress import StreamlitProgress
from core.errors import InputError
from core.jobs import Job, JobBoard, JobFailed, JobStatus, duration, job_board

FOLLOW_SECONDS = {"training": 0.0, "fit": 30.0}
"""How long a page waits in place for a job of each kind before it shows the panel instead."""
WAITING = "jobs_waiting"
"""Session state: keys of the jobs this session's page is waiting for (tests rerun until it is empty)."""


def visitor() -> str:
    """This visitor's id (their Streamlit session), the owner of the jobs they ask for."""
    context = get_script_run_ctx()
    return context.session_id if context is not None else ""


def board_or_explain() -> JobBoard:
    """The job board; if the scheduler cannot be reached, say so and stop the page."""
    try:
        return job_board()
    except JobFailed as error:
        st.error(f"Models cannot be trained right now: {error}", icon=":material/cloud_off:")
        st.stop()


def job_result(job: Job, heading: str | None = None, done: str = "Done") -> Any:
    """The job's result: submitted (or joined, if someone asked already), followed, returned when it ends."""
    board = board_or_explain()
    try:
        board.submit(job)
    except InputError as error:
        st.warning(str(error), icon=":material/hourglass_top:")
        st.stop()
    _follow_in_place(board, job, heading, done)
    if not board.done(job.key):
        _wait_for(job.key)
        job_panel(job.key, heading or job.description)
        st.stop()
    try:
        value = board.result(job.key)
    except InputError:  # shown by the page like any bad input; asking again with other input runs afresh
        board.forget(job.key)
        stop_waiting(job.key)
        raise
    except JobFailed as error:
        _failed(board, job.key, heading or job.description, str(error))
        st.stop()
    board.forget(job.key)
    stop_waiting(job.key)
    return value


def _follow_in_place(board: JobBoard, job: Job, heading: str | None, done: str) -> None:
    deadline = time.monotonic() + FOLLOW_SECONDS[job.kind.name]
    if board.done(job.key) or time.monotonic() >= deadline:
        return
    progress = StreamlitProgress(heading) if heading else None
    beat = None if heading else st.empty()
    while not board.done(job.key) and time.monotonic() < deadline:
        # Each message to the browser is where Streamlit sees that a widget changed and reruns the page (the job
        # goes on); a fit followed without a progress bar sends an empty element instead.
        if progress is not None:
            status = board.status(job.key)
            progress.update(status.fraction, _line(status))
        else:
            beat.empty()
        time.sleep(0.25)
    if progress is not None:
        progress.done(done if board.done(job.key) else "Still running: see below")


@st.fragment(run_every=1.0)
@errors_reported
def job_panel(key: str, heading: str) -> None:
    """A job's state, refreshed every second; when it ends, the whole page runs again to show the result."""
    status = board_or_explain().status(key)
    if not status.active and key in st.session_state.get(WAITING, ()):
        st.rerun()
    with st.container(border=True):
        st.markdown(f"**{heading}**")
        if status.state == "queued":
            st.info(f"Queued: number {status.position} in line for a worker. It starts on its own; "
                    "you can leave or change the settings, it goes on.", icon=":material/schedule:")
        else:
            st.progress(status.fraction, text=_line(status))
            st.caption("Training runs on the job cluster, not in your browser tab: you can leave this page or "
                       "change settings, and it goes on. This page shows the result when it is ready.")


def _line(status: JobStatus) -> str:
    if status.state == "queued":
        return f"queued, number {status.position} in line"
    left = f", about {duration(status.remaining)} left" if status.remaining is not None else ""
    return f"{status.message} ({duration(status.elapsed)} so far{left})"


def _failed(board: JobBoard, key: str, heading: str, reason: str) -> None:
    stop_waiting(key)
    st.error(f"**{heading}** did not finish: {reason}", icon=":material/error:")
    if st.button("Try again", key=f"retry-{key}"):
        board.forget(key)
        st.rerun()


def _wait_for(key: str) -> None:
    waiting = set(st.session_state.get(WAITING, ()))
    st.session_state[WAITING] = sorted(waiting | {key})


def stop_waiting(key: str) -> None:
    """The page has the job's result (or its model, from the cache): it waits for the job no longer."""
    waiting = st.session_state.get(WAITING, ())
    if key in waiting:
        st.session_state[WAITING] = [k for k in waiting if k != key]
