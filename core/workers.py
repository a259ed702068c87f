"""Independent CPU-bound runs side by side in worker processes.

A NumPy training loop of small matrices keeps one core busy and holds the
GIL, so threads do not help; processes do. The pool starts once per process
and is reused. Its workers come from a ``forkserver``: a clean process that
has imported the model modules forks each worker, so none of a server's
threads or TensorFlow state is copied. With one core, or if the pool breaks,
the calls run here one after another: same results, only slower.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
WORKERS = min(4, _CORES) if "forkserver" in multiprocessing.get_all_start_methods() else 1
"""Worker processes of the pool; 1 means every call runs in the calling process (one core, or no forkserver)."""
_PRELOAD = ["numpy", "pandas", "models.rnn.long_memory"]
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _executor() -> ProcessPoolExecutor:
    """The pool (under ``_lock``): started on first use; its workers start as calls arrive."""
    global _pool
    if _pool is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context)
    return _pool


@contextmanager
def _main_module_hidden():
    """A blank ``__main__`` while workers start.

    A new worker imports the parent's main module, and Streamlit runs each
    page script as ``__main__``: every worker would run the page again.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _discard_pool() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def run_side_by_side(function: Callable[..., Any], calls: Sequence[tuple]) -> list[Any]:
    """``[function(*arguments) for arguments in calls]``, computed in worker processes when there are cores to spare.

    ``function`` must be importable (a module-level function) and its
    arguments and result picklable. Put the longest calls first: each worker
    takes the next call when it finishes one.
    """
    if WORKERS < 2 or len(calls) < 2:
        return [function(*arguments) for arguments in calls]
    try:
        with _lock, _main_module_hidden():
            futures = [_executor().submit(function, *arguments) for arguments in calls]
        return [future.result() for future in futures]
    except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh next time, finish here
        _discard_pool()
        return [function(*arguments) for arguments in calls]
