"""The models command: warm the model cache, and run the job cluster that trains it.

    python -m models list               # what can be trained, and whether it is
    python -m models train --all        # train everything missing from the cache
    python -m models train digits-cnn   # train named artifacts
    python -m models cluster            # a local job cluster (``bash scripts/start`` runs one)

``train`` submits the same jobs the app does: to ``ML_ATLAS_SCHEDULER`` when it is set,
else to a local cluster it starts, and draws their progress on the terminal. ``cluster
--warm-start`` queues every artifact missing from the cache as soon as the cluster is up,
quickest first, so the first visitors find models ready or in progress. ``cluster`` first removes
from the model cache the folders that crashed trainings left (:meth:`core.cache.ModelCache.clean_leftovers`).

It is given the artifact declarations (``models/artifacts.py``) and knows nothing of
any model family. TensorFlow's C++ log lines are silenced unless ``--verbose`` is given.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.artifacts import Artifact
from core.cache import ModelCache
from core.jobs import JobBoard, JobFailed, duration, job_board

QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "ABSL_MIN_LOG_LEVEL": "3"}


def bar(name: str, fraction: float, message: str, width: int = 30) -> str:
    """One terminal line of a job's progress."""
    fraction = min(max(fraction, 0.0), 1.0)
    filled = int(width * fraction)
    return f"{name:<24} [{'#' * filled}{'-' * (width - filled)}] {fraction:6.1%} {message[:60]:<60}"


def missing_quickest_first(artifacts: Sequence[Artifact]) -> list[Artifact]:
    """The artifacts missing from the cache, quickest to be ready first (counting what each needs trained first)."""
    return sorted((a for a in artifacts if not a.is_trained()), key=Artifact.seconds_to_ready)


def warm_start(board: JobBoard, artifacts: Sequence[Artifact]) -> list[Artifact]:
    """Queue every artifact missing from the cache, quickest to be ready first; return them in that order."""
    missing = missing_quickest_first(artifacts)
    for rank, artifact in enumerate(missing):
        board.submit(artifact.job(priority=-1 - rank))
    return missing


def follow(board: JobBoard, artifacts: Sequence[Artifact], out=sys.stdout) -> list[str]:
    """Draw the submitted jobs' progress until each has ended; return the names of those that failed."""
    failed, pending = [], list(artifacts)
    started = time.perf_counter()
    while pending:
        for artifact in list(pending):
            status = board.status(artifact.key)
            if status.state == "done" or board.done(artifact.key):
                try:
                    board.result(artifact.key)
                    out.write(f"\r{bar(artifact.name, 1.0, 'ready')}\n{artifact.name}: ready after "
                              f"{time.perf_counter() - started:.1f} s\n")
                except JobFailed as error:
                    out.write(f"\n{artifact.name}: FAILED, {error}\n")
                    failed.append(artifact.name)
                pending.remove(artifact)
        if pending:
            running = [(a.name, s) for a, s in ((a, board.status(a.key)) for a in pending) if s.state == "running"]
            if running:
                name, status = running[0]
                left = f", {duration(status.remaining)} left" if status.remaining is not None else ""
                out.write(f"\r{bar(name, status.fraction, status.message + left)}")
            else:
                out.write(f"\r{'waiting for a worker':<120}")
            out.flush()
            time.sleep(0.5)
    return failed


def main(artifacts: Sequence[Artifact], argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="let TensorFlow print its log lines")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the pre-trainable models")
    train = commands.add_parser("train", help="train models into the cache (as jobs)")
    train.add_argument("names", nargs="*", help="model names (see 'list')")
    train.add_argument("--all", action="store_true", help="train every registered model")
    cluster = commands.add_parser("cluster", help="run a local job cluster until stopped")
    cluster.add_argument("--address-file", type=Path, help="write the scheduler's address here")
    cluster.add_argument("--parent-pid", type=int, help="stop when this process ends")
    cluster.add_argument("--port", type=int, default=0, help="the scheduler's port (default: any free one)")
    cluster.add_argument("--warm-start", action="store_true", help="queue every model missing from the cache")
    args = parser.parse_args(argv)
    if not args.verbose:
        for variable, value in QUIET_TENSORFLOW.items():
            os.environ.setdefault(variable, value)

    registry = {artifact.name: artifact for artifact in artifacts}
    if args.command == "list":
        for item in registry.values():
            print(f"{item.name:<24} {'trained' if item.is_trained() else 'not trained':<12} {item.description}")
        return 0
    if args.command == "cluster":
        from core.cluster import serve

        removed = ModelCache().clean_leftovers()  # before any job runs: what crashed trainings left
        if removed:
            print(f"model cache: removed {len(removed)} folders left by crashed processes", flush=True)

        boards = []  # the warm start's board holds its jobs' futures while the cluster runs

        def queue_missing(address: str) -> None:
            from distributed import Client

            if args.warm_start:
                boards.append(JobBoard(Client(address, set_as_default=False)))
                print(f"warm start: queued {[a.name for a in warm_start(boards[0], artifacts)]}", flush=True)

        return serve(args.address_file, args.parent_pid, args.port, on_start=queue_missing)
    names = list(registry) if args.all else args.names
    unknown = [n for n in names if n not in registry]
    if unknown or not names:
        parser.error(f"name models to train or pass --all; unknown: {unknown}; known: {list(registry)}")
    board, queued = job_board(), []
    for rank, artifact in enumerate(sorted((registry[name] for name in names), key=Artifact.seconds_to_ready)):
        if artifact.is_trained():
            print(f"{artifact.name}: already trained")
        else:
            board.submit(artifact.job(priority=-1 - rank))
            queued.append(artifact)
    return 1 if follow(board, queued) else 0
