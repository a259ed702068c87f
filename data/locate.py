"""Finding a data set's files: environment variable, shared mirror, download.

Resolution order for a data set ``key`` (first place holding every file wins):

1. ``$ML_ATLAS_DATA_DIR/<key>/`` when the variable is set;
2. ``<project>/../shared/datasets/<key>/`` (the team's local mirror);
3. ``$ML_ATLAS_CACHE_DIR/data/<key>/`` (default ``<project>/.cache/data``), where
   downloads land;
4. a download from the publisher's URL into that cache, with progress; for a data set the app converts, the
   publisher's own file (the URL's file name) in 1. or 2. is converted from there instead of downloaded.

Every file is checked against its sha256 before use; a mismatch raises
:class:`ChecksumMismatch` instead of silently using wrong data. A converted
download's checksums are recorded in the download root's ``.records/``, where no
archive member can reach. Downloads are size-limited, one data set is downloaded
by one caller at a time (a lock file in the download root), and any failure of a
download becomes a :class:`DatasetMissing` saying why (the full error is logged).
"""
from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import shutil
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from core.cache import sha256_of
from core.errors import DataError
from core.file_lock import LockWaitExpired, exclusive_lock
from core.settings import DATA_DIR_VARIABLE, PROJECT_ROOT, cache_root, data_dir, offline
from data.registry import DATASETS, Dataset, Download
from data.unpack import UnusableDownload


Progress = Callable[[int, int | None, str], None]
"""Called as ``progress(bytes_done, bytes_total_or_None, what)`` while downloading."""


class DatasetMissing(DataError):
    pass


class ChecksumMismatch(DataError):
    pass


DOWNLOAD_LIMIT = 2 << 30
"""Bytes a download may have (2 GiB) when the registry does not know its size: twice the largest one ML Atlas
makes, Google's Global_Mobility_Report.csv (about 1 GB). A download of a file whose size the registry gives may
have exactly that size: more cannot match its checksum. Streaming stops as soon as the limit is passed."""

DOWNLOAD_LOCK_WAIT = 600.0
"""Seconds a caller waits for another session's download of the same data set (10 minutes): long enough for
the downloads the pages need (IMDB's 84 MB, WikiText-103's 181 MB) on a slow link; past it, the caller is told
to try again rather than hanging with a page that never loads."""

RECORDS_FOLDER = ".records"
"""The download root's folder of checksums recorded for converted downloads, one ``<key>.sha256.json`` each.
It is beside the data set folders, never inside one, so no archive member can write or replace a record."""

_log = logging.getLogger(__name__)


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

    def record(self, dataset: Dataset) -> Path:
        """Where the checksums of ``dataset``'s converted download are recorded."""
        return self.download_root / RECORDS_FOLDER / f"{dataset.key}.sha256.json"


def _converted(dataset: Dataset) -> bool:
    """Whether a download of ``dataset`` is a conversion, checked against the checksums recorded when it was made."""
    return any(d.derived for d in dataset.downloads)


_checksums: dict[tuple[int, int, int, int], str] = {}
"""The sha256 of each version of a data file read so far, so an unchanged file is not read again. A version is
the file (device and inode, which a rename keeps) with its size and modification time: a rewritten or replaced
file is read again. Shared by every session's thread, so only touched under ``_checksums_lock``."""
_checksums_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    stat = path.stat()
    version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _checksums_lock:
        known = _checksums.get(version)
    if known is None:
        known = sha256_of(path)  # outside the lock: sessions checking other files need not wait
        with _checksums_lock:
            _checksums[version] = known
    return known


def _verify(dataset: Dataset, folder: Path, expected: dict[str, str | None]) -> None:
    """Raise ChecksumMismatch unless every file in ``folder`` has its expected sha256."""
    for f in dataset.files:
        if expected.get(f.path) is None:
            continue  # no published checksum and none recorded: a copy the user put there unpacked
        path = folder / f.path
        actual = file_sha256(path)
        if actual != expected[f.path]:
            raise ChecksumMismatch(
                f"{path} does not match its checksum (expected sha256 {expected[f.path][:12]}..., "
                f"found {actual[:12]}...). "
                f"The file is damaged or a different version: delete it and let ML Atlas fetch it again, "
                f"or put the published file there."
            )


def _published(dataset: Dataset) -> dict[str, str | None]:
    return {f.path: f.sha256 for f in dataset.files}


