"""Trained artifacts in the server's memory: each loaded once per process, shared by every session.

One store replaces the pages' hand-written "load it or train it with a progress bar,
and keep it in a dict" code. It is bounded (the least recently used artifact is
dropped beyond ``CAPACITY``) and locked, so one session's eviction never pulls an
artifact from under another. What is not trained yet is trained as a job on the job
cluster (:mod:`components.jobs`): two sessions, or two replicas, asking for it at once share
one job, and the page shows its state meanwhile.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

import streamlit as st

from components.data_status import load_or_explain
from components.jobs import job_result, stop_waiting, visitor
from core.artifacts import Artifact, InMemoryArtifact
from data.locate import dataset_dir
from models.artifacts import PRETRAINED

_LOGGER = logging.getLogger(__name__)

CAPACITY = 24
"""Artifacts kept in memory at once (models, fitted comparisons, maps); reloaded from the disk cache when dropped."""


class ArtifactStore:
    """A bounded, thread-safe map from artifact key to the loaded artifact."""

    def __init__(self, capacity: int = CAPACITY):
        self.capacity = capacity
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, key: str) -> Any | None:
        """The artifact if it is in memory (marked as just used), else None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def keep(self, key: str, value: Any) -> Any:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return value


def pretrained_keys() -> set[str]:
    """The cache keys of the app's own models (warm-started): their jobs count against no visitor's limit."""
    return {artifact.key for artifact in PRETRAINED}


@st.cache_resource(show_spinner=False)
def artifact_store() -> ArtifactStore:
    """The server process's one store."""
    return ArtifactStore()


def in_memory(artifact: Artifact | InMemoryArtifact) -> Any | None:
    """The artifact if this server process holds it already, else None (nothing is loaded or trained)."""
    return artifact_store().cached(artifact.key)


def loaded(artifact: Artifact | InMemoryArtifact, heading: str | None = None, done: str = "Model ready") -> Any:
    """The artifact from memory, from the model cache, or from a job that computes it.

    The job's progress is drawn under ``heading``; with no heading a short fit shows only
    the caller's own spinner. Before a job is submitted, the data sets it reads are checked,
    so a missing one is explained on the page (with how to get it) instead of failing in the job.
    While a training runs, the page stops here after showing its state, and runs again when it ends.
    """
    store = artifact_store()
    key = artifact.key
    value = store.cached(key)
    if value is None and artifact.is_trained():
        with st.spinner("Loading the model…"):  # a Keras model takes seconds to read and verify
            value = warmed(artifact, store.keep(key, artifact.load()))
    if value is not None:
        stop_waiting(key)
        return value
    for dataset in getattr(artifact, "data", ()):
        load_or_explain(dataset_dir, dataset)
    owner = "" if artifact.key in pretrained_keys() else visitor()  # the app's own models count for no visitor
    value = job_result(artifact.job(owner=owner), heading, done)
    if isinstance(artifact, Artifact):
        return warmed(artifact, store.keep(key, artifact.load()))
    return store.keep(key, value)


def warmed(artifact: Artifact, value: Any) -> Any:
    """``value``, with the artifact's warm-up started on a background thread (once per load, so once per process
    and artifact): the first visitor's request then finds what it runs through ready."""
    if artifact.warm_up:
        threading.Thread(target=_warm, args=(artifact, value), name=f"warm-up {artifact.name}", daemon=True).start()
    return value


def _warm(artifact: Artifact, value: Any) -> None:
    try:
        artifact.warm(value)
    except Exception:  # a warm-up only saves time: a failure leaves the first request to do the work
        _LOGGER.exception("Warming up %s failed", artifact.name)
