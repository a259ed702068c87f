"""Heavy work as jobs on Dask distributed: keyed, shared, limited, visible to every session and replica.

A :class:`Job` is a computation with a key (an artifact's cache key), a kind
(``training`` or ``fit``) and its time limit. :class:`JobBoard` submits jobs to a
Dask scheduler, ``ML_ATLAS_SCHEDULER`` or a local cluster started on first use
(:mod:`core.cluster`). Two sessions, or two app replicas, asking for the same key share
one Dask task, because Dask keeps one task per key. The state of every job (queued,
running with its fraction and message, done, failed with the reason) is kept on the
scheduler (``Client.set_metadata``), where every replica reads it.

Limits:
- **time:** a job's progress updates raise :class:`TimeLimitExceeded` past its limit, and
  a watchdog stops the worker process of a job that stops reporting, a little later;
- **memory:** each worker has a memory limit, and Dask's nanny restarts a worker past it;
- **death:** a job whose worker dies is retried once (the scheduler's ``allowed-failures``),
  then reported. The model cache writes artifacts atomically, so a dead job leaves no partial
  artifact.

Kinds run on their own workers (Dask resources ``training`` and ``fit``), so a long training
never holds up a short fit.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.errors import AtlasError, InputError
from core.progress import TrainingProgress
from core.settings import PROJECT_ROOT, job_settings, scheduler_address

NAMESPACE = "ml-atlas-jobs"
"""The scheduler's metadata key under which every job's record lives."""
MAX_JOBS_PER_VISITOR = 2
"""Jobs one visitor can have queued or running at once (uploads, custom corpora, fits of their settings)."""
_PROGRESS_INTERVAL = 0.5


@dataclass(frozen=True)
class JobKind:
    """A kind of job: the Dask resource it takes (one unit) and its default time limit."""

    name: str
    time_limit: float
    """Seconds a job may run before it is stopped."""


TRAINING = JobKind("training", time_limit=3 * 3600.0)
"""Trainings of models (minutes to an hour): one at a time by default, on their own worker."""
FIT = JobKind("fit", time_limit=15 * 60.0)
"""Fits of a page's settings (seconds to minutes): searches, cross-validation, races."""


@dataclass(frozen=True)
class Job:
    """A computation to run on a worker: ``compute(progress)`` returns the result sent back."""

    key: str
    description: str
    compute: Callable[[TrainingProgress], Any] = field(compare=False)
    kind: JobKind = FIT
    owner: str = ""
    """The visitor who asked for it (their session), or "" for the app's own jobs (pre-training)."""
    priority: int = 0
    """Higher runs first among queued jobs of a kind."""
    time_limit: float | None = None
    """Overrides the kind's time limit."""
    settings: dict[str, str] = field(default_factory=job_settings, compare=False)
    """The asking process's ``ML_ATLAS_*`` settings (:func:`core.settings.job_settings`), applied on the worker."""

    @property
    def limit(self) -> float:
        return self.time_limit if self.time_limit is not None else self.kind.time_limit


class JobFailed(AtlasError):
    """A job that failed, was stopped at a limit, or whose worker died: ``reason`` says which and what to do."""


class TooManyJobs(InputError):
    """A visitor asked for more jobs than :data:`MAX_JOBS_PER_VISITOR` at once."""


class TimeLimitExceeded(Exception):
    """Raised inside a job that ran past its time limit."""


@dataclass(frozen=True)
class JobStatus:
    """What a page shows of a job."""

    key: str
    state: str
    """``queued``, ``running``, ``done``, ``failed`` or ``unknown`` (never submitted)."""
    description: str = ""
    fraction: float = 0.0
    message: str = ""
    elapsed: float = 0.0
    remaining: float | None = None
    """Estimated seconds left (from the fraction done so far), None until there is a fraction to go on."""
    position: int | None = None
    """1 for the next job of its kind to start, when queued."""
    reason: str = ""
    attempts: int = 0

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


# --- on the worker -----------------------------------------------------------------------------------------