def _in_place(dataset: Dataset, locator: Locator, folder: Path) -> dict[str, str | None] | None:
    """If ``folder`` holds every file of ``dataset``, the sha256 each must have (``None``: none published); else None.

    A converted download counts as in place only with its record, written by
    :func:`_download` after the files: without one it is a download that did
    not finish, or one an older ML Atlas made, and it is made again.
    """
    if not all((folder / f.path).is_file() for f in dataset.files):
        return None
    if folder == locator.download_root / dataset.key and _converted(dataset):
        try:
            return json.loads(locator.record(dataset).read_text())
        except (OSError, ValueError):
            return None
    return _published(dataset)


def dataset_dir(key: str, locator: Locator | None = None, progress: Progress | None = None) -> Path:
    """The verified folder holding data set ``key``, downloading it if needed.

    Downloads of one data set are serialised by a lock in the download root: a
    caller that waited for another's download finds it in place and uses it.
    """
    dataset = DATASETS[key]
    locator = locator or Locator.default()
    for folder in locator.candidates(dataset):
        expected = _in_place(dataset, locator, folder)
        if expected is not None:
            _verify(dataset, folder, expected)
            return folder
    if not (locator.allow_download and dataset.downloads):
        raise DatasetMissing(missing_message(dataset, locator))
    copies = {download.url: copy for download in dataset.downloads
              if (copy := publisher_copy(dataset, download, locator)) is not None}
    target = locator.download_root / dataset.key
    try:
        with download_lock(locator.download_root, dataset.key):
            expected = _in_place(dataset, locator, target)
            if expected is None:  # else another caller downloaded it while we waited for the lock
                _download(dataset, locator, progress, copies)
                expected = _in_place(dataset, locator, target)
            _verify(dataset, target, expected)
    except (OSError, ValueError) as error:
        _log.warning("Downloading the data set %s failed", key, exc_info=True)
        raise DatasetMissing(missing_message(dataset, locator, reason=str(error))) from error
    return target


def dataset_in_place(key: str, locator: Locator | None = None) -> Path | None:
    """The verified folder of data set ``key`` if it is there already, else None; never downloads."""
    try:
        return dataset_dir(key, replace(locator or Locator.default(), allow_download=False))
    except DataError:
        return None


def missing_message(dataset: Dataset, locator: Locator, reason: str | None = None) -> str:
    """Tell the user which data set is missing, where we looked and how to get it."""
    looked = ", ".join(str(p) for p in locator.candidates(dataset))
    urls = ", ".join(d.url for d in dataset.downloads) or dataset.homepage
    text = (
        f"The data set '{dataset.title}' was not found (looked in: {looked}). "
        f"Set {DATA_DIR_VARIABLE} to a folder holding '{dataset.key}/' with its files "
        f"({', '.join(f.path for f in dataset.files)}) or the publisher's own file, or download it from {urls}."
    )
    if reason:
        text += f" The automatic download failed: {reason}"
    return text


@contextmanager
def download_lock(download_root: Path, key: str) -> Iterator[None]:
    """Hold the lock on downloading data set ``key`` into ``download_root``, waiting up to DOWNLOAD_LOCK_WAIT."""
    download_root.mkdir(parents=True, exist_ok=True)
    try:
        with exclusive_lock(download_root / f".{key}.lock", DOWNLOAD_LOCK_WAIT, poll=0.2):
            yield
    except LockWaitExpired:
        raise TimeoutError(f"another session has been downloading '{key}' for over {DOWNLOAD_LOCK_WAIT:.0f} s "
                           f"(the wait limit); try again when it has finished.") from None


def _staging_folders(download_root: Path, key: str) -> list[Path]:
    """The staging folders of ``key``'s downloads: ``.<key>-`` and tempfile's 8 random characters.

    The exact length keeps another data set's (``.<key>-more-...``) out.
    """
    return list(download_root.glob(f".{key}-" + "?" * 8))


def publisher_copy(dataset: Dataset, download: Download, locator: Locator) -> Path | None:
    """The publisher's own file of ``download`` (the URL's file name) where the search roots keep ``dataset``, if one
    is there: a data set the app converts (OxCGRT's compact national file, Google's complete report) is then
    converted from that copy instead of downloaded."""
    name = download.url.rsplit("/", 1)[-1]
    for root in locator.search_roots:
        for folder in dict.fromkeys((dataset.key, dataset.mirror_folder or dataset.key)):
            if (root / folder / name).is_file():
                return root / folder / name
    return None


