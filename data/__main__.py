"""``python -m data fetch KEY ...``: fetch data sets ahead of a visit (say, Google's complete mobility report),
with the download's progress on the terminal; ``python -m data list`` shows every key and where it was found."""
from __future__ import annotations

import argparse
import sys

from core.errors import DataError
from data.locate import dataset_dir, dataset_in_place
from data.registry import DATASETS


def _progress(done: int, total: int | None, what: str) -> None:
    of = f" of {total / 1e6:,.1f}" if total else ""
    print(f"\r  {done / 1e6:,.1f}{of} MB  {what}", end="", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch", help="download data sets that are not on disk yet")
    fetch.add_argument("keys", nargs="+", choices=sorted(DATASETS), metavar="KEY", help="data set keys (see 'list')")
    commands.add_parser("list", help="every data set and where it is")
    arguments = parser.parse_args(argv)
    if arguments.command == "list":
        for key, dataset in DATASETS.items():
            print(f"{key:20} {dataset_in_place(key) or 'not on disk'}  {dataset.title}")
        return 0
    failed = 0
    for key in arguments.keys:
        print(f"{key}: {DATASETS[key].title}")
        try:
            print(f"\n  in {dataset_dir(key, progress=_progress)}")
        except DataError as error:
            print(f"\n  {error}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
