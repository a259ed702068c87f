"""Finding a data set's files: environment variable, shared mirror, download.

Resolution order for a data set ``key`` (first place holding every file wins):

1. ``$ML_ATLAS_DATA_DIR/<key>/`` when the variable is set;
2. ``<project>/../shared/datasets/<key>/`` (the team's local mirror);
3. ``$ML_ATLAS_CACHE_DIR/data/<key>/`` (default ``<project>/.cache/data``), where
   downloads land;
4. a download from the publisher's URL into that cache, with progress.

Every file is checked against its sha256 before use; a mismatch raises
:class:`ChecksumMismatch` instead of silently using wrong data.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.cache import sha256_of
from core.errors import DataError
from core.settings import DATA_DIR_VARIABLE, PROJECT_ROOT, cache_root, data_dir, offline
from data.registry import DATASETS, Dataset


Progress = Callable[[int, int | None, str], None]
"""Called as ``progress(bytes_done, bytes_total_or_None, what)`` while downloading."""


class DatasetMissing(DataError):
    pass


class ChecksumMismatch(DataError):
    pass


@dataclass(frozen=True)
class Locator:
    """Where to look for data sets, in order, and where downloads go."""

    search_roots: tuple[Path, ...]
    download_root: Path
    allow_download: bool = True

    @classmethod
    def default(cls) -> "Locator":
        roots: list[Path] = []
        if data_dir():
            roots.append(data_dir())
        roots.append(PROJECT_ROOT.parent / "shared" / "datasets")
        download_root = cache_root() / "data"
        return cls(tuple(roots), download_root, not offline())

    def candidates(self, dataset: Dataset) -> list[Path]:
        folder = dataset.mirror_folder or dataset.key
        dirs = [root / folder for root in self.search_roots]
        dirs.append(self.download_root / dataset.key)
        return dirs


_verified: dict[tuple[str, int, int], bool] = {}
DERIVED_CHECKSUMS = ".derived-sha256.json"
"""Written beside files that a download converted (e.g. a tar of text files into
one CSV): their bytes differ from the mirror's, so they are checked against the
checksums recorded when they were made."""


def _expected_checksums(dataset: Dataset, folder: Path) -> dict[str, str]:
    recorded = folder / DERIVED_CHECKSUMS
    if recorded.is_file():
        return json.loads(recorded.read_text())
    return {f.path: f.sha256 for f in dataset.files}


def _verify(dataset: Dataset, folder: Path) -> None:
    """Raise ChecksumMismatch unless every file in ``folder`` has its expected sha256."""
    expected = _expected_checksums(dataset, folder)
    for f in dataset.files:
        path = folder / f.path
        stat = path.stat()
        memo = (str(path), stat.st_size, stat.st_mtime_ns)
        if _verified.get(memo):
            continue
        if expected.get(f.path) is None:
            continue  # no published checksum and none recorded: a copy the user put there unpacked
        actual = sha256_of(path)
        if actual != expected[f.path]:
            raise ChecksumMismatch(
                f"{path} does not match its checksum (expected sha256 {expected[f.path][:12]}..., "
                f"found {actual[:12]}...). "
                f"The file is damaged or a different version: delete it and let ML Atlas fetch it again, "
                f"or put the published file there."
            )
        _verified[memo] = True


def dataset_dir(key: str, locator: Locator | None = None, progress: Progress | None = None) -> Path:
    """The verified folder holding data set ``key``, downloading it if needed."""
    dataset = DATASETS[key]
    locator = locator or Locator.default()
    for folder in locator.candidates(dataset):
        if all((folder / f.path).is_file() for f in dataset.files):
            _verify(dataset, folder)
            return folder
    if locator.allow_download and dataset.downloads:
        target = locator.download_root / dataset.key
        try:
            _download(dataset, target, progress)
        except (OSError, ValueError) as error:
            raise DatasetMissing(missing_message(dataset, locator, reason=str(error))) from error
        _verify(dataset, target)
        return target
    raise DatasetMissing(missing_message(dataset, locator))


def missing_message(dataset: Dataset, locator: Locator, reason: str | None = None) -> str:
    """Tell the user which data set is missing, where we looked and how to get it."""
    looked = ", ".join(str(p) for p in locator.candidates(dataset))
    urls = ", ".join(d.url for d in dataset.downloads) or dataset.homepage
    text = (
        f"The data set '{dataset.title}' was not found (looked in: {looked}). "
        f"Set {DATA_DIR_VARIABLE} to a folder holding '{dataset.key}/' with its files "
        f"({', '.join(f.path for f in dataset.files)}), or download it from {urls}."
    )
    if reason:
        text += f" The automatic download failed: {reason}"
    return text


def _download(dataset: Dataset, target: Path, progress: Progress | None) -> None:
    """Fetch every download of ``dataset`` and unpack it into ``target`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dataset.key}-", dir=target.parent))
    try:
        for download in dataset.downloads:
            fetched = staging / ".fetched"
            fetch(download.url, fetched, progress)
            if download.sha256 and sha256_of(fetched) != download.sha256:
                raise ChecksumMismatch(f"{download.url} served a file whose sha256 is not the published one.")
            module, function = download.unpack.split(":")
            getattr(importlib.import_module(module), function)(fetched, staging, download)
            fetched.unlink(missing_ok=True)
        missing = [f.path for f in dataset.files if not (staging / f.path).is_file()]
        if missing:
            raise ValueError(f"the download did not contain {', '.join(missing)}")
        if any(d.derived for d in dataset.downloads):
            checksums = {f.path: sha256_of(staging / f.path) for f in dataset.files}
            (staging / DERIVED_CHECKSUMS).write_text(json.dumps(checksums, indent=1))
        _verify(dataset, staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch(url: str, destination: Path, progress: Progress | None = None, timeout: float = 30.0) -> None:
    """Stream ``url`` into ``destination``, reporting progress per 256 KiB block."""
    request = urllib.request.Request(url, headers={"User-Agent": "ml-atlas"})
    with urllib.request.urlopen(request, timeout=timeout) as response, open(destination, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        done = 0
        while block := response.read(1 << 18):
            out.write(block)
            done += len(block)
            if progress:
                progress(done, total, url)


def dataset_checksum(key: str) -> str:
    """One checksum for a whole data set, for keying trained models on their data."""
    dataset = DATASETS[key]
    published = [f.sha256 for f in dataset.files if f.sha256] or [d.sha256 or d.url for d in dataset.downloads]
    return hashlib.sha256("".join(published).encode()).hexdigest()[:16]
