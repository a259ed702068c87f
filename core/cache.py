"""The model cache: trained artifacts on disk, keyed by what produced them.

An artifact is a folder written by a model module's ``train`` function. Its key
is ``<name>-<hash>`` where the hash covers the model's configuration and the
checksum of its training data, so changing either trains a new model instead
of serving a stale one. Folders are written atomically (train into a temporary
folder, record every file's sha256 in ``MANIFEST.json``, rename into place),
checked against the manifest when loaded, and rebuilt when damaged. A lock
file keeps two processes from training the same artifact at once.

Only formats without code execution are written here (``.keras``, JSON, npz);
nothing is ever unpickled.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from core.progress import TrainingProgress
from core.settings import model_root

T = TypeVar("T")
MANIFEST = "MANIFEST.json"


@dataclass(frozen=True)
class ArtifactSpec:
    """What identifies a trained artifact: model name, configuration, data."""

    name: str
    config: dict[str, Any] = field(default_factory=dict)
    data_checksum: str = ""

    @property
    def key(self) -> str:
        payload = json.dumps({"config": self.config, "data": self.data_checksum}, sort_keys=True, default=str)
        return f"{self.name}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


class CorruptArtifact(Exception):
    pass



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
        """Load the artifact for ``spec``; train, save and load it if missing or damaged."""
        progress = progress or TrainingProgress()
        loaded = self._try_load(spec, load)
        if loaded is not None:
            return loaded
        if not self.writable():
            return self._train_in_memory(spec, train, load, progress)
        with self._lock(spec):
            # Another process may have finished training while we waited for the lock.
            loaded = self._try_load(spec, load)
            if loaded is not None:
                return loaded
            self._clear_stale_staging(spec)
            self._train_into_place(spec, train, progress)
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
        folder = self.path(spec)
        if not folder.exists():
            return None
        try:
            verify(folder)
            return load(folder)
        except Exception:  # a damaged artifact of any kind is rebuilt, not crashed on
            self.discard(spec)
            return None

    def discard(self, spec: ArtifactSpec) -> None:
        """Remove an artifact (atomically: renamed aside first, then deleted)."""
        folder = self.path(spec)
        if folder.exists():
            trash = folder.with_name(f".trash-{folder.name}-{os.getpid()}-{time.time_ns()}")
            os.rename(folder, trash)
            shutil.rmtree(trash, ignore_errors=True)

    def _clear_stale_staging(self, spec: ArtifactSpec) -> None:
        """Staging folders of this artifact left by a trainer that died (killed, out of memory).

        Only the holder of the artifact's lock trains it, so under the lock any staging folder of it is stale.
        """
        for stale in self.root.glob(f".tmp-{spec.key}-*"):
            shutil.rmtree(stale, ignore_errors=True)

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

    @contextmanager
    def _lock(self, spec: ArtifactSpec) -> Iterator[None]:
        with open(self.root / f".{spec.key}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


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
        "training_seconds": round(seconds, 2),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": {str(p.relative_to(folder)): sha256_of(p) for p in files},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str))


def verify(folder: Path) -> dict[str, Any]:
    """Check every file against the manifest; return the manifest or raise CorruptArtifact."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise CorruptArtifact(f"{folder}: unreadable manifest ({error})") from error
    for relative, expected in manifest["files"].items():
        path = folder / relative
        if not path.is_file() or sha256_of(path) != expected:
            raise CorruptArtifact(f"{folder}: {relative} is missing or damaged")
    return manifest
