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
