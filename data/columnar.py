"""Data files parsed once into Parquet, so a page reads a data set in milliseconds instead of parsing its CSV.

A parsed frame is kept in ``$ML_ATLAS_CACHE_DIR/data/.columnar/<name>-<sha256 of the source>.parquet``: a changed
or replaced source file has another checksum and is parsed afresh; the file is written to a temporary name and
renamed into place (a reader never sees half of it), and one that cannot be read back is parsed again and
rewritten. Where the cache cannot be written, the frame is parsed each time, never lost.
"""
from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from core.settings import cache_root
from data.locate import file_sha256

COLUMNAR_FOLDER = ".columnar"
_log = logging.getLogger(__name__)


def columnar_root() -> Path:
    return cache_root() / "data" / COLUMNAR_FOLDER


def parsed(source: Path, name: str, parse: Callable[[Path], pd.DataFrame], root: Path | None = None) -> pd.DataFrame:
    """``parse(source)``, read from its Parquet copy when one is cached; ``name`` says what ``parse`` makes (bump
    its version when ``parse`` changes what it returns)."""
    root = root or columnar_root()
    cached = root / f"{name}-{file_sha256(source)[:16]}.parquet"
    if cached.is_file():
        try:
            return pd.read_parquet(cached)
        except Exception:  # noqa: BLE001 - a damaged Parquet file fails in pyarrow in ways that are no closed set
            _log.warning("The parsed copy %s could not be read; parsing %s again", cached, source, exc_info=True)
    frame = parse(source)
    _write(frame, cached, name)
    return frame


def _write(frame: pd.DataFrame, destination: Path, name: str) -> None:
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}-", dir=destination.parent)
        os.close(handle)
        try:
            frame.to_parquet(temporary, index=False)
            os.replace(temporary, destination)
        finally:
            Path(temporary).unlink(missing_ok=True)
        for older in destination.parent.glob(f"{name}-{'?' * 16}.parquet"):
            if older != destination:  # parsed from an earlier version of the source
                older.unlink(missing_ok=True)
    except OSError:
        _log.warning("Could not cache the parsed copy %s; it is parsed again next time", destination, exc_info=True)
