"""The one protocol for trained artifacts: each model family declares its artifacts once.

A declaration names the artifact, says what it is, gives its cache key
(configuration and data checksum, see :class:`core.cache.ArtifactSpec`) and
where the code that trains and loads it lives. Declarations are light:
``spec`` must not import TensorFlow, Prophet or Surprise, and the code behind
``build`` is imported only when the artifact is trained or loaded. So the pre-train
command, the home page's status cards and the pages can all read the same
declarations without waiting for a heavy import.

``build`` is ``"module:function"``; the function is called as
``function(*arguments, progress=progress)`` and returns the artifact from the
model cache, training and saving it first when the cache lacks it
(:meth:`core.cache.ModelCache.get_or_train`). An artifact declared as a fit (a result of a
page's settings) is written as a bounded one: it shares the disk budget of such results, and the
least recently used of them are removed past it (:func:`core.cache.bounded`).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from core.cache import ArtifactSpec, ModelCache, bounded
from core.jobs import FIT, TRAINING, Job, JobKind
from core.progress import TrainingProgress


class NotTrained(LookupError):
    """``load()`` of an artifact that is not in the model cache (train it first)."""


@dataclass(frozen=True)
class Artifact:
    """A trained artifact of a model family, declared once."""

    name: str
    """What ``python -m models train NAME`` calls it."""
    description: str
    spec: Callable[[], ArtifactSpec] = field(compare=False)
    """Its cache key for the current configuration (light: no heavy import)."""
    build: str
    """``"module:function"`` that returns the artifact, training it into the cache first if missing."""
    arguments: tuple[Any, ...] = ()
    data: tuple[str, ...] = ()
    """Keys of the data sets training reads (``data/registry.py``), so a page can check them before training."""
    estimate: float = 60.0
    """Seconds its own training takes on the default local cluster of a 2-core machine (a training worker has one
    TensorFlow thread; ``bench/warm_start.py`` measures them), once what it ``needs`` is trained: what a page states
    before it starts, and the warm start's order."""
    kind: JobKind = TRAINING
    """A model's training by default; a result of a page's settings kept in the cache is a fit (a bounded artifact)."""
    needs: tuple["Artifact", ...] = ()
    """Artifacts its training trains first when they are missing (a word map needs its word2vec model)."""
    warm_up: str = ""
    """``"module:function"`` run once on the loaded artifact so its first use is quick (tracing what a request
    runs through); the app runs it in the background after loading. Empty: nothing to warm."""

    @property
    def key(self) -> str:
        return self.spec().key

    def seconds_to_ready(self) -> float:
        """How long until it is in the cache if its training started now: its own estimate, plus that of every
        artifact it needs that is not trained yet (what the warm start orders by)."""
        return self.estimate + sum(need.seconds_to_ready() for need in self.needs if not need.is_trained())

    def is_trained(self) -> bool:
        """Whether the model cache holds it (cheap: no loading, no heavy import)."""
        return ModelCache().has(self.spec())

    def train(self, progress: TrainingProgress | None = None) -> Any:
        """Train it into the cache unless it is there already; return it loaded."""
        with self._cache_rule():
            return self._builder()(*self.arguments, progress=progress)

    def load(self) -> Any:
        """The artifact from the cache; :class:`NotTrained` if it is not there."""
        if not self.is_trained():
            raise NotTrained(f"{self.name} is not trained yet: run `python -m models train {self.name}`.")
        with self._cache_rule():  # a damaged artifact is rebuilt while loading: under the same rule
            return self._builder()(*self.arguments)

    def warm(self, value: Any) -> None:
        """Run its ``warm_up`` on ``value``, the artifact as :meth:`load` returned it."""
        if self.warm_up:
            _function(self.warm_up)(value)

    def _cache_rule(self) -> AbstractContextManager:
        """A fit is written as a bounded artifact (removed when least recently used past the budget); a model
        is kept."""
        return bounded(self.key) if self.kind == FIT else nullcontext()

    def _builder(self) -> Callable[..., Any]:
        return _function(self.build)

    def job(self, owner: str = "", priority: int = 10) -> Job:
        """Its training as a job: it trains into the model cache on a worker and sends nothing back.

        Asked for by a visitor it goes ahead of the warm start's queue (which passes priorities below 0).
        """
        return Job(self.key, self.description, partial(_train_into_cache, self), self.kind, owner, priority)


def _function(reference: str) -> Callable[..., Any]:
    """The function a ``"module:function"`` string names (imported only when it is called for)."""
    module, _, function = reference.partition(":")
    return getattr(importlib.import_module(module), function)


def _train_into_cache(artifact: Artifact, progress: TrainingProgress) -> None:
    artifact.train(progress)  # the model lands in the model cache; the app loads it from there


@dataclass(frozen=True)
class InMemoryArtifact:
    """A result computed on request and kept in memory only (a fit on settings or an upload).

    It has the same ``key`` / ``is_trained`` / ``train`` / ``load`` as :class:`Artifact`,
    so the app's store keeps both kinds alike; it is never trained ahead.
    """

    key: str
    description: str
    compute: Callable[[TrainingProgress | None], Any] = field(compare=False)
    kind: JobKind = FIT
    """A fit of the page's settings by default; word2vec on an upload is a training."""

    def is_trained(self) -> bool:
        return False

    def train(self, progress: TrainingProgress | None = None) -> Any:
        return self.compute(progress)

    def load(self) -> Any:
        raise NotTrained(f"{self.description} is computed on request, not kept in the model cache.")

    def job(self, owner: str = "", priority: int = 10) -> Job:
        """Its computation as a job; the result is sent back (asked for by a visitor: ahead of pre-training)."""
        return Job(self.key, self.description, self.compute, self.kind, owner, priority)