class _JobProgress(TrainingProgress):
    """Progress written to the job's record on the scheduler; past the time limit it stops the job."""

    def __init__(self, publish: Callable[..., None], limit: float, started: float):
        self.publish, self.limit, self.started = publish, limit, started
        self._last = 0.0

    def update(self, fraction: float, message: str = "") -> None:
        now = time.time()
        if now - self.started > self.limit:
            raise TimeLimitExceeded(_time_limit_reason(self.limit))
        if now - self._last >= _PROGRESS_INTERVAL or fraction >= 1.0:
            self._last = now
            self.publish(state="running", fraction=min(max(float(fraction), 0.0), 1.0), message=str(message)[:200])


def _time_limit_reason(limit: float) -> str:
    return (f"stopped at its time limit of {duration(limit)}. Choose smaller settings, "
            "or pre-train it with `python -m models train` where no limit applies to a model.")


def execute(pickled_job: bytes) -> Any:
    """Run a job (this is the Dask task; it runs on a worker).

    The job comes pickled: as a plain argument, Dask would look inside it and take any string
    equal to a task's key (the job's own key, say) for that task's result.
    """
    import cloudpickle
    from distributed import get_client, get_worker

    job: Job = cloudpickle.loads(pickled_job)
    client = get_client()
    record = _records(client).get(job.key, {})
    if record.get("stopped") == "time":  # the watchdog stopped the first attempt: do not run it again
        raise TimeLimitExceeded(record.get("reason") or _time_limit_reason(job.limit))
    started = time.time()
    record = {**record, "state": "running", "started": started, "fraction": 0.0, "message": "starting",
              "attempts": record.get("attempts", 0) + 1, "worker": get_worker().address}

    def publish(**changes: Any) -> None:
        record.update(changes)
        client.set_metadata([NAMESPACE, job.key], dict(record))

    publish()
    saved = {name: os.environ.get(name) for name in job.settings}
    os.environ.update(job.settings)  # a worker runs one job at a time (one thread)
    watchdog = threading.Timer(job.limit * 1.1 + 5, _stop_worker, args=(publish, job.limit))
    watchdog.daemon = True
    watchdog.start()
    try:
        value = job.compute(_JobProgress(publish, job.limit, started))
    except TimeLimitExceeded as error:
        publish(state="failed", reason=str(error), stopped="time")
        raise
    except InputError as error:  # the job found the visitor's input unusable: its message is the reason
        publish(state="failed", reason=str(error))
        raise
    except BaseException as error:
        publish(state="failed", reason=f"{type(error).__name__}: {error}")
        raise
    finally:
        watchdog.cancel()
        _restore(saved)
    publish(state="done", fraction=1.0, message="done", finished=time.time())
    return value


def _restore(saved: dict[str, str | None]) -> None:
    for name, setting in saved.items():
        if setting is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = setting


def _stop_worker(publish: Callable[..., None], limit: float) -> None:
    """The job ignored its time limit (no progress updates): end this worker process; its nanny starts a new one."""
    publish(state="failed", reason=_time_limit_reason(limit), stopped="time")
    os._exit(70)


# --- in the app --------------------------------------------------------------------------------------------


def task_key(key: str) -> str:
    """The Dask key of the job for an artifact key: the key and a digest of the settings the job takes along.

    Replicas sharing one model folder share a job; a process pointed at another model folder
    (or quick mode) gets its own, which trains where that process looks.
    """
    digest = hashlib.sha256(json.dumps(job_settings(), sort_keys=True).encode()).hexdigest()[:10]
    return f"{key}@{digest}"


def _records(client) -> dict[str, dict[str, Any]]:
    return client.get_metadata([NAMESPACE], default={}) or {}


