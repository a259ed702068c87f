"""Worker processes for independent runs: same results as in-process, never re-running the app's script."""
import multiprocessing
import os
import sys
import types

import pytest

from core import workers
from models.rnn.long_memory import race


def _power(base: int, exponent: int) -> int:
    return base ** exponent


def _pid_and_main_file(_: int) -> tuple[int, str | None]:
    return os.getpid(), getattr(sys.modules["__main__"], "__file__", None)


def _dies_in_a_worker(value: int) -> int:
    if multiprocessing.parent_process() is not None:
        os._exit(3)  # a worker killed mid-call (out of memory, say)
    return value * 2


needs_two_cores = pytest.mark.skipif(workers.WORKERS < 2, reason="one core: calls run in-process")


def test_results_come_back_in_call_order():
    assert workers.run_side_by_side(_power, [(2, 10), (3, 3), (5, 0), (7, 2)]) == [1024, 27, 1, 49]


@needs_two_cores
def test_the_race_is_the_same_side_by_side_as_one_after_another(monkeypatch):
    options = {"hidden_size": 6, "train_size": 256, "test_size": 64, "updates": 25}
    side_by_side = race([5, 12], **options)
    monkeypatch.setattr(workers, "WORKERS", 1)
    in_process = race([5, 12], **options)
    columns = ["T", "network", "accuracy", "updates"]
    assert side_by_side[columns].equals(in_process[columns])
    assert list(side_by_side["T"]) == [5, 5, 12, 12]


@needs_two_cores
def test_new_workers_do_not_run_the_page_script_that_started_them(tmp_path, monkeypatch):
    """Streamlit runs a page as ``__main__``; a worker that imported it would run the page again."""
    marker = tmp_path / "page-ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').close()\n")
    as_main = types.ModuleType("__main__")
    as_main.__file__ = str(page)
    workers._discard_pool()  # fresh workers, started while the "page" is __main__
    monkeypatch.setitem(sys.modules, "__main__", as_main)
    results = workers.run_side_by_side(_pid_and_main_file, [(i,) for i in range(4)])
    assert all(pid != os.getpid() for pid, _ in results)  # really ran in other processes
    assert all(main_file is None for _, main_file in results)
    assert not marker.exists()


@needs_two_cores
def test_a_dead_worker_means_the_calls_finish_in_process():
    assert workers.run_side_by_side(_dies_in_a_worker, [(1,), (2,), (3,)]) == [2, 4, 6]
    assert workers.run_side_by_side(_power, [(2, 3), (3, 2)]) == [8, 9]  # a new pool serves the next calls
