"""The pure helpers of the browser benches: percentiles, /proc parsing, process trees, main-output definitions."""
import os

import numpy as np
import pytest

from bench.browser_session import (MAIN_OUTPUTS, cpu_ticks, descendants, main_output, parent_pid, parse_status, percentile,
                                   tree_memory)
from components.catalog import PAGES


@pytest.mark.parametrize("q", [0, 25, 50, 90, 95, 100])
def test_percentile_matches_numpy(q):
    values = [120.0, 80.5, 950.0, 300.0, 301.0, 12.0, 1000.0]
    assert percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_percentile_of_one_value_and_of_none():
    assert percentile([42.0], 95) == 42.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_parse_status_reads_memory_fields_in_bytes():
    text = "Name:\tpython3\nState:\tS (sleeping)\nVmPeak:\t 4089956 kB\nVmHWM:\t  879128 kB\nVmRSS:\t  512 kB\nThreads:\t41\n"
    assert parse_status(text) == {"VmPeak": 4089956 * 1024, "VmHWM": 879128 * 1024, "VmRSS": 512 * 1024}


def test_parent_pid_survives_spaces_and_parentheses_in_the_command_name():
    assert parent_pid("1234 (python3) S 77 1234 1234 0 -1") == 77
    assert parent_pid("1234 (my (odd) name) R 99 1 1 0") == 99


def test_cpu_ticks_adds_user_and_system_time():
    stat = "1234 (a (b) c) S 77 1234 1234 0 -1 4194560 100 0 0 0 250 40 0 0 20 0 1 0"
    assert cpu_ticks(stat) == 290


def test_descendants_walks_the_whole_tree_and_nothing_else():
    parents = {1: 0, 10: 1, 11: 10, 12: 10, 13: 11, 20: 1, 21: 20}
    assert sorted(descendants(10, parents)) == [10, 11, 12, 13]
    assert descendants(13, parents) == [13]


def test_tree_memory_of_this_process_is_plausible():
    memory = tree_memory(os.getpid())
    assert 0 < memory.rss <= memory.hwm


def test_every_page_has_a_main_output_definition():
    for card in PAGES:
        kind, text = main_output(card.url_path)
        assert kind in {"metric", "chart", "table", "text"}
        assert text or kind in {"chart", "table"}
    assert "" in MAIN_OUTPUTS  # the home page


def test_a_page_without_a_definition_fails_loudly():
    with pytest.raises(KeyError, match="no main output defined for page 'nope'"):
        main_output("nope")
