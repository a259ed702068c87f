"""Downloads the COVID-19 page offers: Google's complete mobility report and OxCGRT's policy indicators, each run
as a job on the job cluster (one job per data set, shared by every session), with its progress on the page.

An offer is drawn where the page needs the data (:func:`offer`); the job is followed at the very end of the page
(:meth:`Offer.follow`), so a download of an hour never holds up the charts drawn meanwhile.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import streamlit as st

from components.jobs import WAITING, job_result, stop_waiting
from core.jobs import FIT, Job, job_board
from core.progress import TrainingProgress
from data.covid import download_full_mobility, full_mobility_available
from data.oxcgrt_indicators import download_indicators, indicators_available
from data.locate import Progress

DOWNLOAD_TIME_LIMIT = 3600.0
"""A download job may run an hour (about 1 GB at 0.3 MB/s), then it is stopped."""


def megabytes(progress: TrainingProgress) -> Progress:
    """A download's progress (bytes done, bytes in all) as a job's: the fraction and "312 of 1,100 MB"."""

    def report(done: int, total: int | None, what: str) -> None:
        of = f" of {total / 1e6:,.0f}" if total else ""
        progress.update(done / total if total else 0.0, f"{done / 1e6:,.0f}{of} MB")

    return report


@dataclass(frozen=True)
class DataDownload:
    """A data set the page can fetch on demand: its job's key, the button's words, and the data layer's calls."""

    key: str
    button: str
    heading: str
    download: Callable[..., object]
    available: Callable[[], bool]

    def job(self) -> Job:
        return Job(self.key, self.heading, partial(_fetch, self.download), kind=FIT, time_limit=DOWNLOAD_TIME_LIMIT)


def _fetch(download: Callable[..., object], progress: TrainingProgress) -> None:
    download(progress=megabytes(progress))


FULL_MOBILITY = DataDownload("data:google-mobility", "Download Google's complete report (about 1 GB)",
                             "Downloading Google's complete mobility report", download_full_mobility,
                             full_mobility_available)
INDICATORS = DataDownload("data:oxcgrt-indicators", "Download OxCGRT's policy indicators",
                          "Downloading OxCGRT's policy indicators", download_indicators, indicators_available)


@dataclass
class Offer:
    """An offer drawn on the page (``slot`` None: the data was there already); :meth:`follow` it at the end."""

    download: DataDownload
    slot: object = None
    pressed: bool = False

    def follow(self) -> None:
        """Follow the download if it was asked for here or elsewhere (it runs for every session); once it is done,
        run the page again with the new data."""
        key = self.download.key
        waiting = key in st.session_state.get(WAITING, ())
        if self.slot is None:
            if waiting:  # the download this session followed ended before this run: the page uses its data already
                job_board().forget(key)
                stop_waiting(key)
            return
        if not (self.pressed or waiting or job_board().status(key).active):
            return
        with self.slot.container():
            job_result(self.download.job(), self.download.heading, "Downloaded")
            if not self.download.available():
                st.error("The download ended, but its data is not where the page looks for it; see the server's log.")
                return
        st.rerun()


def offer(download: DataDownload, why: str) -> Offer:
    """Unless the data set is there: say why the page would use it, with a button that downloads it (replaced by
    the download's progress while it runs)."""
    if download.available():
        return Offer(download)
    slot = st.empty()
    with slot.container():
        st.info(why, icon=":material/download:")
        pressed = st.button(download.button, key=download.key, type="primary")
    return Offer(download, slot, pressed)
