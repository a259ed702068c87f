"""Exclusive locks between processes on a lock file (``fcntl.flock``): waited for up to a limit, or only tried.

The model cache locks an artifact while it trains it, the data layer a data set while it
downloads it; both wait a bounded time and tell the user why they stopped waiting.
"""
from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class LockWaitExpired(TimeoutError):
    """Another process held the lock for longer than the caller waits."""


@contextmanager
def exclusive_lock(path: Path, wait: float, poll: float, while_waiting: Callable[[], None] = lambda: None,
                   ) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block; try every ``poll`` seconds for up to ``wait`` seconds,
    calling ``while_waiting`` between tries, then raise :class:`LockWaitExpired`."""
    deadline = time.monotonic() + wait
    with open(path, "a") as handle:
        while not _try(handle):
            if time.monotonic() >= deadline:
                raise LockWaitExpired(f"{path} stayed locked by another process for {wait:.0f} s")
            while_waiting()
            time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def lock_if_free(path: Path) -> Iterator[bool]:
    """Hold the lock on ``path`` for the block if no process holds it; yield whether this one does.

    A lock file that cannot be opened (a read-only folder) counts as held by someone else.
    """
    try:
        handle = open(path, "a")
    except OSError:
        yield False
        return
    with handle:
        held = _try(handle)
        try:
            yield held
        finally:
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _try(handle) -> bool:
    """Take an exclusive lock on the open file without waiting; whether it was free."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
