"""The pre-train command: warm the model cache before users arrive.

    python -m models list               # what can be trained, and whether it is
    python -m models train --all        # train everything missing from the cache
    python -m models train digits-cnn   # train named artifacts

It is given the artifact declarations (``models/artifacts.py``) and knows
nothing of any model family. TensorFlow's C++ log lines are silenced unless
``--verbose`` is given.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

from core.artifacts import Artifact
from core.progress import TrainingProgress

QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "ABSL_MIN_LOG_LEVEL": "3"}


class BarProgress(TrainingProgress):
    """A text progress bar on the terminal, one per model."""

    def __init__(self, name: str, width: int = 30):
        self.name, self.width = name, width

    def update(self, fraction: float, message: str = "") -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stdout.write(f"\r{self.name:<24} [{bar}] {fraction:6.1%} {message[:60]:<60}")
        sys.stdout.flush()


def main(artifacts: Sequence[Artifact], argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="let TensorFlow print its log lines")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the pre-trainable models")
    train = commands.add_parser("train", help="train models into the cache")
    train.add_argument("names", nargs="*", help="model names (see 'list')")
    train.add_argument("--all", action="store_true", help="train every registered model")
    args = parser.parse_args(argv)
    if not args.verbose:
        for variable, value in QUIET_TENSORFLOW.items():
            os.environ.setdefault(variable, value)

    registry = {artifact.name: artifact for artifact in artifacts}
    if args.command == "list":
        for item in registry.values():
            print(f"{item.name:<24} {'trained' if item.is_trained() else 'not trained':<12} {item.description}")
        return 0
    names = list(registry) if args.all else args.names
    unknown = [n for n in names if n not in registry]
    if unknown or not names:
        parser.error(f"name models to train or pass --all; unknown: {unknown}; known: {list(registry)}")
    for name in names:
        started = time.perf_counter()
        registry[name].train(BarProgress(name))
        print(f"\n{name}: ready in {time.perf_counter() - started:.1f} s")
    return 0