class JobBoard:
    """The app's side of the jobs: submit, follow, collect. One per process, shared by its sessions.

    It holds the Dask future of every job this process asked for while the job runs, so a
    session that leaves or reruns does not release (and so cancel) a job others wait for.
    When a job ends, its outcome (result or error) is brought here and the future released:
    a finished result is not left in a worker's memory, where the worker's death would make
    Dask run the job again.
    """

    def __init__(self, client):
        self.client = client
        self._futures: dict[str, Any] = {}
        self._outcomes: dict[str, tuple[bool, Any]] = {}
        """Task key -> (True, result) or (False, the error): ended jobs, until forgotten."""
        self._lock = threading.Lock()
        self._collected = threading.Condition(self._lock)

    def submit(self, job: Job) -> None:
        """Queue ``job`` unless it is queued, running or finished here already (then it is shared)."""
        import cloudpickle

        job = replace(job, key=task_key(job.key))
        with self._lock:
            future = self._futures.get(job.key)
            if job.key in self._outcomes or (future is not None and future.status != "cancelled"):
                return
            records = _records(self.client)
            record = records.get(job.key)
            if job.owner:
                mine = [r for k, r in records.items() if r.get("owner") == job.owner and k != job.key
                        and r.get("state") in ("queued", "running")]
                if len(mine) >= MAX_JOBS_PER_VISITOR:
                    raise TooManyJobs(f"You have {len(mine)} jobs queued or running already "
                                      f"({', '.join(r['description'] for r in mine)}); "
                                      "wait for one of them to finish, then try again.")
            if record is None or record.get("state") not in ("queued", "running"):
                self.client.set_metadata([NAMESPACE, job.key], {
                    "state": "queued", "description": job.description, "kind": job.kind.name,
                    "owner": job.owner, "priority": job.priority, "submitted": time.time(), "attempts": 0})
            future = self.client.submit(execute, cloudpickle.dumps(job), key=job.key, pure=False, resources={job.kind.name: 1},
                                        priority=job.priority)
            self._futures[job.key] = future
            future.add_done_callback(self._on_done)

    def _on_done(self, future) -> None:
        threading.Thread(target=self._collect, args=(future,), daemon=True).start()  # off Dask's event loop

    def _collect(self, future) -> None:
        """Bring an ended job's outcome here (a cancelled job's is its CancelledError) and release its future; a
        job whose worker died never wrote its end: write it."""
        try:
            outcome = (True, future.result())
        except BaseException as error:
            outcome = (False, error)
        with self._collected:
            if self._futures.get(future.key) is future:
                del self._futures[future.key]
                self._outcomes[future.key] = outcome
            self._collected.notify_all()
        future.release()
        if not outcome[0]:
            self._status_of_task(future.key)

    def status(self, key: str) -> JobStatus:
        """The job's state as every replica sees it (from the scheduler), completed by the outcome this process took."""
        return self._status_of_task(task_key(key))

    def _status_of_task(self, key: str) -> JobStatus:
        records = _records(self.client)
        record = records.get(key)
        if record is None:
            return JobStatus(key, "unknown")
        state = record.get("state", "unknown")
        reason = record.get("reason", "")
        ended, value = self._outcomes.get(key, (None, None))
        if ended is False and state != "failed":
            state, reason = "failed", _death_reason(value)
            self.client.set_metadata([NAMESPACE, key], {**record, "state": state, "reason": reason})
        elif ended:
            state = "done"
        elapsed = time.time() - record["started"] if state == "running" and "started" in record else 0.0
        fraction = float(record.get("fraction", 0.0))
        remaining = elapsed * (1 - fraction) / fraction if state == "running" and fraction >= 0.02 else None
        position = None
        if state == "queued":
            queue = sorted((r for r in records.values() if r.get("state") == "queued"
                            and r.get("kind") == record.get("kind")),
                           key=lambda r: (-r.get("priority", 0), r.get("submitted", 0.0)))
            position = next((i for i, r in enumerate(queue, 1) if r is record), len(queue))
        return JobStatus(key, state, record.get("description", ""), fraction, record.get("message", ""), elapsed,
                         remaining, position, reason, int(record.get("attempts", 0)))

    def result(self, key: str, timeout: float | None = None) -> Any:
        """The job's result (waiting up to ``timeout`` seconds); :class:`JobFailed` with the reason if it failed."""
        task = task_key(key)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._collected:
            while task not in self._outcomes:
                if task not in self._futures:
                    raise KeyError(f"no job {key} was asked for here")
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError(f"the job {key} did not end in {timeout} s")
                self._collected.wait(left)
            ended, value = self._outcomes[task]
        if ended:
            return value
        if isinstance(value, InputError):
            raise value  # the visitor's to act on, as if it had been raised in the page
        raise JobFailed(self.status(key).reason or _death_reason(value)) from value

    def done(self, key: str) -> bool:
        return task_key(key) in self._outcomes

    def forget(self, key: str) -> None:
        """Let go of a job: its result has been kept, or it failed and asking again runs it afresh."""
        with self._lock:
            future = self._futures.pop(task_key(key), None)
            self._outcomes.pop(task_key(key), None)
        if future is not None:
            future.release()



