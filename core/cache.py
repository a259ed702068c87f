"""The model cache: trained artifacts on disk, keyed by what produced them.

An artifact is a folder written by a model module's ``train`` function. Its key
is ``<name>-<hash>`` where the hash covers the model's configuration and the
checksum of its training data, so changing either trains a new model instead
of serving a stale one. Folders are written atomically (train into a temporary
folder, record every file's sha256 in ``MANIFEST.json``, rename into place),
checked against the manifest when loaded, and rebuilt when damaged. An artifact
whose bytes match its manifest but that its loader cannot read (a library
upgrade, too little memory) is kept, and the error says what to do
(:class:`ArtifactUnloadable`): retraining it silently could throw away hours of training.

A lock file keeps two processes from training the same artifact at once; a process
waits for another's training up to :data:`LOCK_WAIT` (``ML_ATLAS_LOCK_WAIT``).
Results of a page's settings (*bounded* artifacts: a spec with ``bounded=True``, or
an artifact declared as a fit) share a disk budget (``ML_ATLAS_FIT_CACHE_MB``): past
it, the least recently used of them are removed. Pre-trained models are never removed.
:meth:`ModelCache.clean_leftovers` removes what crashed processes left behind.

Only formats without code execution are written here (``.keras``, JSON, npz);
nothing is ever unpickled.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from core.errors import AtlasError
from core.file_lock import LockWaitExpired, exclusive_lock, lock_if_free
from core.jobs import TRAINING, duration
from core.progress import TrainingProgress
from core.settings import LOCK_WAIT_VARIABLE, fit_cache_bytes, lock_wait_seconds, model_root

T = TypeVar("T")
MANIFEST = "MANIFEST.json"
LOCK_WAIT = TRAINING.time_limit * 1.1 + 60
"""Seconds a process waits by default for another one's training of the same artifact.

