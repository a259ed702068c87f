"""The long-dependency task and the two NumPy networks that learn it."""
import numpy as np
import pandas as pd
import pytest

from models.rnn.long_memory import (LongMemoryNet, _init, clipping_comparison, clipping_outcome, first_symbol_task,
                                    lstm_gradients, race, race_at_length, race_lengths)
from models.rnn.lstm_gates import lstm_forward


def test_task_answer_is_the_first_symbol_and_distractors_never_repeat_it():
    x, y = first_symbol_task(50, 7, signals=3, distractors=2, seed=1)
    assert x.shape == (50, 7, 5) and np.all(x.sum(axis=-1) == 1)
    np.testing.assert_array_equal(x[:, 0].argmax(axis=-1), y)
    assert set(np.unique(x[:, 1:].argmax(axis=-1))) <= {3, 4}
    assert set(np.unique(y)) == {0, 1, 2}


def test_lstm_gradients_match_finite_differences():
    x, y = first_symbol_task(3, 5, signals=2, distractors=2, seed=0)
    params = _init("LSTM", 4, 3, 2, seed=0)
    _, grads = lstm_gradients(params, x, y)
    eps = 1e-6
    for name, value in params.items():
        for index in np.ndindex(value.shape):
            old = value[index]
            value[index] = old + eps
            up = lstm_gradients(params, x, y)[0]
            value[index] = old - eps
            down = lstm_gradients(params, x, y)[0]
            value[index] = old
            assert grads[name][index] == pytest.approx((up - down) / (2 * eps), abs=1e-7), name


def test_lstm_starts_by_remembering():
    params = _init("LSTM", 4, 6, 2, seed=0)
    x, _ = first_symbol_task(4, 10, signals=2, distractors=2)
    trace = lstm_forward(params["kernel"], params["recurrent_kernel"], params["bias"], x)
    assert trace.forget.mean() > 0.9 and trace.input.mean() < 0.3


def test_both_networks_learn_a_short_dependency():
    x, y = first_symbol_task(600, 5, seed=3)
    for kind in ("simple RNN", "LSTM"):
        net = LongMemoryNet(kind, hidden_size=8, updates=150).fit(x[:400], y[:400])
        assert net.score(x[400:], y[400:]) > 0.9, kind
        assert net.predict_proba(x[:2]).shape == (2, 4)


def test_only_the_lstm_bridges_a_long_gap():
    result = race(60, hidden_size=16, train_size=1024, test_size=256, updates=120).set_index("network")
    assert result.loc["LSTM", "accuracy"] > 0.9
    assert result.loc["simple RNN", "accuracy"] < 0.5  # chance is 0.25
    assert set(result.columns) == {"T", "accuracy", "updates", "seconds"}


def test_unknown_network_kind_is_refused():
    with pytest.raises(ValueError):
        LongMemoryNet("GRU")


def test_clipping_tames_an_exploding_run():
    runs = clipping_comparison(20, 16, radius=3.0, clip=0.3)
    wild, tame = runs[runs.run == "without clipping"], runs[runs.run == "clipped at 0.3"]
    assert len(wild) == len(tame) == 100
    first = wild.loss.iloc[0]
    assert tame.loss.iloc[0] == pytest.approx(first)  # same start
    assert wild.loss.max() > 2 * first
    assert tame.loss.max() < 0.5 * wild.loss.max()  # no spike like the unclipped run's (the run is chaotic, W at
    # radius 3: float rounding differs between CPUs, and on some the clipped run wobbles above its start before it falls)
    assert tame.loss.iloc[-1] < 0.5 * wild.loss.iloc[-1]
    assert tame.clipped.any() and not wild.clipped.any()


def test_clipping_outcome_sums_up_the_two_runs():
    runs = clipping_comparison(20, 16, radius=3.0, clip=0.3)
    wild, tame = runs[runs.run == "without clipping"], runs[runs.run == "clipped at 0.3"]
    outcome = clipping_outcome(runs)
    assert (outcome.worst_without, outcome.worst_with) == (wild.loss.max(), tame.loss.max())
    assert outcome.clipped == tame.clipped.sum() and outcome.updates_with == 100
    assert outcome.blew_up_at is None
    assert (outcome.end_without, outcome.end_with) == (wild.loss.iloc[-1], tame.loss.iloc[-1])
    assert outcome.clipping_ended_lower


def test_clipping_outcome_of_a_run_that_blew_up():
    """The unclipped run stopped after 3 updates, its loss no number: it blew up, and clipping counts as lower."""
    runs = pd.DataFrame({"run": ["without clipping"] * 3 + ["clipped at 1"] * 5,
                         "loss": [1.0, 50.0, np.nan, 1.0, 0.9, 0.8, 0.7, 0.6],
                         "clipped": [False] * 3 + [True, True, False, False, False]})
    outcome = clipping_outcome(runs, updates=5)
    assert outcome.blew_up_at == 3 and outcome.worst_without == 50.0 and outcome.clipped == 2
    assert outcome.clipping_ended_lower
    runs.loc[2, "loss"] = 0.1  # finite and below the clipped run's end: clipping did not end lower
    assert not clipping_outcome(runs, updates=5).clipping_ended_lower


def test_race_lengths_and_the_rows_at_one_length():
    assert race_lengths(40) == [5, 10, 20, 40]
    assert race_lengths(2) == [2]
    assert race_lengths(100) == [5, 10, 20, 40, 80, 100]
    results = pd.DataFrame({"T": [5, 5, 10, 10], "network": ["simple RNN", "LSTM"] * 2, "accuracy": [.5, .6, .7, .8]})
    at_ten = race_at_length(results, 10)
    assert at_ten.loc["LSTM", "accuracy"] == 0.8 and len(at_ten) == 2


def thread_pools() -> list[tuple[str, int]]:
    from threadpoolctl import threadpool_info

    return [(pool["internal_api"], pool["num_threads"]) for pool in threadpool_info()]


def run_overlapping(short, long) -> None:
    """``short()`` in a thread and, while it runs, ``long()`` in another (as two sessions' requests would): the
    first to start ends first, the order that left the pools at one thread when each call set and reset them."""
    import threading
    import time

    first, second = threading.Thread(target=short), threading.Thread(target=long)
    first.start()
    time.sleep(0.2)  # the short call is under way (it takes seconds); the long one takes three times as long
    second.start()
    first.join()
    second.join()


@pytest.mark.parametrize("kind", ["simple RNN (plain descent)", "LSTM"])
def test_overlapping_fits_leave_the_process_thread_pools_as_they_were(kind):
    """A fit must not set process-wide thread pools: two sessions' overlapping fits used to leave BLAS at one
    thread for good (A saved N and set 1, B saved 1, A restored N, B restored 1)."""
    from models.rnn.simple_rnn import NO_TARGET, SimpleRNN

    x, y = first_symbol_task(256, 40, seed=0)
    targets = np.full((64, 40), NO_TARGET)
    targets[:, -1] = y[:64]

    def fit(updates: int):
        if kind == "LSTM":
            return lambda: LongMemoryNet("LSTM", 16, updates=updates, target_loss=0.0).fit(x, y)
        return lambda: SimpleRNN(16, 0.9, 0.1, updates=updates).fit(x[:64], targets)

    before = thread_pools()
    assert any(threads > 1 for _, threads in before), f"this test needs a thread pool of 2+ threads: {before}"
    run_overlapping(fit(60), fit(180))
    assert thread_pools() == before