def _death_reason(error: BaseException | None) -> str:
    name = type(error).__name__ if error is not None else ""
    if name == "KilledWorker":
        return ("its worker process died twice, most likely past its memory limit (or it was killed). "
                "Choose smaller settings, or give the workers more memory (ML_ATLAS_TRAINING_MEMORY, "
                "ML_ATLAS_FIT_MEMORY).")
    if isinstance(error, TimeLimitExceeded):
        return str(error)
    if error is None or name.endswith("CancelledError"):  # distributed's FutureCancelledError too
        return "it was cancelled on the job cluster (by a restart of its scheduler, say): try again."
    return f"{name}: {error}"


def duration(seconds: float) -> str:
    """``42 s``, ``7 min``, ``1.5 h``: how pages and the terminal write a job's times."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def run_side_by_side(function: Callable[..., Any], calls: Sequence[tuple]) -> list[Any]:
    """``[function(*arguments) for arguments in calls]``, computed as fit jobs side by side on the cluster's fit workers.

    For independent CPU-bound runs (a NumPy training loop holds the GIL, so threads would not
    help). Results come back in call order; put the longest calls first. A call whose worker
    died is run once more, then reported as :class:`JobFailed`.
    """
    import cloudpickle

    client = job_board().client
    futures = [client.submit(_call, cloudpickle.dumps((function, tuple(arguments))), pure=False,
                             resources={FIT.name: 1}, priority=10) for arguments in calls]
    try:
        return client.gather(futures)
    except Exception as error:
        if type(error).__name__ == "KilledWorker":
            raise JobFailed(_death_reason(error)) from error
        raise
    finally:
        client.cancel(futures)


def _call(pickled: bytes) -> Any:
    import cloudpickle

    function, arguments = cloudpickle.loads(pickled)
    return function(*arguments)


# --- connecting ----------------------------------------------------------------------------------------------

_board: JobBoard | None = None
_board_lock = threading.Lock()
_local_cluster: subprocess.Popen | None = None


def job_board() -> JobBoard:
    """This process's board, connected to ``ML_ATLAS_SCHEDULER`` or to a local cluster it starts once."""
    global _board
    with _board_lock:
        if _board is None:
            from distributed import Client

            address = scheduler_address() or _start_local_cluster()
            try:
                _board = JobBoard(Client(address, timeout="20s", set_as_default=False))
            except (OSError, TimeoutError) as error:
                raise JobFailed(f"the job scheduler at {address} is not reachable ({error}). Start it, or unset "
                                "ML_ATLAS_SCHEDULER to run jobs on this machine.") from error
        return _board


def _start_local_cluster() -> str:
    """Start ``python -m models cluster`` for this process (it ends with this process); return its address."""
    global _local_cluster
    address_file = Path(tempfile.mkdtemp(prefix="ml-atlas-cluster-")) / "address"
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]))
    _local_cluster = subprocess.Popen(
        [sys.executable, "-m", "models", "cluster", "--address-file", str(address_file),
         "--parent-pid", str(os.getpid())], cwd=PROJECT_ROOT, env=environment, stdin=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not address_file.exists():
        if _local_cluster.poll() is not None or time.time() > deadline:
            raise JobFailed("the local job cluster did not start; run `python -m models cluster` to see why.")
        time.sleep(0.2)
    return address_file.read_text().strip()
