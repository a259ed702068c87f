"""Settings read from the environment: where caches live, quick mode, offline mode.

Every ``ML_ATLAS_*`` variable is read here and nowhere else.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR_VARIABLE = "ML_ATLAS_CACHE_DIR"
MODEL_DIR_VARIABLE = "ML_ATLAS_MODEL_DIR"
DATA_DIR_VARIABLE = "ML_ATLAS_DATA_DIR"
QUICK_VARIABLE = "ML_ATLAS_QUICK"
OFFLINE_VARIABLE = "ML_ATLAS_OFFLINE"
SCHEDULER_VARIABLE = "ML_ATLAS_SCHEDULER"
TRAINING_SLOTS_VARIABLE = "ML_ATLAS_TRAINING_SLOTS"
FIT_WORKERS_VARIABLE = "ML_ATLAS_FIT_WORKERS"
TRAINING_MEMORY_VARIABLE = "ML_ATLAS_TRAINING_MEMORY"
FIT_MEMORY_VARIABLE = "ML_ATLAS_FIT_MEMORY"
TRAINING_THREADS_VARIABLE = "ML_ATLAS_TRAINING_THREADS"
FIT_CACHE_VARIABLE = "ML_ATLAS_FIT_CACHE_MB"
LOCK_WAIT_VARIABLE = "ML_ATLAS_LOCK_WAIT"
FIT_CACHE_MB = 2048
"""Default disk budget of the results of a page's settings in the model cache (MB).

Such a result is small (a comparison's or grid search's JSON: kilobytes; a Prophet fit: under a
megabyte; a word map: a few megabytes; a word2vec model of an upload: tens of megabytes), so
2 GB keeps thousands of recent combinations, and still fits beside the pre-trained models on a
small server's disk.
"""
_TRUE = ("1", "true", "yes")


def quick_mode() -> bool:
    """Whether models should use their small, fast training configurations.

    Set ``ML_ATLAS_QUICK=1`` for tests and CI: models then train on subsets in
    seconds. The configuration is part of the cache key, so quick and full
    models never mix. The app says so on every page when it is on.
    """
    return os.environ.get(QUICK_VARIABLE, "") in _TRUE


def offline() -> bool:
    """Whether downloads are skipped (``ML_ATLAS_OFFLINE=1``)."""
    return os.environ.get(OFFLINE_VARIABLE, "") in _TRUE


def cache_root() -> Path:
    """Downloads, models and bench results live under here: ``$ML_ATLAS_CACHE_DIR`` or ``<project>/.cache``."""
    return Path(os.environ.get(CACHE_DIR_VARIABLE) or PROJECT_ROOT / ".cache")


def model_root() -> Path:
    """The model cache: ``$ML_ATLAS_MODEL_DIR`` or ``<cache root>/models``."""
    return Path(os.environ.get(MODEL_DIR_VARIABLE) or cache_root() / "models")


def data_dir() -> Path | None:
    """The folder named by ``$ML_ATLAS_DATA_DIR``, searched first for data sets, if set."""
    return Path(os.environ[DATA_DIR_VARIABLE]) if os.environ.get(DATA_DIR_VARIABLE) else None


def scheduler_address() -> str | None:
    """The Dask scheduler that runs the jobs (``ML_ATLAS_SCHEDULER=tcp://HOST:PORT``); None: start a local cluster."""
    return os.environ.get(SCHEDULER_VARIABLE) or None


def training_slots() -> int:
    """How many heavy trainings a local cluster runs at once (``ML_ATLAS_TRAINING_SLOTS``, default 1)."""
    return max(1, int(os.environ.get(TRAINING_SLOTS_VARIABLE) or 1))


def fit_workers() -> int:
    """Worker processes of a local cluster for the short fits (``ML_ATLAS_FIT_WORKERS``, default 2)."""
    return max(1, int(os.environ.get(FIT_WORKERS_VARIABLE) or 2))


def worker_memory(kind: str) -> str:
    """A local cluster's memory limit per worker of a kind of job (``ML_ATLAS_TRAINING_MEMORY``, ``ML_ATLAS_FIT_MEMORY``)."""
    variable, default = {"training": (TRAINING_MEMORY_VARIABLE, "8GiB"), "fit": (FIT_MEMORY_VARIABLE, "4GiB")}[kind]
    return os.environ.get(variable) or default


def training_threads() -> int:
    """Threads a training worker's TensorFlow uses (``ML_ATLAS_TRAINING_THREADS``; default: all cores but one,
    which stays with the app and the short fits)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, int(os.environ.get(TRAINING_THREADS_VARIABLE) or cores - 1))


def fit_cache_bytes() -> int:
    """Bytes the model cache keeps of results of a page's settings before it removes the least recently used
    (``ML_ATLAS_FIT_CACHE_MB``, default :data:`FIT_CACHE_MB`). Pre-trained models do not count and are never removed."""
    return max(0, int(os.environ.get(FIT_CACHE_VARIABLE) or FIT_CACHE_MB)) * 1024 * 1024


def lock_wait_seconds(default: float) -> float:
    """Seconds a process waits for another one's training of the same artifact before it gives up
    (``ML_ATLAS_LOCK_WAIT``; the model cache's ``default`` covers the longest training a job allows)."""
    return max(0.0, float(os.environ.get(LOCK_WAIT_VARIABLE) or default))


def job_settings() -> dict[str, str]:
    """The settings a job takes to its worker: quick mode and where data and models live (set ones only).

    A worker applies them while it runs the job, so what it trains lands where the app
    that asked looks for it (on several machines: the same shared folders at the same paths).
    """
    names = (QUICK_VARIABLE, OFFLINE_VARIABLE, CACHE_DIR_VARIABLE, MODEL_DIR_VARIABLE, DATA_DIR_VARIABLE)
    return {name: os.environ[name] for name in names if name in os.environ}
