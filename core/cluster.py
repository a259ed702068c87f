"""A Dask cluster on this machine for the jobs of :mod:`core.jobs`: one scheduler, training and fit workers.

Training workers (``ML_ATLAS_TRAINING_SLOTS``, default 1) each hold one ``training``
resource, so one heavy training runs at a time per slot; fit workers
(``ML_ATLAS_FIT_WORKERS``, default 2) hold one ``fit`` resource each, so the short fits of
the pages never wait behind a training. Every worker is a process with a memory limit
(``ML_ATLAS_TRAINING_MEMORY``, ``ML_ATLAS_FIT_MEMORY``): past it, Dask's nanny restarts it.
A job whose worker dies is retried once, then reported (``allowed-failures``).

On other machines the same workers are::

    dask scheduler --port 8786
    dask worker tcp://HOST:8786 --nthreads 1 --resources training=1 --memory-limit 8GiB
    dask worker tcp://HOST:8786 --nthreads 1 --resources fit=1 --memory-limit 4GiB
"""
from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from core.settings import fit_workers, training_slots, training_threads, worker_memory

ALLOWED_FAILURES = 1
"""A job whose worker died is run once more; the second death is reported."""


def _thread_environment(threads: int) -> dict[str, str]:
    """A worker's thread settings: ``threads`` for BLAS and for both of TensorFlow's pools. One inter-op thread
    beside two intra-op ones made the best sentiment network's epochs 1.5-1.9 times slower (probe of 2026-12-03):
    its input pipeline and its steps then take turns."""
    return {"OMP_NUM_THREADS": str(threads), "TF_NUM_INTRAOP_THREADS": str(threads),
            "TF_NUM_INTEROP_THREADS": str(threads), "TF_CPP_MIN_LOG_LEVEL": "3", "ABSL_MIN_LOG_LEVEL": "3",
            "DASK_LOGGING__DISTRIBUTED": "warning"}


def worker_specs() -> dict[str, dict]:
    """The local cluster's workers: training slots and fit workers, each a process with a memory limit."""
    from distributed import Nanny

    def worker(kind: str, threads: int) -> dict:
        return {"cls": Nanny, "options": {"nthreads": 1, "resources": {kind: 1}, "memory_limit": worker_memory(kind),
                                          "env": _thread_environment(threads), "dashboard_address": None}}

    specs = {f"training-{i}": worker("training", training_threads()) for i in range(training_slots())}
    specs.update({f"fit-{i}": worker("fit", 1) for i in range(fit_workers())})
    return specs


def start_local_cluster(host: str = "127.0.0.1", port: int = 0):
    """A running ``SpecCluster`` of :func:`worker_specs` (scheduler in this process, workers in their own)."""
    import logging

    import dask
    from distributed import Scheduler, SpecCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)
    dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
    scheduler = {"cls": Scheduler, "options": {"host": host, "port": port, "dashboard_address": None}}
    return SpecCluster(scheduler=scheduler, workers=worker_specs(), silence_logs=40)


def serve(address_file: Path | None, parent_pid: int | None, port: int = 0,
          on_start: Callable[[str], None] | None = None) -> int:
    """Run a local cluster until SIGTERM, or until ``parent_pid`` ends; write its address to ``address_file``."""
    cluster = start_local_cluster(port=port)
    address = cluster.scheduler_address
    if address_file is not None:
        staging = address_file.with_suffix(".tmp")
        staging.write_text(address)
        os.replace(staging, address_file)
    print(f"ML Atlas job cluster: {address} ({len(cluster.workers)} workers)", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    if on_start is not None:
        on_start(address)
    try:
        while not stopping and (parent_pid is None or _alive(parent_pid)):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    cluster.close(timeout=20)
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
