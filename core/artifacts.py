"""Which models can be pre-trained, found by looking at the model modules.

A model module that trains something slow lists it in a module-level
``PRETRAINABLE`` list; ``python -m models train --all`` then warms the cache
before users arrive, and the home page shows whether each is trained.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from core.progress import TrainingProgress


@dataclass(frozen=True)
class Pretrainable:
    name: str
    description: str
    train: Callable[[TrainingProgress], object]
    """Make sure the model is in the cache (load it, training first if needed)."""
    is_trained: Callable[[], bool]


def discover() -> dict[str, Pretrainable]:
    """Every ``PRETRAINABLE`` entry of every module in the ``models`` package, by name."""
    import models

    found: dict[str, Pretrainable] = {}
    for info in pkgutil.walk_packages(models.__path__, "models."):
        if info.name.rpartition(".")[2].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for item in getattr(module, "PRETRAINABLE", []):
            found[item.name] = item
    return found