A training holds the lock at most as long as a job may run (a training's 3 h limit), and the
job's watchdog ends a worker that ignores its limit at 1.1 times the limit plus 5 s. A lock held
longer than that belongs to a stuck process, so waiting on helps no one.
"""
LOCK_POLL_SECONDS = 0.5
"""How often a waiting process tries the lock again (a training takes seconds at the least)."""
log = logging.getLogger("ml_atlas.cache")


@dataclass(frozen=True)
class ArtifactSpec:
    """What identifies a trained artifact: model name, configuration, data."""

    name: str
    config: dict[str, Any] = field(default_factory=dict)
    data_checksum: str = ""
    bounded: bool = field(default=False, compare=False)
    """A result of a page's settings: it counts against the disk budget, and the least recently used such
    results are removed past it. Not part of the key: it says how long the artifact is kept, not what it is."""

    @property
    def key(self) -> str:
        payload = json.dumps({"config": self.config, "data": self.data_checksum}, sort_keys=True, default=str)
        return f"{self.name}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


class CorruptArtifact(Exception):
    """An artifact whose files do not match its manifest (damaged, truncated, partly deleted): it is rebuilt."""


class ArtifactUnloadable(AtlasError):
    """An artifact whose bytes match its manifest but that its loader fails on: kept, and the user told what to do."""


class TrainingLockTimeout(AtlasError):
    """Another process held an artifact's training lock for longer than a process waits (:data:`LOCK_WAIT`)."""


_BOUNDED_KEYS: ContextVar[frozenset[str]] = ContextVar("bounded_keys", default=frozenset())


@contextmanager
def bounded(key: str) -> Iterator[None]:
    """Within the block, the artifact ``key`` is written as a bounded one, as if its spec said ``bounded=True``.

    For declarations whose build function makes its own spec (:class:`core.artifacts.Artifact` of kind
    fit). Artifacts trained along the way under other keys (a model a result needs) keep their own rule.
    """
    token = _BOUNDED_KEYS.set(_BOUNDED_KEYS.get() | {key})
    try:
        yield
    finally:
        _BOUNDED_KEYS.reset(token)


class ModelCache:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else model_root()

    def writable(self) -> bool:
        """Whether artifacts can be saved here (the folder exists or can be made, and accepts files)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root):
                return True
        except OSError:
            return False

    def path(self, spec: ArtifactSpec) -> Path:
        return self.root / spec.key

    def has(self, spec: ArtifactSpec) -> bool:
        """Whether a complete artifact for ``spec`` is on disk (without verifying its bytes)."""
        return (self.path(spec) / MANIFEST).is_file()

    def get_or_train(
        self,
        spec: ArtifactSpec,
        train: Callable[[Path, TrainingProgress], None],
        load: Callable[[Path], T],
        progress: TrainingProgress | None = None,
    ) -> T:
        """Load the artifact for ``spec``; train, save and load it if missing or damaged.

        :class:`ArtifactUnloadable` if its bytes are sound but ``load`` fails on them;
        :class:`TrainingLockTimeout` if another process trains it for longer than a process waits.
        """
        progress = progress or TrainingProgress()
        if spec.key in _BOUNDED_KEYS.get():
            spec = replace(spec, bounded=True)
        loaded = self._try_load(spec, load)
        if loaded is not None:
            return loaded
        if not self.writable():
            return self._train_in_memory(spec, train, load, progress)
        with self._lock(spec.key, progress):
            # Another process may have finished training while we waited for the lock.
            loaded = self._try_load(spec, load)
            if loaded is not None:
                return loaded
            self._clear_stale_staging(spec)
            self._train_into_place(spec, train, progress)
            if spec.bounded:
                self._keep_bounded_within_budget(written=spec.key)
        return load(self.path(spec))

    def _train_in_memory(self, spec: ArtifactSpec, train: Callable, load: Callable[[Path], T],
                         progress: TrainingProgress) -> T:
        """The cache folder is read-only: train into a private temporary folder so the page still works.

        The folder lives until the process ends (loaders may read lazily); nothing is
        shared or reused, and the app says that the cache is not writable.
        """
        folder = Path(tempfile.mkdtemp(prefix=f"ml-atlas-{spec.key}-"))
        train(folder, progress)
        return load(folder)

    def _try_load(self, spec: ArtifactSpec, load: Callable[[Path], T]) -> T | None:
        """The artifact loaded, or None if it is missing or damaged (a damaged one is discarded, to be rebuilt)."""
        folder = self.path(spec)
        if not folder.exists():
            return None
        try:
            verify(folder)
        except CorruptArtifact as damage:
            return self._discard_damaged(spec, damage)
        _record_use(folder)
        try:
            return load(folder)
        except Exception as error:
            try:
                verify(folder)  # removed or damaged while it loaded (another process evicted it, a disk fault)?
            except CorruptArtifact as damage:
                return self._discard_damaged(spec, damage)
            log.error("Cannot load %s, whose files match its manifest (%s: %s); it is kept",
                      spec.key, type(error).__name__, error)
            raise ArtifactUnloadable(
                f"The trained artifact {spec.key} is intact (its files match its manifest) but could not be "
                f"loaded: {type(error).__name__}: {error}. It was kept, not retrained. If a library was upgraded "
                f"since it was trained, delete the folder {folder} to retrain it; if the machine is short of "
                f"memory, free some and try again.") from error

    def _discard_damaged(self, spec: ArtifactSpec, damage: CorruptArtifact) -> None:
        log.warning("Rebuilding %s: %s", spec.key, damage)
        self.discard(spec)
        return None

    def discard(self, spec: ArtifactSpec) -> None:
        """Remove an artifact (atomically: renamed aside first, then deleted)."""
        self._discard_folder(self.path(spec))

    @staticmethod
    def _discard_folder(folder: Path) -> None:
        trash = folder.with_name(f".trash-{folder.name}-{os.getpid()}-{time.time_ns()}")
        try:
            os.rename(folder, trash)
        except FileNotFoundError:  # not there, or another process removed it first
            return
        shutil.rmtree(trash, ignore_errors=True)

    def _clear_stale_staging(self, spec: ArtifactSpec) -> None:
        """Staging folders of this artifact left by a trainer that died (killed, out of memory).

        Only the holder of the artifact's lock trains it, so under the lock any staging folder of it is stale.
        """
        for stale in self.root.glob(f".tmp-{spec.key}-*"):
            shutil.rmtree(stale, ignore_errors=True)

    def clean_leftovers(self) -> list[Path]:
        """Remove what crashed processes left: staging folders of trainings no process runs, and every trash folder.

        Call it once when a process that uses the cache starts. A staging folder whose artifact's
        lock is held belongs to a training in progress and stays. Returns the folders removed.
        """
        removed = []
        for staging in sorted(self.root.glob(".tmp-*")):
            key = staging.name.removeprefix(".tmp-").rpartition("-")[0]  # mkdtemp's random suffix has no "-"
            with self._lock_if_free(key) as free:
                if free:
                    shutil.rmtree(staging, ignore_errors=True)
                    removed.append(staging)
        for trash in sorted(self.root.glob(".trash-*")):
            shutil.rmtree(trash, ignore_errors=True)
            removed.append(trash)
        if removed:
            log.info("Removed %d folders left by crashed processes from %s", len(removed), self.root)
        return removed

    def _train_into_place(self, spec: ArtifactSpec, train: Callable, progress: TrainingProgress) -> None:
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{spec.key}-", dir=self.root))
        try:
            started = time.perf_counter()
            train(staging, progress)
            write_manifest(staging, spec, seconds=time.perf_counter() - started)
            if self.path(spec).exists():
                self.discard(spec)
            os.rename(staging, self.path(spec))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _keep_bounded_within_budget(self, written: str) -> None:
        """Remove the least recently used bounded artifacts until the bounded ones fit :func:`fit_cache_bytes`.

        ``written`` (just trained, about to be used) stays, and so does one whose lock is held (it is being
        retrained). Artifacts that are not bounded (the pre-trained models) neither count nor go.
        """
        budget = fit_cache_bytes()
        artifacts = sorted(self._bounded_artifacts())
        total = sum(size for _, size, _ in artifacts)
        for _, size, key in artifacts:
            if total <= budget:
                break
            if key == written:
                continue
            with self._lock_if_free(key) as free:
                if free:
                    self._discard_folder(self.root / key)
                    log.info("Removed %s (%d bytes), the least recently used result of a page's settings, "
                             "to keep them within %d MB", key, size, budget // (1024 * 1024))
                    total -= size

    def _bounded_artifacts(self) -> Iterator[tuple[float, int, str]]:
        """(last use, bytes, key) of every complete bounded artifact."""
        for folder in self.root.iterdir():
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            try:
                manifest = read_manifest(folder)
                last_used = (folder / MANIFEST).stat().st_mtime
            except (CorruptArtifact, OSError):  # damaged (rebuilt when next loaded) or removed meanwhile
                continue
            if manifest.get("bounded"):
                yield last_used, int(manifest.get("bytes", 0)), folder.name

    def _lock_path(self, key: str) -> Path:
        return self.root / f".{key}.lock"

    @contextmanager
    def _lock(self, key: str, progress: TrainingProgress) -> Iterator[None]:
        """Hold the artifact's training lock for the block, waiting for it up to ``ML_ATLAS_LOCK_WAIT`` seconds."""
        wait = lock_wait_seconds(LOCK_WAIT)
        try:
            with exclusive_lock(self._lock_path(key), wait, LOCK_POLL_SECONDS,
                                lambda: progress.update(0.0, "waiting for another process that is training it")):
                yield
        except LockWaitExpired:
            raise TrainingLockTimeout(
                f"Waited {duration(wait)} for another process to finish training {key} (it holds "
                f"{self._lock_path(key)}), and it has not. If no training of it is running any more, the "
                f"process holding that file open is stuck: stop it and try again. To wait longer, set "
                f"{LOCK_WAIT_VARIABLE} (seconds).") from None

    def _lock_if_free(self, key: str) -> AbstractContextManager[bool]:
        """The artifact's lock held for the block if no process holds it; it yields whether this one does."""
        return lock_if_free(self._lock_path(key))


def _record_use(folder: Path) -> None:
    """Stamp the artifact as just used (its manifest's modification time: the order bounded ones are removed in)."""
    try:
        os.utime(folder / MANIFEST)
    except OSError:  # a read-only cache, where nothing is removed either
        pass


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks (model artifacts and data files alike)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, spec: ArtifactSpec, seconds: float) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    manifest = {
        "key": spec.key,
        "name": spec.name,
        "config": spec.config,
        "data_checksum": spec.data_checksum,
        "bounded": spec.bounded,
        "bytes": sum(p.stat().st_size for p in files),
        "training_seconds": round(seconds, 2),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": {str(p.relative_to(folder)): sha256_of(p) for p in files},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The artifact's manifest; CorruptArtifact if it is missing, unreadable or lacks its file list."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise ValueError("no file list")
    except (OSError, ValueError) as error:
        raise CorruptArtifact(f"{folder}: unreadable manifest ({error})") from error
    return manifest


def verify(folder: Path) -> dict[str, Any]:
    """Check every file against the manifest; return the manifest or raise CorruptArtifact."""
    manifest = read_manifest(folder)
    for relative, expected in manifest["files"].items():
        path = folder / relative
        if not path.is_file() or sha256_of(path) != expected:
            raise CorruptArtifact(f"{folder}: {relative} is missing or damaged")
    return manifest