def _download(dataset: Dataset, locator: Locator, progress: Progress | None,
              copies: dict[str, Path] | None = None) -> None:
    """Fetch every download of ``dataset`` (or take its publisher's file from ``copies``, by URL) and unpack it
    into place atomically; hold its download lock.

    Everything happens in a staging folder: ``fetched`` (each download in turn)
    and ``files/``, which the unpack functions fill and which is renamed into place.
    """
    root, target, record = locator.download_root, locator.download_root / dataset.key, locator.record(dataset)
    for stale in _staging_folders(root, dataset.key):  # left by a download that crashed: we hold the lock
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dataset.key}-", dir=root))
    try:
        files, fetched = staging / "files", staging / "fetched"
        files.mkdir()
        for download in dataset.downloads:
            _fetch_and_unpack(dataset, download, fetched, files, progress, (copies or {}).get(download.url))
        missing = [f.path for f in dataset.files if not (files / f.path).is_file()]
        if missing:
            raise UnusableDownload(f"the download did not contain {', '.join(missing)}")
        if _converted(dataset):
            checksums = {f.path: file_sha256(files / f.path) for f in dataset.files}
        else:
            _verify(dataset, files, _published(dataset))
        record.unlink(missing_ok=True)
        if target.exists():
            shutil.rmtree(target)
        files.rename(target)
        if _converted(dataset):  # recorded once the files are in place; until then they count as not there
            record.parent.mkdir(exist_ok=True)
            written = staging / "record"
            written.write_text(json.dumps(checksums, indent=1))
            os.replace(written, record)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _fetch_and_unpack(dataset: Dataset, download: Download, fetched: Path, files: Path,
                      progress: Progress | None, copy: Path | None = None) -> None:
    """One download (or the publisher's ``copy`` of it, read where it is) into ``files``; any failure of the
    publisher's bytes becomes an UnusableDownload naming it."""
    try:
        if copy is None:
            fetch(download.url, fetched, _download_limit(dataset, download), progress)
        source = copy or fetched
        if download.sha256 and sha256_of(source) != download.sha256:
            raise ChecksumMismatch(f"{copy or download.url} served a file whose sha256 is not the published one.")
        module, function = download.unpack.split(":")
        getattr(importlib.import_module(module), function)(source, files, download)
    except (DataError, UnusableDownload):
        raise
    except Exception as error:  # noqa: BLE001 - the bytes are untrusted and parsed by zipfile, tarfile, gzip, csv,
        # pandas and http.client, whose failures are no closed set (zipfile alone raises BadZipFile, zlib.error,
        # EOFError, RuntimeError for an encrypted member and NotImplementedError for an unknown compression).
        raise UnusableDownload(
            f"{download.url} could not be fetched and unpacked ({type(error).__name__}: {error})."
        ) from error
    finally:
        fetched.unlink(missing_ok=True)


def _download_limit(dataset: Dataset, download: Download) -> tuple[int, str]:
    """The bytes ``download`` may have, and why: its file's size when the registry gives it, else DOWNLOAD_LIMIT."""
    sizes = {f.sha256: f.size for f in dataset.files if f.sha256 and f.size}
    if download.sha256 in sizes:
        return sizes[download.sha256], "the published file's size"
    return DOWNLOAD_LIMIT, "twice the largest download ML Atlas makes"


def fetch(url: str, destination: Path, limit: tuple[int, str], progress: Progress | None = None,
          timeout: float = 30.0) -> None:
    """Stream ``url`` into ``destination``, reporting progress per 256 KiB block.

    ``limit`` is the most bytes accepted and why. A response announcing more is
    refused before its body is read; one without a length is cut off at the
    first byte past the limit; one that ends before the length it announced is
    refused too (``http.client`` does not complain).
    """
    most, why = limit
    request = urllib.request.Request(url, headers={"User-Agent": "ml-atlas"})
    with urllib.request.urlopen(request, timeout=timeout) as response, open(destination, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        if total and total > most:
            raise UnusableDownload(f"{url} announces {total:,} bytes; the limit is {most:,} bytes ({why}), "
                                   f"so it was not downloaded.")
        done = 0
        while block := response.read(min(1 << 18, most + 1 - done)):
            done += len(block)
            if done > most:
                raise UnusableDownload(f"{url} sent more than {most:,} bytes; the limit is {most:,} bytes ({why}), "
                                       f"so the download was stopped.")
            out.write(block)
            if progress:
                progress(done, total, url)
        if total and done < total:
            raise UnusableDownload(f"{url} ended after {done:,} of the {total:,} bytes it announced: "
                                   f"the connection was cut; try again.")


def dataset_checksum(key: str) -> str:
    """One checksum for a whole data set, for keying trained models on their data."""
    dataset = DATASETS[key]
    published = [f.sha256 for f in dataset.files if f.sha256] or [d.sha256 or d.url for d in dataset.downloads]
    return hashlib.sha256("".join(published).encode()).hexdigest()[:16]
