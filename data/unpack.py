"""Turning what a publisher serves into the files the registry lists.

Each function takes the fetched file, the folder to write the data set's files
into and the :class:`data.registry.Download`. What a publisher serves is
untrusted until checked: archives are refused past :data:`ARCHIVE_MEMBER_LIMIT`
members or :data:`ARCHIVE_UNPACKED_LIMIT` unpacked bytes, members that would
land outside the folder are skipped, and the result is always verified against
the registry's checksums (or recorded, for a conversion) afterwards.
"""
from __future__ import annotations

import gzip
import shutil
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from data.registry import Download

ARCHIVE_MEMBER_LIMIT = 200_000
"""Members an archive may have. The archive with most members ML Atlas unpacks, IMDB's ``aclImdb_v1.tar.gz``,
has about 100,000 (one file per review); twice that leaves room for a new release, and refuses an archive
made of millions of empty entries before it fills the disk's inodes or the memory."""

ARCHIVE_UNPACKED_LIMIT = 2 << 30
"""Bytes an archive may unpack to (2 GiB). The largest ML Atlas unpacks are WikiText-103 (about 0.55 GB of
text) and IMDB (about 0.3 GB of tar stream); four times the largest refuses a zip or gzip bomb (a few MB that
unpack to terabytes) long before the disk is full."""


class UnusableDownload(ValueError):
    """What a publisher served cannot be made into the data set; ``str(error)`` says why, for the user."""


class _ArchiveBudget:
    """Counts an archive's members and the unpacked sizes they declare, refusing it once a limit is passed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.members = 0
        self.declared = 0

    def admit(self, declared_size: int) -> None:
        self.members += 1
        self.declared += declared_size
        if self.members > ARCHIVE_MEMBER_LIMIT:
            raise UnusableDownload(
                f"the archive {self.url} has more than {ARCHIVE_MEMBER_LIMIT:,} members; the limit is "
                f"{ARCHIVE_MEMBER_LIMIT:,} (twice the most any data set ML Atlas uses has), so it is not unpacked."
            )
        if self.declared > ARCHIVE_UNPACKED_LIMIT:
            raise UnusableDownload(
                f"the archive {self.url} declares {self.declared:,} bytes of unpacked files (counting its first "
                f"{self.members:,} members); the limit is {ARCHIVE_UNPACKED_LIMIT:,} bytes (four times the largest "
                f"data set ML Atlas unpacks), so it is not unpacked."
            )


class _CountedStream:
    """A decompressed stream's reads, refused once more than :data:`ARCHIVE_UNPACKED_LIMIT` bytes came out.

    This counts the bytes themselves, so it holds when headers lie about sizes
    or hide data where no member's size counts it (a tar's pax headers).
    """

    def __init__(self, stream: IO[bytes], url: str) -> None:
        self.stream = stream
        self.url = url
        self.read_so_far = 0

    def read(self, size: int = -1) -> bytes:
        block = self.stream.read(size)
        self.read_so_far += len(block)
        if self.read_so_far > ARCHIVE_UNPACKED_LIMIT:
            raise UnusableDownload(
                f"the archive {self.url} unpacks to more than {ARCHIVE_UNPACKED_LIMIT:,} bytes; the limit is "
                f"{ARCHIVE_UNPACKED_LIMIT:,} bytes (four times the largest data set ML Atlas unpacks), "
                f"so it is not unpacked."
            )
        return block


def copy(fetched: Path, staging: Path, download: Download) -> None:
    """The publisher serves the file itself."""
    destination = staging / (download.target or Path(download.url).name)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fetched, destination)


def zip(fetched: Path, staging: Path, download: Download) -> None:  # noqa: A001 - named after the format
    """The publisher serves a zip archive whose top folder holds the files.

    The members and their declared sizes are checked before anything is
    written; a member holding more than it declares is not written past its
    size (``zipfile`` stops there and fails on the CRC).
    """
    with zipfile.ZipFile(fetched) as archive:
        members = archive.infolist()
        budget = _ArchiveBudget(download.url)
        for member in members:
            budget.admit(member.file_size)
        for member in members:
            name = Path(member.filename)
            if member.is_dir() or name.is_absolute() or ".." in name.parts:
                continue
            destination = staging / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, open(destination, "wb") as out:
                shutil.copyfileobj(src, out)


def tar_gz_files(fetched: Path, download: Download) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    """The regular files of a gzip-compressed tar, in archive order, each with a reader of its bytes.

    Read as one stream: each member's declared size is checked as its header
    arrives, before its bytes are read, and every decompressed byte is counted.
    Read each file before asking for the next.
    """
    with gzip.open(fetched) as unzipped, \
            tarfile.open(fileobj=_CountedStream(unzipped, download.url), mode="r|") as archive:
        budget = _ArchiveBudget(download.url)
        for member in archive:
            budget.admit(member.size)
            if member.isfile():
                yield member, archive.extractfile(member)
