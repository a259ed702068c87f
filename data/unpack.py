"""Turning what a publisher serves into the files the registry lists.

Each function takes the fetched file, the staging folder and the
:class:`data.registry.Download`, and writes files into the staging folder.
The result is always verified against the registry's checksums afterwards.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from data.registry import Download


def copy(fetched: Path, staging: Path, download: Download) -> None:
    """The publisher serves the file itself."""
    destination = staging / (download.target or Path(download.url).name)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fetched, destination)


def zip(fetched: Path, staging: Path, download: Download) -> None:  # noqa: A001 - named after the format
    """The publisher serves a zip archive whose top folder holds the files."""
    with zipfile.ZipFile(fetched) as archive:
        for member in archive.infolist():
            name = Path(member.filename)
            if member.is_dir() or name.is_absolute() or ".." in name.parts:
                continue
            destination = staging / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, open(destination, "wb") as out:
                shutil.copyfileobj(src, out)
